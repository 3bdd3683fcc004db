package org.cakb.security;

import org.cakb.security.AccessPolicy;
import org.cakb.security.AccessPolicy.Operation;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Who may call each endpoint: one row per HTTP method and path template (as in the OpenAPI document), naming the
 * kinds of caller that get past authorization. Assessment and account endpoints take their rows from
 * {@link AccessPolicy} (its grants per role, the api-read column for API tokens on /api; "if assigned" counts as
 * allowed for an assigned assessor).
 * The grants are enforced where they always were (application.properties permissions, {@code @RolesAllowed},
 * {@code @Policy}); this table states them in one place, and AuthorizationMatrixTest checks every endpoint the
 * application serves against it, so an endpoint without a row, or a row the code does not honour, fails the build.
 * <p>
 * The knowledge base rows assume {@code cakb.public-browsing=true}; with it off, anonymous callers are refused there.
 */
public final class EndpointPolicy {

    /**
     * The kinds of caller. People sign in with HTTP Basic or a personal access token on /api (a token acts with its
     * owner's roles, so it is the same caller as the owner) and the login form on pages.
     */
    public enum Caller { ANONYMOUS, VIEWER, ASSESSOR, ADMIN, AGENT, API_TOKEN }

    public record Rule(String method, String path, Set<Caller> allowed, Operation operation) {
        public boolean allows(Caller caller) {
            return allowed.contains(caller);
        }
    }

    private static final Set<Caller> EVERYONE = EnumSet.allOf(Caller.class);
    private static final Set<Caller> PEOPLE = EnumSet.of(Caller.VIEWER, Caller.ASSESSOR, Caller.ADMIN);
    private static final Set<Caller> PEOPLE_AND_TOKENS = EnumSet.of(Caller.VIEWER, Caller.ASSESSOR, Caller.ADMIN, Caller.API_TOKEN);
    /** Pages ignore bearer credentials: agents and API tokens browse them as anonymous visitors do. */
    private static final Set<Caller> PUBLIC_PAGES = EVERYONE;
    private static final Set<Caller> ADMIN = EnumSet.of(Caller.ADMIN);
    private static final Set<Caller> AGENT = EnumSet.of(Caller.AGENT);

