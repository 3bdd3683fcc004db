package org.cakb.security;

import io.quarkus.csrf.reactive.runtime.CsrfTokenUtils;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The login form's CSRF check (login CSRF: a foreign page signing the victim in to the attacker's account). The login
 * page carries the same token as every other form (quarkus-rest-csrf: a random token in the form, its HMAC in the
 * {@code cakb-csrf} cookie); /j_security_check is answered by the form mechanism before any REST filter runs, so the
 * pair is verified here, the same way, before the password is looked at.
 */
@ApplicationScoped
public class LoginCsrf {

    @ConfigProperty(name = "quarkus.rest-csrf.token-signature-key")
    String signatureKey;
    @ConfigProperty(name = "quarkus.rest-csrf.cookie-name", defaultValue = "csrf-token")
    String cookieName;
    @ConfigProperty(name = "quarkus.rest-csrf.form-field-name", defaultValue = "csrf-token")
    String fieldName;

    public boolean valid(RoutingContext rc) {
        var cookie = rc.request().getCookie(cookieName);
        String token = rc.request().getFormAttribute(fieldName);
        if (cookie == null || token == null || token.isEmpty() || token.length() > 200) {
            return false;
        }
        try {
            String expected = CsrfTokenUtils.signCsrfToken(token, signatureKey);
            return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), cookie.getValue().getBytes(StandardCharsets.US_ASCII));
        } catch (RuntimeException e) {
            return false; // not base64
        }
    }
}
