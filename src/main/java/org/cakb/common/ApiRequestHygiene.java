package org.cakb.common;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The JSON API authenticates with explicit credentials only (HTTP Basic for people, bearer secrets for agents and
 * API tokens), never with the browser's session cookie: cookies are dropped from /api requests before
 * authentication, so a page visited in the browser can never make API calls on a user's behalf (CSRF).
 * Without cookies the CSRF filter has nothing to protect there; a body-less POST gets a JSON content type so
 * that filter, which refuses POSTs without one (or with an empty form), does not reject plain {@code curl -X POST} calls.
 */
@ApplicationScoped
public class ApiRequestHygiene {

    void routes(@Observes Router router) {
        router.route("/api/*").order(Integer.MIN_VALUE).handler(this::clean);
    }

    /** A POST without a body (curl -X POST, or -d '') carries nothing a form or the CSRF filter could act on. */
    private static boolean emptyBody(io.vertx.core.MultiMap headers) {
        String length = headers.get("Content-Length");
        return !headers.contains("Transfer-Encoding") && (length == null || length.strip().equals("0"));
    }

    private void clean(RoutingContext context) {
        var headers = context.request().headers();
        headers.remove("Cookie");
        if (context.request().method() == HttpMethod.POST && emptyBody(headers)
                && (!headers.contains("Content-Type") || headers.get("Content-Type").startsWith("application/x-www-form-urlencoded"))) {
            headers.set("Content-Type", "application/json");
        }
        context.next();
    }
}
