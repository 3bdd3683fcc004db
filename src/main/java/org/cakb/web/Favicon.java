package org.cakb.web;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** Browsers ask for /favicon.ico on their own; it is the site's SVG icon. */
@ApplicationScoped
public class Favicon {

    void routes(@Observes Router router) {
        router.get("/favicon.ico").handler(rc -> rc.response().setStatusCode(301).putHeader("Location", "/static/favicon.svg")
                .putHeader("Cache-Control", "public, max-age=86400").end());
    }
}
