package org.cakb.security;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * HSTS on every response that went out over TLS, directly or through a trusted proxy that says so
 * ({@link ClientAddress#overTls}); browsers ignore it over plain HTTP, and sending it there would be wrong anyway.
 */
@ApplicationScoped
public class TransportSecurity {

    /** One year, sub-domains included. */
    public static final String HSTS = "max-age=31536000; includeSubDomains";

    @Inject
    ClientAddress clientAddress;

    void routes(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 1).handler(this::apply);
    }

    private void apply(RoutingContext ctx) {
        if (clientAddress.overTls(ctx)) {
            ctx.response().headers().set("Strict-Transport-Security", HSTS);
        }
        ctx.next();
    }
}
