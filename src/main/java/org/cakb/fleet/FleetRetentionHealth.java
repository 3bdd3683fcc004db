package org.cakb.fleet;

import io.agroal.api.AgroalDataSource;
import io.smallrye.health.api.Wellness;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The last fleet retention run on /q/health (a wellness check: a failed run is worth an alert, not a restart or taking
 * the replica out of the load balancer). DOWN when the last run that did work failed.
 */
@Wellness
@ApplicationScoped
public class FleetRetentionHealth implements HealthCheck {

    @Inject
    AgroalDataSource dataSource;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("fleet retention");
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("""
                     SELECT outcome, finished_at::text, array_to_string(dropped, ' '), coalesce(message, ''),
                            (SELECT max(finished_at)::text FROM fleet_retention_run WHERE outcome = 'succeeded')
                     FROM fleet_retention_run WHERE outcome <> 'skipped' ORDER BY id DESC LIMIT 1""");
             ResultSet r = select.executeQuery()) {
            if (!r.next()) {
                return response.up().withData("lastRun", "none yet").build();
            }
            response.withData("lastOutcome", r.getString(1)).withData("lastRunAt", r.getString(2))
                    .withData("dropped", r.getString(3)).withData("message", r.getString(4))
                    .withData("lastSucceededAt", r.getString(5) == null ? "never" : r.getString(5));
            return (r.getString(1).equals("failed") ? response.down() : response.up()).build();
        } catch (SQLException e) {
            return response.down().withData("error", "database unreachable").build();
        }
    }
}
