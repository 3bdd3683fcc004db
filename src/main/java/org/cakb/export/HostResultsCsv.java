package org.cakb.export;

import org.cakb.security.Roles;

import io.agroal.api.AgroalDataSource;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** Host results as CSV for spreadsheets: one row per current check of each host and container, streamed with a cursor. */
@Path("/api/v1/hosts.csv")
@Tag(name = "Export")
public class HostResultsCsv {

    static final List<String> HEADER = List.of("host", "labels", "report_id", "report_finished_at", "agent_version", "vantage",
            "runtime", "check_id", "countermeasures", "status", "observed", "expected", "explanation", "container_runtime",
            "container_id", "container_name");

    @Inject
    AgroalDataSource dataSource;

    @GET
    @Produces("text/csv")
    @RolesAllowed({Roles.VIEWER, Roles.ASSESSOR, Roles.ADMIN, Roles.API_READ})
    @Operation(summary = "Current probe results of every host and container as RFC 4180 CSV (UTF-8, header row, formula-safe cells)")
    public Response export() {
        StreamingOutput body = output -> {
            BufferedWriter writer = new BufferedWriter(new OutputStreamWriter(output, StandardCharsets.UTF_8), 64 * 1024);
            Csv csv = new Csv(writer);
            csv.row(HEADER);
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false); // lets the driver use a cursor (fetch size) instead of loading every row
                try (PreparedStatement select = connection.prepareStatement("""
                        SELECT x.host, h.labels::text, x.report_id::text, x.finished_at, x.agent_version, x.vantage, x.runtime,
                               x.check_id, array_to_string(x.countermeasures, ' '), x.status, x.observed, x.expected, x.explanation,
                               x.container_runtime, x.container_id, x.container_name
                        FROM fleet_current_result x JOIN fleet_host h ON h.id = x.host_id
                        ORDER BY x.host, x.kind DESC, x.subject_id, x.check_id""")) {
                    select.setFetchSize(1000);
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            csv.row(List.of(rows.getString(1), rows.getString(2), rows.getString(3),
                                    rows.getObject(4, java.time.OffsetDateTime.class).toString(), rows.getString(5),
                                    nullToEmpty(rows.getString(6)), nullToEmpty(rows.getString(7)), rows.getString(8),
                                    rows.getString(9), rows.getString(10), nullToEmpty(rows.getString(11)),
                                    nullToEmpty(rows.getString(12)), nullToEmpty(rows.getString(13)),
                                    nullToEmpty(rows.getString(14)), nullToEmpty(rows.getString(15)), nullToEmpty(rows.getString(16))));
                        }
                    }
                }
                connection.commit();
            } catch (SQLException e) {
                throw new IllegalStateException("host results export failed", e);
            }
            writer.flush();
        };
        return Response.ok(body, "text/csv; charset=UTF-8")
                .header("Content-Disposition", "attachment; filename=\"host-results.csv\"").build();
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
