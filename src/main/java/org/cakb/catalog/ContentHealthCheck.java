package org.cakb.catalog;

import io.smallrye.health.api.Wellness;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * Reports the last content load on /q/health. A failed load keeps the app serving the last good content,
 * so this is a wellness check: it turns /q/health DOWN but leaves readiness alone. /q/health is public (load balancers),
 * so it names no file and no problem: those details are for admins, at /api/v1/admin/content/loads.
 */
@Wellness
@ApplicationScoped
public class ContentHealthCheck implements HealthCheck {

    static final String DETAILS = "/api/v1/admin/content/loads";

    @Inject
    ContentLoader loader;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("content");
        ContentLoad last;
        try {
            last = loader.lastAttempt();
        } catch (RuntimeException e) {
            return response.down().withData("error", "cannot read the load history").build();
        }
        if (last == null) {
            return response.down().withData("error", "content has never been loaded").build();
        }
        response.withData("lastLoad", last.finishedAt.toString()).withData("trigger", last.trigger).withData("outcome", last.outcome);
        if ("failed".equals(last.outcome)) {
            return response.down().withData("error", "the last content load failed; admins find the problems at " + DETAILS).build();
        }
        return response.up().withData("filesRead", last.filesRead).build();
    }
}
