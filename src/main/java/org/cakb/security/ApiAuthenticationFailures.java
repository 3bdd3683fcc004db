package org.cakb.security;

import io.quarkus.security.AuthenticationFailedException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * A failed API sign-in (wrong Basic password, unknown token, throttle delay) answers like every other API error: 401
 * with a JSON message, the Basic challenge for non-browser callers and, when the caller must wait, Retry-After. Without
 * this the HTTP layer sends a bare 401 and a throttled script cannot tell a delay from a wrong password. Why a
 * password check failed is never told (no difference between unknown account, wrong password, disabled account).
 */
@ApplicationScoped
public class ApiAuthenticationFailures {

    static final String FAILED = "Authentication failed: wrong username or password, or an unknown, expired or revoked token";

    void routes(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).failureHandler(this::explain);
    }

    private void explain(RoutingContext ctx) {
        AuthenticationFailedException failure = authenticationFailure(ctx.failure());
        String path = ctx.normalizedPath();
        boolean api = path.equals("/api") || path.startsWith("/api/");
        if (failure == null || !api || ctx.response().ended() || ctx.response().headWritten()) {
            ctx.next();
            return;
        }
        String message = FAILED;
        SignInRefused refused = SignInRefused.of(failure);
        if (refused != null) {
            message = refused.message();
            ctx.response().putHeader("Retry-After", String.valueOf(refused.retryAfterSeconds()));
        }
        if (!ApiAuthentication.Mechanism.fromBrowser(ctx)) {
            ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"Container Assurance KB\"");
        }
        ctx.response().setStatusCode(401).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("status", 401).put("error", "Unauthorized").put("message", message).encode());
    }

    private static AuthenticationFailedException authenticationFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AuthenticationFailedException a) {
                return a;
            }
        }
        return null;
    }
}
