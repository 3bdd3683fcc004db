package org.cakb.fleet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.cakb.common.DomainException;
import org.cakb.common.PageOf;
import org.cakb.common.Rows;

import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Read models of the fleet: hosts with the counts of their current state and their host-vantage results. Current
 * results are read from the view {@code fleet_current_result} (migration V20), the one definition of "the current
 * state of a host and its containers" that every package uses.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class FleetQueries {

    @Inject
    EntityManager em;

    /** The counts of a host's current state: the host itself and its containers that are not gone. */
    private static final String CURRENT_COUNTS = """
            LEFT JOIN LATERAL (SELECT sum(s.passed)::int AS passed, sum(s.failed)::int AS failed,
                                      sum(s.not_applicable)::int AS not_applicable, sum(s.errors)::int AS errors,
                                      count(*) FILTER (WHERE s.kind = 'container')::int AS containers
                               FROM fleet_subject s WHERE s.host_id = h.id AND s.gone_at IS NULL) r ON TRUE""";

    public record HostSummary(long id, String name, String description, Map<String, String> labels, OffsetDateTime lastSeenAt,
                              String agentVersion, String vantage, String runtime, String kernel, String latestReport,
                              Integer passed, Integer failed, Integer notApplicable, Integer errors, boolean enrolled,
                              int containers) {
    }

    public record CheckResultView(String checkId, List<String> countermeasures, String status, String observed, String expected,
                                  String explanation) {
    }

    public record HostDetail(HostSummary host, List<CheckResultView> results) {
    }

    public List<HostSummary> hosts() {
        return summaries("TRUE", Map.of(), "h.name");
    }

    /**
     * One page of hosts for the API, ordered by id so pages stay put when hosts are added. updatedSince keeps hosts
     * registered, or whose latest report was received, at or after that instant.
     */
    public PageOf<HostSummary> page(OffsetDateTime updatedSince, int page, int size) {
        String where = "TRUE";
        Map<String, Object> params = new HashMap<>();
        if (updatedSince != null) {
            where = "(h.created_at >= :since OR h.state_received_at >= :since)";
            params.put("since", updatedSince);
        }
        long total = Rows.count(em, "SELECT count(*) FROM fleet_host h WHERE " + where, params);
        params.put("limit", size);
        params.put("offset", (page - 1) * size);
        return PageOf.of(summaries(where, params, "h.id LIMIT :limit OFFSET :offset"), page, size, total);
    }

    /** Who registered a host and when, and what its agent last said about the machine (null when there is no such host). */
    public record Registration(OffsetDateTime createdAt, String createdBy, String hostname, String osRelease) {
    }

    @jakarta.transaction.Transactional
    public Registration registration(long id) {
        FleetHost h = FleetHost.findById(id);
        return h == null ? null : new Registration(h.createdAt, h.createdBy, h.hostname, h.osRelease);
    }

    public HostDetail host(long id) {
        HostSummary host = summary(id);
        List<CheckResultView> results = host.latestReport() == null ? List.of() : results(id);
        return new HostDetail(host, results);
    }

    /** A host with the counts of its current state, without its results (the host page reads those grouped). */
    public HostSummary summary(long id) {
        List<HostSummary> found = summaries("h.id = :id", Map.of("id", id), "h.id");
        if (found.isEmpty()) {
            throw DomainException.notFound("no host with id " + id);
        }
        return found.get(0);
    }

    private List<HostSummary> summaries(String where, Map<String, Object> params, String orderBy) {
        return Rows.list(em, """
                SELECT h.id, h.name, h.description, h.labels::text AS labels, h.last_seen_at, h.agent_version, h.vantage, h.runtime,
                       h.kernel, h.state_report_id::text AS latest_report, r.passed, r.failed, r.not_applicable, r.errors,
                       EXISTS (SELECT 1 FROM fleet_credential c WHERE c.host_id = h.id AND c.revoked_at IS NULL) AS enrolled,
                       r.containers
                FROM fleet_host h\s""" + CURRENT_COUNTS + " WHERE " + where + " ORDER BY " + orderBy, params, row -> new HostSummary(
                Rows.number(row, "id"), Rows.text(row, "name"), Rows.text(row, "description"), labels(Rows.text(row, "labels")),
                Rows.time(row, "last_seen_at"), Rows.text(row, "agent_version"), Rows.text(row, "vantage"), Rows.text(row, "runtime"),
                Rows.text(row, "kernel"), Rows.text(row, "latest_report"), Rows.intOrNull(row, "passed"), Rows.intOrNull(row, "failed"),
                Rows.intOrNull(row, "not_applicable"), Rows.intOrNull(row, "errors"), row.get("enrolled", Boolean.class),
                row.get("containers") == null ? 0 : Rows.intOrNull(row, "containers")));
    }

    private List<CheckResultView> results(long hostId) {
        return Rows.list(em, """
                        SELECT check_id, array_to_string(countermeasures, ',') AS countermeasures, status, observed, expected, explanation
                        FROM fleet_current_result WHERE host_id = :id AND kind = 'host' ORDER BY check_id""", Map.of("id", hostId),
                row -> new CheckResultView(Rows.text(row, "check_id"), split(Rows.text(row, "countermeasures")),
                        Rows.text(row, "status"), Rows.text(row, "observed"), Rows.text(row, "expected"), Rows.text(row, "explanation")));
    }

    static List<String> split(String joined) {
        return joined == null || joined.isEmpty() ? List.of() : List.of(joined.split(","));
    }

    static Map<String, String> labels(String json) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readValue(json,
                    new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() {
                    });
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Map.of();
        }
    }

    static OffsetDateTime offset(Object value) {
        return Rows.time(value);
    }

    /** The payload of one report of one host, as stored; 404 when the host has no such report. */
    public String rawReport(long hostId, String reportId) {
        java.util.UUID id;
        try {
            id = java.util.UUID.fromString(reportId);
        } catch (IllegalArgumentException e) {
            throw DomainException.invalid("reportId must be a UUID, got: " + reportId);
        }
        record Stored(String payload, OffsetDateTime receivedAt, String sameStateAs) {
        }
        List<Stored> rows = Rows.list(em, """
                        SELECT r.payload::text AS payload, r.received_at,
                               (SELECT p.id::text FROM fleet_report p WHERE p.host_id = r.host_id AND p.payload IS NOT NULL
                                  AND p.received_at <= r.received_at ORDER BY p.received_at DESC LIMIT 1) AS same_state_as
                        FROM fleet_report r WHERE r.id = :id AND r.host_id = :host""", Map.of("id", id, "host", hostId),
                row -> new Stored(Rows.text(row, "payload"), Rows.time(row, "received_at"), Rows.text(row, "same_state_as")));
        if (rows.isEmpty()) {
            throw DomainException.notFound("Host " + hostId + " has no report " + reportId + " (reports are kept for the"
                    + " payload retention period; the check history is kept longer)");
        }
        Stored row = rows.get(0);
        if (row.payload() != null) {
            return row.payload();
        }
        // an unchanged report stores no payload: say so, and which stored report holds the state it confirmed
        var unchanged = new java.util.LinkedHashMap<String, Object>();
        unchanged.put("reportId", reportId);
        unchanged.put("unchanged", true);
        unchanged.put("receivedAt", row.receivedAt().toString());
        unchanged.put("sameStateAs", row.sameStateAs());
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(unchanged);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
