package org.cakb.common;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import io.quarkus.runtime.configuration.MemorySize;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Failures the HTTP layer answers before any resource runs, made to explain themselves: a body over
 * {@code quarkus.http.limits.max-body-size} (a bare 413 otherwise), and a database that cannot be reached while
 * authenticating (a 500 otherwise; here 503 with Retry-After, like {@link DatabaseUnavailable}). JSON on /api and
 * /q, a short HTML page elsewhere.
 */
@ApplicationScoped
public class HttpFailures {

    @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10M")
    String maxBodySize;
    @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10M")
    MemorySize maxBodyBytes;

    /** Longer request lines are refused by the HTTP codec itself, with a bare 414 (quarkus.http.limits.max-initial-line-length). */
    static final int MAX_URI_LENGTH = 8192;

    void routes(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::declaredLength);
        router.route().order(Integer.MIN_VALUE).handler(this::uriLength);
        router.route().order(Integer.MIN_VALUE).failureHandler(this::explain);
    }

    /** A declared Content-Length over the limit is answered before anything reads the body (also for Expect: 100-continue). */
    private void declaredLength(RoutingContext ctx) {
        String length = ctx.request().getHeader("Content-Length");
        long declared;
        try {
            declared = length == null ? -1 : Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            declared = -1;
        }
        if (declared > maxBodyBytes.asLongValue()) {
            ctx.response().putHeader("Connection", "close");
            answer(ctx, 413, "Request Entity Too Large", tooLarge());
            return;
        }
        ctx.next();
    }

    private void uriLength(RoutingContext ctx) {
        if (ctx.request().uri().length() > MAX_URI_LENGTH) {
            answer(ctx, 414, "URI Too Long", "The address is longer than " + MAX_URI_LENGTH + " characters");
            return;
        }
        ctx.next();
    }

    /** A multipart body that ends early or breaks its own format is the client's error, not the server's. */
    static boolean malformedBody(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.io.IOException && String.valueOf(t.getMessage()).contains("multipart")) {
                return true;
            }
        }
        return false;
    }

    private String tooLarge() {
        return "The request body is larger than the limit of " + maxBodySize + "B";
    }

    private void explain(RoutingContext ctx) {
        if (ctx.response().ended() || ctx.response().headWritten()) {
            ctx.next();
            return;
        }
        if (ctx.statusCode() == 413) {
            ctx.response().putHeader("Connection", "close");
            answer(ctx, 413, "Request Entity Too Large", tooLarge());
        } else if (ctx.failure() != null && malformedBody(ctx.failure())) {
            answer(ctx, 400, "Bad Request", "The multipart form data could not be read: it is malformed or cut short");
        } else if (ctx.failure() != null && DatabaseUnavailable.causedBy(ctx.failure())) {
            ctx.response().putHeader("Retry-After", DatabaseUnavailable.RETRY_AFTER_SECONDS);
            answer(ctx, 503, "Service Unavailable", DatabaseUnavailable.MESSAGE);
        } else {
            ctx.next();
        }
    }

    private static void answer(RoutingContext ctx, int status, String reason, String message) {
        String path = ctx.normalizedPath();
        ctx.response().setStatusCode(status);
        if (path.startsWith("/api/") || path.startsWith("/q/")) {
            ctx.response().putHeader("Content-Type", "application/json")
                    .end(new JsonObject().put("status", status).put("error", reason).put("message", message).encode());
        } else {
            ctx.response().putHeader("Content-Type", "text/html;charset=UTF-8").end(DatabaseUnavailable.html(status, message));
        }
    }
}
