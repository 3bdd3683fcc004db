package org.cakb.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TrustedAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;

/**
 * Server-side control over browser sessions. Quarkus' encrypted login cookie only says who signed in; next to it
 * the sign-in sets {@value #COOKIE}, signed with a key derived from the session key, holding the account's session
 * epoch and the sign-in time. Every request that arrives with a login cookie is checked here (this provider restores
 * the identity instead of security-jpa's): the account must exist and be enabled, its epoch in PostgreSQL must still
 * be the cookie's (logout, disabling, a password change or reset bump it, ending every copy of the account's
 * cookies on every replica), and the sign-in must be younger than {@code cakb.session.absolute-lifetime} however
 * active the session was. The account's state comes from {@link SignedInAccounts}: from memory, dropped on every
 * replica by the database's change announcement, so a bump takes effect as soon as it is announced.
 */
@ApplicationScoped
@io.quarkus.arc.Unremovable
public class SessionGuard implements IdentityProvider<TrustedAuthenticationRequest> {

    public static final String COOKIE = "cakb-session";
    public static final String MUST_CHANGE_PASSWORD = "cakb.must-change-password";

    @ConfigProperty(name = "cakb.session.absolute-lifetime", defaultValue = "PT12H")
    Duration absoluteLifetime;
    @ConfigProperty(name = "quarkus.http.auth.form.cookie-name", defaultValue = "quarkus-credential")
    String credentialCookie;
    @ConfigProperty(name = "quarkus.http.auth.session.encryption-key")
    String sessionKey;
    @Inject
    ClientAddress clientAddress;
    @Inject
    SignedInAccounts accounts;

    @Override
    public Class<TrustedAuthenticationRequest> getRequestType() {
        return TrustedAuthenticationRequest.class;
    }

    @Override
    public int priority() {
        return 2000; // before security-jpa's trusted provider, which knows nothing of epochs or disabled accounts
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TrustedAuthenticationRequest request, AuthenticationRequestContext context) {
        RoutingContext rc = HttpSecurityUtils.getRoutingContextAttribute(request);
        String cookie = rc == null || rc.request().getCookie(COOKIE) == null ? null : rc.request().getCookie(COOKIE).getValue();
        String username = request.getPrincipal();
        try {
            Claims claims = claims(username, cookie);
            SignedInAccounts.Account known = accounts.cached(username);
            if (known != null) { // the usual case: no database read, no hop to a worker thread
                return Uni.createFrom().item(admit(known, claims));
            }
            return context.runBlocking(() -> refusingStaleCookies(rc, () -> admit(accounts.load(username), claims)));
        } catch (AuthenticationFailedException e) {
            return Uni.createFrom().item(() -> refusingStaleCookies(rc, () -> {
                throw e;
            }));
        }
    }

    private SecurityIdentity refusingStaleCookies(RoutingContext rc, java.util.function.Supplier<SecurityIdentity> check) {
        try {
            return check.get();
        } catch (AuthenticationFailedException e) {
            if (rc != null) {
                end(rc); // otherwise the stale cookie would send every page, the login page too, back to the login page
            }
            throw e;
        }
    }

    SecurityIdentity restore(String username, String cookie) {
        return admit(accounts.load(username), claims(username, cookie));
    }

    /** The cookie's claims when it is genuine, names this user and is younger than the absolute lifetime. */
    private Claims claims(String username, String cookie) {
        Claims claims = cookie == null ? null : verify(cookie);
        if (claims == null || !claims.username().equals(username)) {
            throw new AuthenticationFailedException("session without a valid session cookie");
        }
        if (claims.issuedAtSeconds() + absoluteLifetime.toSeconds() <= System.currentTimeMillis() / 1000) {
            throw new AuthenticationFailedException("session older than the absolute lifetime");
        }
        return claims;
    }

    private static SecurityIdentity admit(SignedInAccounts.Account account, Claims claims) {
        if (account == null || !account.enabled() || account.sessionEpoch() != claims.epoch()) {
            throw new AuthenticationFailedException("session ended");
        }
        return account.identity();
    }

    /** Sets the session cookie for a sign-in (or after the account's own password change, which bumped the epoch). */
    public void issue(RoutingContext rc, String username, int epoch) {
        long now = System.currentTimeMillis() / 1000;
        String payload = b64(username) + "." + epoch + "." + now;
        rc.response().addCookie(Cookie.cookie(COOKIE, payload + "." + sign(payload)).setPath("/").setHttpOnly(true)
                .setSameSite(CookieSameSite.STRICT).setSecure(clientAddress.overTls(rc)).setMaxAge(absoluteLifetime.toSeconds()));
    }

    /** Removes this browser's session cookies (the server-side end is the epoch bump). */
    public void end(RoutingContext rc) {
        rc.response().addCookie(Cookie.cookie(credentialCookie, "").setPath("/").setHttpOnly(true).setMaxAge(0));
        rc.response().addCookie(Cookie.cookie(COOKIE, "").setPath("/").setHttpOnly(true).setMaxAge(0));
    }

    record Claims(String username, int epoch, long issuedAtSeconds) {
    }

    Claims verify(String cookie) {
        int sig = cookie.lastIndexOf('.');
        if (sig <= 0) {
            return null;
        }
        String payload = cookie.substring(0, sig);
        if (!MessageDigest.isEqual(sign(payload).getBytes(StandardCharsets.US_ASCII), cookie.substring(sig + 1).getBytes(StandardCharsets.US_ASCII))) {
            return null;
        }
        String[] parts = payload.split("\\.");
        try {
            return new Claims(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8), Integer.parseInt(parts[1]),
                    Long.parseLong(parts[2]));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private volatile HmacSha256 hmac;

    private String sign(String payload) {
        HmacSha256 signer = hmac;
        if (signer == null) {
            signer = new HmacSha256(("cakb-session-cookie|" + sessionKey).getBytes(StandardCharsets.UTF_8));
            hmac = signer;
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(signer.sign(payload.getBytes(StandardCharsets.UTF_8)));
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