    public static final List<Rule> TABLE = List.of(
            // knowledge base: read API and pages
            open("GET", "/api/v1/{kind}"),
            open("GET", "/api/v1/{kind}/{id}"),
            open("GET", "/api/v1/oscal/catalog"),
            open("GET", "/api/v1/oscal/profile"),
            rule("GET", "/", PUBLIC_PAGES),
            rule("GET", "/{kind}", PUBLIC_PAGES),
            rule("GET", "/{kind}/{id}", PUBLIC_PAGES),
            rule("GET", "/trace/{id}", PUBLIC_PAGES),
            rule("GET", "/matrix", PUBLIC_PAGES),
            rule("GET", "/search", PUBLIC_PAGES),
            rule("GET", "/login", PUBLIC_PAGES),
            rule("POST", "/logout", PEOPLE),
            // operations: Prometheus metrics (outside the OpenAPI document; AuthorizationMatrixTest adds the /q rows itself)
            rule("GET", "/q/metrics", ADMIN),
            // content administration
            rule("POST", "/api/v1/admin/content/reload", ADMIN),
            rule("GET", "/api/v1/admin/content/loads", ADMIN),
            rule("POST", "/api/v1/admin/api-tokens", ADMIN),
            rule("GET", "/api/v1/admin/api-tokens", ADMIN),
            rule("POST", "/api/v1/admin/api-tokens/{id}/revoke", ADMIN),
            rule("POST", "/api/v1/admin/api-tokens/{id}/rotate", ADMIN),
            assessment("GET", "/api/v1/admin/audit", Operation.VIEW_AUDIT),
            assessment("GET", "/admin/audit", Operation.VIEW_AUDIT),
            rule("POST", "/api/v1/admin/measured-defaults", ADMIN),
            // personal access tokens: people manage their own; admins see and revoke everybody's
            rule("POST", "/api/v1/me/tokens", PEOPLE),
            rule("GET", "/api/v1/me/tokens", PEOPLE),
            rule("POST", "/api/v1/me/tokens/{id}/revoke", PEOPLE),
            rule("GET", "/api/v1/admin/personal-access-tokens", ADMIN),
            rule("POST", "/api/v1/admin/personal-access-tokens/{id}/revoke", ADMIN),
            rule("GET", "/api/v1/measured-defaults", PEOPLE),
            // fleet
            rule("POST", "/api/v1/hosts", ADMIN),
            rule("GET", "/api/v1/hosts", PEOPLE_AND_TOKENS),
            rule("GET", "/api/v1/hosts/{id}", PEOPLE_AND_TOKENS),
            rule("POST", "/api/v1/hosts/{id}/enrollment-tokens", ADMIN),
            rule("POST", "/api/v1/hosts/{id}/revoke", ADMIN),
            rule("GET", "/api/v1/hosts/{id}/reports/{reportId}", PEOPLE_AND_TOKENS),
            rule("GET", "/api/v1/hosts.csv", PEOPLE_AND_TOKENS),
            rule("GET", "/api/v1/hosts/{id}/containers", PEOPLE_AND_TOKENS),
            rule("GET", "/api/v1/containers", PEOPLE_AND_TOKENS),
            rule("GET", "/api/v1/containers/{id}", PEOPLE_AND_TOKENS),
            rule("GET", "/api/v1/containers/{id}/history", PEOPLE_AND_TOKENS),
            rule("GET", "/api/v1/drift", PEOPLE_AND_TOKENS),
            rule("POST", "/api/v1/admin/webhooks", ADMIN),
            rule("GET", "/api/v1/admin/webhooks", ADMIN),
            rule("POST", "/api/v1/admin/webhooks/{id}/disable", ADMIN),
            rule("GET", "/api/v1/admin/webhooks/{id}/deliveries", ADMIN),
            rule("GET", "/admin/webhooks", ADMIN),
            rule("POST", "/admin/webhooks", ADMIN),
            rule("POST", "/admin/webhooks/{id}/disable", ADMIN),
            rule("POST", "/api/v1/agent/enroll", EVERYONE),
            rule("GET", "/api/v1/agent/probes", AGENT),
            rule("POST", "/api/v1/agent/reports", AGENT),
            rule("POST", "/api/v1/agent/credential/rotate", AGENT),
            rule("GET", "/hosts", PEOPLE),
            rule("GET", "/hosts/{id}", PEOPLE),
            rule("GET", "/hosts/{id}/containers/{containerId}", PEOPLE),
            rule("GET", "/fleet/failing", PEOPLE),
            rule("GET", "/fleet/failing.csv", PEOPLE),
            rule("GET", "/fleet/drift", PEOPLE),
            rule("GET", "/dashboard", PEOPLE),
            // fleet and API tokens (admin pages)
            rule("GET", "/admin/hosts", ADMIN),
            rule("POST", "/admin/hosts", ADMIN),
            rule("POST", "/admin/hosts/{id}/enrollment-token", ADMIN),
            rule("POST", "/admin/hosts/{id}/rotate", ADMIN),
            rule("POST", "/admin/hosts/{id}/revoke", ADMIN),
            rule("GET", "/admin/api-tokens", ADMIN),
            rule("POST", "/admin/api-tokens", ADMIN),
            rule("POST", "/admin/api-tokens/{id}/rotate", ADMIN),
            rule("POST", "/admin/api-tokens/{id}/revoke", ADMIN),
            // assessments (API)
            assessment("GET", "/api/v1/assessments", Operation.LIST_ASSESSMENTS),
            assessment("POST", "/api/v1/assessments", Operation.CREATE_ASSESSMENT),
            assessment("GET", "/api/v1/assessments/{id}", Operation.VIEW_ASSESSMENT),
            assessment("PUT", "/api/v1/assessments/{id}", Operation.EDIT_ASSESSMENT),
            assessment("POST", "/api/v1/assessments/{id}/status", Operation.CHANGE_STATUS),
            assessment("POST", "/api/v1/assessments/{id}/reopen", Operation.REOPEN_ASSESSMENT),
            assessment("PUT", "/api/v1/assessments/{id}/assessors", Operation.ASSIGN_ASSESSORS),
            assessment("GET", "/api/v1/assessments/{id}/items", Operation.LIST_ITEMS),
            assessment("GET", "/api/v1/assessments/{id}/items/{itemId}", Operation.VIEW_ITEM),
            assessment("PUT", "/api/v1/assessments/{id}/items/{itemId}", Operation.EDIT_ITEM),
            assessment("PUT", "/api/v1/assessments/{id}/items/{itemId}/waiver", Operation.SET_WAIVER),
            assessment("DELETE", "/api/v1/assessments/{id}/items/{itemId}/waiver", Operation.SET_WAIVER),
            assessment("POST", "/api/v1/assessments/{id}/items/{itemId}/waiver/approve", Operation.DECIDE_WAIVER),
            assessment("POST", "/api/v1/assessments/{id}/items/{itemId}/waiver/refuse", Operation.DECIDE_WAIVER),
            assessment("GET", "/api/v1/assessments/waiver-requests", Operation.DECIDE_WAIVER),
            assessment("GET", "/api/v1/assessments/{id}/members", Operation.MANAGE_MEMBERS),
            assessment("PUT", "/api/v1/assessments/{id}/members", Operation.MANAGE_MEMBERS),
            assessment("POST", "/api/v1/assessments/{id}/items/{itemId}/attachments", Operation.UPLOAD_ATTACHMENT),
            assessment("GET", "/api/v1/assessments/{id}/items/{itemId}/attachments/{attachmentId}", Operation.DOWNLOAD_ATTACHMENT),
            assessment("GET", "/api/v1/assessments/{id}/items/{itemId}/history", Operation.VIEW_HISTORY),
            assessment("GET", "/api/v1/assessments/{id}/history", Operation.VIEW_HISTORY),
            assessment("GET", "/api/v1/assessments/{id}/hosts", Operation.VIEW_LINKED_HOSTS),
            assessment("PUT", "/api/v1/assessments/{id}/hosts", Operation.LINK_HOSTS),
            assessment("GET", "/api/v1/assessments/{id}/items/{itemId}/probe-evidence", Operation.VIEW_PROBE_EVIDENCE),
            assessment("POST", "/api/v1/assessments/{id}/items/{itemId}/probe-evidence", Operation.DECIDE_PROBE_EVIDENCE),
            // exports of one assessment: whoever may list its items may export them
            assessment("GET", "/api/v1/assessments/{id}/oscal/assessment-results", Operation.LIST_ITEMS),
            assessment("GET", "/api/v1/assessments/{id}/checklist.csv", Operation.LIST_ITEMS),
            assessment("GET", "/api/v1/assessments/{id}/checklist.cklb", Operation.LIST_ITEMS),
            assessment("GET", "/api/v1/assessments/{id}/controls", Operation.VIEW_ASSESSMENT),
            assessment("GET", "/api/v1/users", Operation.LIST_USERS),
            assessment("POST", "/api/v1/users", Operation.CREATE_USER),
            assessment("PUT", "/api/v1/users/{userId}/roles", Operation.CHANGE_ROLES),
            assessment("POST", "/api/v1/users/{userId}/disable", Operation.DISABLE_USER),
            assessment("POST", "/api/v1/users/{userId}/enable", Operation.DISABLE_USER),
            assessment("POST", "/api/v1/users/{userId}/password-reset", Operation.RESET_PASSWORD),
            assessment("PUT", "/api/v1/account/password", Operation.CHANGE_OWN_PASSWORD),
            // accounts (pages)
            assessment("POST", "/admin/users/{userId}/roles", Operation.CHANGE_ROLES),
            assessment("POST", "/admin/users/{userId}/disable", Operation.DISABLE_USER),
            assessment("POST", "/admin/users/{userId}/enable", Operation.DISABLE_USER),
            assessment("POST", "/admin/users/{userId}/password-reset", Operation.RESET_PASSWORD),
            assessment("GET", "/account/password", Operation.CHANGE_OWN_PASSWORD),
            assessment("POST", "/account/password", Operation.CHANGE_OWN_PASSWORD),
            // assessments (pages)
            assessment("GET", "/assessments", Operation.LIST_ASSESSMENTS),
            assessment("GET", "/assessments/assessment.css", Operation.LIST_ASSESSMENTS),
            assessment("GET", "/assessments/{id}", Operation.VIEW_ASSESSMENT),
            assessment("POST", "/assessments/{id}/status", Operation.CHANGE_STATUS),
            assessment("POST", "/assessments/{id}/reopen", Operation.REOPEN_ASSESSMENT),
            assessment("GET", "/assessments/{id}/items/{itemId}", Operation.VIEW_ITEM),
            assessment("POST", "/assessments/{id}/items/{itemId}", Operation.EDIT_ITEM),
            assessment("POST", "/assessments/{id}/items/{itemId}/waiver", Operation.SET_WAIVER),
            assessment("POST", "/assessments/{id}/items/{itemId}/waiver/decision", Operation.DECIDE_WAIVER),
            assessment("POST", "/assessments/{id}/items/{itemId}/attachments", Operation.UPLOAD_ATTACHMENT),
            assessment("POST", "/assessments/{id}/hosts", Operation.LINK_HOSTS),
            assessment("POST", "/assessments/{id}/items/{itemId}/probe-evidence", Operation.DECIDE_PROBE_EVIDENCE),
            assessment("GET", "/assessments/{id}/items/{itemId}/attachments/{attachmentId}", Operation.DOWNLOAD_ATTACHMENT),
            assessment("GET", "/assessments/{id}/history", Operation.VIEW_HISTORY),
            assessment("GET", "/assessments/{id}/items/{itemId}/history", Operation.VIEW_HISTORY),
            assessment("GET", "/assessments/{id}/report", Operation.VIEW_ASSESSMENT),
            assessment("GET", "/assessments/{id}/controls", Operation.VIEW_ASSESSMENT),
            assessment("GET", "/admin/users", Operation.LIST_USERS),
            assessment("POST", "/admin/users", Operation.CREATE_USER),
            assessment("GET", "/admin/assessments/new", Operation.CREATE_ASSESSMENT),
            assessment("POST", "/admin/assessments", Operation.CREATE_ASSESSMENT),
            assessment("POST", "/admin/assessments/{id}/assessors", Operation.ASSIGN_ASSESSORS),
            assessment("GET", "/admin/assessments/{id}/edit", Operation.EDIT_ASSESSMENT),
            assessment("POST", "/admin/assessments/{id}", Operation.EDIT_ASSESSMENT),
            assessment("GET", "/assessments/{id}/export/oscal-assessment-results.json", Operation.LIST_ITEMS),
            assessment("GET", "/assessments/{id}/export/checklist.csv", Operation.LIST_ITEMS),
            assessment("GET", "/assessments/{id}/export/checklist.cklb", Operation.LIST_ITEMS),
            assessment("POST", "/admin/assessments/{id}/members", Operation.MANAGE_MEMBERS),
            assessment("GET", "/admin/waivers", Operation.DECIDE_WAIVER));

