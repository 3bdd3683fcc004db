package org.cakb.security;

import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Username and password check for both form login and HTTP Basic, in front of the security-jpa provider (higher
 * priority). In order, cheapest first: the login form's CSRF token ({@link CsrfTokens#valid}), the throttle
 * ({@link LoginThrottle}, by the {@link ClientAddress}), the global budget of concurrent checks
 * ({@link PasswordChecks}), and only then bcrypt. A disabled account is refused like a wrong password (after the
 * same hashing, so the answer takes as long). A form sign-in also gets the session cookie of {@link SessionGuard}.
 */
@ApplicationScoped
@io.quarkus.arc.Unremovable
public class PasswordIdentityProvider implements IdentityProvider<UsernamePasswordAuthenticationRequest> {

    /** A real bcrypt hash, compared against when the user does not exist, so both cases take the same time. */
    private static final String DUMMY_HASH = BcryptUtil.bcryptHash("no-such-user-password", 12);
    private static final long BASIC_AUDIT_INTERVAL_MS = 15 * 60_000L;

    @Inject
    LoginThrottle throttle;
    @Inject
    PasswordChecks checks;
    @Inject
    ClientAddress clientAddress;
    @Inject
    CsrfTokens loginCsrf;
    @Inject
    SessionGuard sessions;
    @Inject
    AuditTrail audit;

    /** Basic sign-ins come with every API call: audited once per user and address per quarter hour, not per call. */
    private final Map<String, Long> basicAudited = new ConcurrentHashMap<>();

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
        return UsernamePasswordAuthenticationRequest.class;
    }

    @Override
    public int priority() {
        return 2000; // security-jpa's own provider has 1001; this one must come first
    }

    @Override
    public Uni<SecurityIdentity> authenticate(UsernamePasswordAuthenticationRequest request, AuthenticationRequestContext context) {
        RoutingContext rc = HttpSecurityUtils.getRoutingContextAttribute(request);
        String address = rc == null ? "unknown" : clientAddress.of(rc);
        // the login form posts here; Basic credentials (on /api, or sent by a client to a page) have no form to carry a token
        boolean form = rc != null && rc.normalizedPath().equals("/j_security_check");
        String username = request.getUsername();
        String password = new String(request.getPassword().getPassword());
        if (form && !loginCsrf.valid(rc)) {
            return Uni.createFrom().failure(new AuthenticationFailedException("the login form's CSRF token is missing or wrong"));
        }
        return context.runBlocking(() -> {
            AppUser user = verify(username, password, address, form ? "form" : "basic");
            if (form) {
                sessions.issue(rc, user.username, user.sessionEpoch);
            }
            return identity(user);
        });
    }

    /** Checks the password under the throttle and budget; the account on success, else AuthenticationFailedException. */
    AppUser verify(String username, String password, String address, String mechanism) {
        Optional<SignInRefused> refused = throttle.refusal(username, address);
        if (refused.isPresent()) {
            audit.recordAlone(AuditTrail.SIGN_IN, LoginThrottle.key(username), address, null, false, mechanism + ": " + refused.get().message());
            throw refused.get().asException();
        }
        AppUser user;
        try {
            user = checks.run(() -> check(username, password));
        } catch (PasswordChecks.Busy e) {
            throw new SignInRefused(e.getMessage(), 3).asException();
        }
        if (user == null) {
            throttle.failed(username, address);
            audit.recordAlone(AuditTrail.SIGN_IN, LoginThrottle.key(username), address, null, false, mechanism + ": wrong username or password");
            throw new AuthenticationFailedException("wrong username or password");
        }
        if (!user.enabled()) {
            audit.recordAlone(AuditTrail.SIGN_IN, user.username, address, null, false, mechanism + ": account disabled");
            throw new AuthenticationFailedException("account disabled");
        }
        throttle.succeeded(username);
        if (!"basic".equals(mechanism) || firstBasicInAWhile(user.username, address)) {
            audit.recordAlone(AuditTrail.SIGN_IN, user.username, address, null, true, mechanism);
        }
        return user;
    }

    /** The account when the password is right (disabled or not), else null. Public for the own-password change. */
    public AppUser check(String username, String password) {
        AppUser user = QuarkusTransaction.requiringNew().call(() -> {
            AppUser u = AppUser.findByUsername(username);
            if (u != null) {
                AppUser.getEntityManager().detach(u);
            }
            return u;
        });
        boolean ok = BcryptUtil.matches(password, user == null ? DUMMY_HASH : user.passwordHash) && user != null;
        return ok ? user : null;
    }

    /** Checks a password someone typed again (own password change) under the same throttle and budget. */
    public boolean recheck(String username, String password, String address) {
        if (throttle.refusal(username, address).isPresent()) {
            return false;
        }
        AppUser user = checks.run(() -> check(username, password));
        if (user == null) {
            throttle.failed(username, address);
            return false;
        }
        return true;
    }

    private boolean firstBasicInAWhile(String username, String address) {
        long now = System.currentTimeMillis();
        if (basicAudited.size() > 10_000) {
            basicAudited.clear();
        }
        Long last = basicAudited.put(username + "|" + address, now);
        return last == null || now - last > BASIC_AUDIT_INTERVAL_MS;
    }

    static SecurityIdentity identity(AppUser user) {
        return SignedInAccounts.identity(user.username, user.roles, user.mustChangePassword);
    }
}
