package org.cakb.common;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Security headers on every response, API and pages alike (the pages' own content security policy, which allows
 * this origin's scripts and styles, is set by the page layer and replaces the API's): no MIME sniffing, no framing,
 * no referrer leaving the site, isolated browsing context, no powerful browser features. An API response is data,
 * never a document: its policy allows nothing to load or run.
 */
@ApplicationScoped
public class SecurityHeaders {

    public static final String API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
    public static final String PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()";

    void routes(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 1).handler(this::apply);
    }

    private void apply(RoutingContext ctx) {
        var headers = ctx.response().headers();
        headers.set("X-Content-Type-Options", "nosniff")
                .set("X-Frame-Options", "DENY")
                .set("Referrer-Policy", "same-origin")
                .set("Cross-Origin-Opener-Policy", "same-origin")
                .set("Cross-Origin-Resource-Policy", "same-origin")
                .set("Permissions-Policy", PERMISSIONS);
        String path = ctx.normalizedPath();
        if (!path.startsWith("/q/swagger-ui")) {
            headers.set("Content-Security-Policy", API_CSP);
        }
        ctx.next();
    }
}
