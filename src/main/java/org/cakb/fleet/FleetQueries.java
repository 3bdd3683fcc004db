package org.cakb.fleet;

import org.cakb.common.DomainException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.cakb.common.PageOf;

import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Read models of the fleet: hosts with their latest report, and its results. */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class FleetQueries {

    @Inject
    EntityManager em;

    private static final String LATEST_REPORT = """
            LEFT JOIN LATERAL (SELECT * FROM fleet_report r WHERE r.host_id = h.id ORDER BY r.finished_at DESC, r.received_at DESC LIMIT 1) r ON TRUE""";

    public record HostSummary(long id, String name, String description, Map<String, String> labels, OffsetDateTime lastSeenAt,
                              String agentVersion, String vantage, String runtime, String kernel, String latestReport,
                              Integer passed, Integer failed, Integer notApplicable, Integer errors, boolean enrolled) {
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
            where = "(h.created_at >= :since OR r.received_at >= :since)";
            params.put("since", updatedSince);
        }
        var count = em.createNativeQuery("SELECT count(*) FROM fleet_host h " + LATEST_REPORT + " WHERE " + where);
        params.forEach(count::setParameter);
        long total = ((Number) count.getSingleResult()).longValue();
        params.put("limit", size);
        params.put("offset", (page - 1) * size);
        return PageOf.of(summaries(where, params, "h.id LIMIT :limit OFFSET :offset"), page, size, total);
    }

    public HostDetail host(long id) {
        List<HostSummary> found = summaries("h.id = :id", Map.of("id", id), "h.id");
        if (found.isEmpty()) {
            throw DomainException.notFound("no host with id " + id);
        }
        HostSummary host = found.get(0);
        List<CheckResultView> results = host.latestReport() == null ? List.of() : results(host.latestReport());
        return new HostDetail(host, results);
    }

    @SuppressWarnings("unchecked")
    private List<HostSummary> summaries(String where, Map<String, Object> params, String orderBy) {
        var query = em.createNativeQuery("""
                SELECT h.id, h.name, h.description, h.labels::text, h.last_seen_at, h.agent_version, h.vantage, h.runtime, h.kernel,
                       r.id::text, r.passed, r.failed, r.not_applicable, r.errors,
                       EXISTS (SELECT 1 FROM fleet_credential c WHERE c.host_id = h.id AND c.revoked_at IS NULL)
                FROM fleet_host h\s""" + LATEST_REPORT + " WHERE " + where + " ORDER BY " + orderBy);
        params.forEach(query::setParameter);
        return ((List<Object[]>) query.getResultList()).stream().map(row -> new HostSummary(
                ((Number) row[0]).longValue(), (String) row[1], (String) row[2], labels((String) row[3]),
                offset(row[4]), (String) row[5], (String) row[6], (String) row[7], (String) row[8], (String) row[9],
                (Integer) row[10], (Integer) row[11], (Integer) row[12], (Integer) row[13], (Boolean) row[14])).toList();
    }

    @SuppressWarnings("unchecked")
    private List<CheckResultView> results(String reportId) {
        List<Object[]> rows = em.createNativeQuery("""
                        SELECT check_id, array_to_string(countermeasures, ','), status, observed, expected, explanation
                        FROM fleet_result WHERE report_id = CAST(:id AS uuid) ORDER BY check_id""")
                .setParameter("id", reportId).getResultList();
        return rows.stream().map(row -> new CheckResultView((String) row[0], List.of(((String) row[1]).split(",")),
                (String) row[2], (String) row[3], (String) row[4], (String) row[5])).toList();
    }

    private static Map<String, String> labels(String json) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readValue(json,
                    new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() {
                    });
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Map.of();
        }
    }

    private static OffsetDateTime offset(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof OffsetDateTime odt) {
            return odt;
        }
        if (value instanceof java.time.Instant instant) {
            return instant.atOffset(java.time.ZoneOffset.UTC);
        }
        return ((java.sql.Timestamp) value).toInstant().atOffset(java.time.ZoneOffset.UTC);
    }

    /** The payload of one report of one host, as stored; 404 when the host has no such report. */
    public String rawReport(long hostId, String reportId) {
        java.util.UUID id;
        try {
            id = java.util.UUID.fromString(reportId);
        } catch (IllegalArgumentException e) {
            throw DomainException.invalid("reportId must be a UUID, got: " + reportId);
        }
        List<?> rows = em.createNativeQuery("SELECT payload::text FROM fleet_report WHERE id = :id AND host_id = :host")
                .setParameter("id", id).setParameter("host", hostId).getResultList();
        if (rows.isEmpty()) {
            throw DomainException.notFound("Host " + hostId + " has no report " + reportId);
        }
        return (String) rows.get(0);
    }
}