    private EndpointPolicy() {
    }

    /** The row for a method and path template, or null when the endpoint has none. */
    public static Rule find(String method, String path) {
        return TABLE.stream().filter(r -> r.method().equalsIgnoreCase(method) && r.path().equals(path)).findFirst().orElse(null);
    }

    private static Rule rule(String method, String path, Set<Caller> allowed) {
        return new Rule(method, path, Set.copyOf(allowed), null);
    }

    /** Read access to the knowledge base: everyone (anonymous only while public browsing is on). */
    private static Rule open(String method, String path) {
        return rule(method, path, EVERYONE);
    }

    /** People whose role {@link AccessPolicy} grants the operation (always, or on assessments they are assigned to). */
    private static Rule assessment(String method, String path, Operation operation) {
        Set<Caller> allowed = EnumSet.noneOf(Caller.class);
        AccessPolicy.Rule row = AccessPolicy.rule(operation);
        if (row.viewer() != AccessPolicy.Grant.DENY) {
            allowed.add(Caller.VIEWER);
        }
        if (row.assessor() != AccessPolicy.Grant.DENY) {
            allowed.add(Caller.ASSESSOR);
        }
        if (row.admin() != AccessPolicy.Grant.DENY) {
            allowed.add(Caller.ADMIN);
        }
        if (row.apiRead() != AccessPolicy.Grant.DENY && path.startsWith("/api/")) { // pages ignore bearer tokens
            allowed.add(Caller.API_TOKEN);
        }
        return new Rule(method, path, Set.copyOf(allowed), operation);
    }
}
