package org.cakb.pagecopies;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * A person's state-changing request (a form or an API write) drops every page copy of this replica when its response
 * starts, which is after its transaction committed: whoever made a change, and everybody else on this replica, sees
 * it on the next page without waiting for the database's announcement (which the other replicas act on). Agent
 * reports are not persons' writes: ingestion says what they changed ({@link Revisions#changedHere}); a sign-in changes
 * nothing a page shows.
 */
@ApplicationScoped
public class WritesDropCopies {

    @Inject
    Revisions revisions;

    void routes(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 50).handler(this::watch);
    }

    private void watch(RoutingContext ctx) {
        HttpMethod method = ctx.request().method();
        if (method != HttpMethod.GET && method != HttpMethod.HEAD && method != HttpMethod.OPTIONS && personsWrite(ctx.request().path())) {
            ctx.addHeadersEndHandler(v -> revisions.dropAllHere());
        }
        ctx.next();
    }

    static boolean personsWrite(String path) {
        return path != null && !path.startsWith("/api/v1/agent/") && !path.equals("/j_security_check");
    }
}
