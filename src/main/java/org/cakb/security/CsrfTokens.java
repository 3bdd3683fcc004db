package org.cakb.security;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * Form CSRF tokens where quarkus-rest-csrf's filter does not run, in the scheme it uses for every other page: a fresh
 * random token in the form, its HMAC under {@code quarkus.rest-csrf.token-signature-key} in the {@code cakb-csrf}
 * cookie, with the same cookie settings. {@link #issue} serves pages answered before the REST layer (the cached
 * knowledge-base pages of signed-in people, {@code web.SignedInPages}); {@link #valid} checks the login form, which
 * /j_security_check answers before any REST filter (login CSRF: a foreign page signing the victim in to the
 * attacker's account), before the password is looked at.
 */
@ApplicationScoped
public class CsrfTokens {

    @ConfigProperty(name = "quarkus.rest-csrf.token-signature-key")
    String signatureKey;
    @ConfigProperty(name = "quarkus.rest-csrf.cookie-name", defaultValue = "csrf-token")
    String cookieName;
    @ConfigProperty(name = "quarkus.rest-csrf.form-field-name", defaultValue = "csrf-token")
    String fieldName;
    @ConfigProperty(name = "quarkus.rest-csrf.token-size", defaultValue = "16")
    int tokenSize;
    @ConfigProperty(name = "quarkus.rest-csrf.cookie-max-age", defaultValue = "PT2H")
    Duration cookieMaxAge;
    @ConfigProperty(name = "quarkus.rest-csrf.cookie-path", defaultValue = "/")
    String cookiePath;
    @ConfigProperty(name = "quarkus.rest-csrf.cookie-domain")
    Optional<String> cookieDomain;
    @ConfigProperty(name = "quarkus.rest-csrf.cookie-http-only", defaultValue = "true")
    boolean cookieHttpOnly;
    @ConfigProperty(name = "quarkus.rest-csrf.cookie-force-secure", defaultValue = "false")
    boolean cookieForceSecure;

    private final SecureRandom random = new SecureRandom();

    public String fieldName() {
        return fieldName;
    }

    /** Whether the posted form's token matches this request's CSRF cookie. */
    public boolean valid(RoutingContext rc) {
        var cookie = rc.request().getCookie(cookieName);
        String token = rc.request().getFormAttribute(fieldName);
        if (cookie == null || token == null || token.isEmpty() || token.length() > 200) {
            return false;
        }
        try {
            String expected = sign(Base64.getUrlDecoder().decode(token));
            return java.security.MessageDigest.isEqual(expected.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    cookie.getValue().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } catch (RuntimeException e) {
            return false; // not base64
        }
    }

    /** A new token for this response's forms; its signed twin goes into the response's CSRF cookie. */
    public String issue(RoutingContext rc) {
        byte[] bytes = new byte[tokenSize];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Cookie cookie = Cookie.cookie(cookieName, sign(bytes)).setPath(cookiePath)
                .setHttpOnly(cookieHttpOnly).setSecure(cookieForceSecure || rc.request().isSSL()).setMaxAge(cookieMaxAge.toSeconds())
                .setSameSite(CookieSameSite.STRICT);
        cookieDomain.ifPresent(cookie::setDomain);
        rc.response().addCookie(cookie);
        return token;
    }

    private volatile HmacSha256 hmac;

    /** The cookie value of a token: what Quarkus' CsrfTokenUtils.signCsrfToken computes (the REST filter checks it). */
    private String sign(byte[] token) {
        HmacSha256 signer = hmac;
        if (signer == null) {
            if (signatureKey == null || signatureKey.length() < 32) {
                throw new IllegalStateException("the CSRF token signature key must be at least 32 characters long");
            }
            signer = new HmacSha256(signatureKey.getBytes());
            hmac = signer;
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(signer.sign(token));
    }
}
