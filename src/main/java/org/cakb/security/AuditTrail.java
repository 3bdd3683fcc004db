package org.cakb.security;

import io.quarkus.arc.Arc;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * Writes the audit trail (table audit_event, append-only in PostgreSQL too). {@link #record} joins the caller's
 * transaction, so an action and its audit row commit or roll back together; {@link #recordAlone} commits at once
 * (failed sign-ins, whose request is refused).
 */
@ApplicationScoped
public class AuditTrail {

    /** The actions, as stored (lower-case, dotted). */
    public static final String SIGN_IN = "auth.sign-in";
    public static final String SIGN_OUT = "auth.sign-out";
    public static final String USER_CREATE = "account.create";
    public static final String USER_ROLES = "account.roles";
    public static final String USER_DISABLE = "account.disable";
    public static final String USER_ENABLE = "account.enable";
    public static final String PASSWORD_RESET = "account.password-reset";
    public static final String PASSWORD_CHANGE = "account.password-change";
    public static final String TOKEN_ISSUE = "token.issue";
    public static final String TOKEN_REVOKE = "token.revoke";
    public static final String TOKEN_ROTATE = "token.rotate";
    public static final String HOST_REGISTER = "host.register";
    public static final String HOST_REVOKE = "host.revoke";
    public static final String AGENT_ROTATE = "host.credential-rotate";
    public static final String CONTENT_RELOAD = "content.reload";
    public static final String WAIVER_DECISION = "waiver.decision";
    public static final String WAIVER_REQUEST = "waiver.request";
    public static final String WAIVER_WITHDRAW = "waiver.withdraw";
    public static final String MEMBERSHIP_GRANT = "membership.grant";
    public static final String MEMBERSHIP_REVOKE = "membership.revoke";
    public static final String WEBHOOK_CREATE = "webhook.create";
    public static final String WEBHOOK_DISABLE = "webhook.disable";
    public static final String EVIDENCE_DOWNLOAD = "evidence.download";

    @Inject
    EntityManager em;
    @Inject
    ClientAddress clientAddress;

    @Transactional(Transactional.TxType.REQUIRED)
    public void record(String action, String actor, String target, boolean success, String details) {
        insert(action, actor == null ? currentActor() : actor, currentAddress(), target, success, details);
    }

    /** As {@link #record}, by the signed-in caller of the current request. */
    @Transactional(Transactional.TxType.REQUIRED)
    public void record(String action, String target, String details) {
        insert(action, currentActor(), currentAddress(), target, true, details);
    }

    public void recordAlone(String action, String actor, String address, String target, boolean success, String details) {
        QuarkusTransaction.requiringNew().run(() -> insert(action, actor, address, target, success, details));
    }

    private void insert(String action, String actor, String address, String target, boolean success, String details) {
        em.createNativeQuery("""
                        INSERT INTO audit_event (actor, actor_address, action, target, outcome, details)
                        VALUES (:actor, :address, :action, :target, :outcome, :details)""")
                .setParameter("actor", cut(actor == null ? "anonymous" : actor, 200))
                .setParameter("address", address == null ? null : cut(address, 64))
                .setParameter("action", action)
                .setParameter("target", target == null ? null : cut(target, 300))
                .setParameter("outcome", success ? "success" : "failure")
                .setParameter("details", details == null ? null : cut(details, 2000))
                .executeUpdate();
    }

    private String currentAddress() {
        RoutingContext rc = currentRequest();
        return rc == null ? null : clientAddress.of(rc);
    }

    private static String currentActor() {
        if (!Arc.container().requestContext().isActive()) {
            return "system";
        }
        SecurityIdentity identity = Arc.container().instance(SecurityIdentity.class).get();
        return identity == null || identity.isAnonymous() ? "anonymous" : identity.getPrincipal().getName();
    }

    private static RoutingContext currentRequest() {
        if (!Arc.container().requestContext().isActive()) {
            return null;
        }
        CurrentVertxRequest current = Arc.container().instance(CurrentVertxRequest.class).get();
        return current == null ? null : current.getCurrent();
    }

    private static String cut(String s, int max) {
        String clean = s.replaceAll("[\\p{Cntrl}&&[^\\n\\t]]", "?");
        return clean.length() > max ? clean.substring(0, max) : clean;
    }
}
