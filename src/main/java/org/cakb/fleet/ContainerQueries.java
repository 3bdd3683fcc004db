package org.cakb.fleet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;
import org.cakb.common.DomainException;
import org.cakb.common.PageOf;
import org.cakb.common.QueryParams;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Read models of containers: per host, across the fleet (filtered by probe, status, runtime, host label), one container
 * with its current checks, its history, the drift feed (pass to fail anywhere), and "where does this fail now" for a
 * probe or countermeasure. Current results come from the view fleet_current_result.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class ContainerQueries {

    public static final Set<String> RUNTIMES = Set.of("docker", "containerd", "cri-o", "podman", "lxc", "runc", "systemd-nspawn",
            "sandbox", "unknown");
    public static final Set<String> STATUSES = Set.of("pass", "fail", "not-applicable", "error");

    @Inject
    EntityManager em;

    public record ContainerSummary(long id, long hostId, String host, String runtime, String containerId, String name, String image,
                                   Integer pid, OffsetDateTime firstSeenAt, OffsetDateTime changedAt, OffsetDateTime goneAt,
                                   int passed, int failed, int notApplicable, int errors) {
        public String label() {
            return name == null || name.isBlank() ? containerId.substring(0, Math.min(12, containerId.length())) : name;
        }
    }

    public record CheckState(String checkId, String title, List<String> countermeasures, String status, String observed,
                             String expected, String explanation, OffsetDateTime since, String sinceReportId) {
    }

    public record ContainerDetail(ContainerSummary container, String latestReport, OffsetDateTime lastSeenAt, List<CheckState> checks) {
    }

    public record HistoryEntry(String checkId, String from, String to, String observed, String reportId, OffsetDateTime observedAt,
                               OffsetDateTime receivedAt) {
    }

    /** A pass that became a fail on a host or container. {@code containerSubjectId} null for the host itself. */
    public record DriftEvent(long hostId, String host, Long containerSubjectId, String container, String runtime, String checkId,
                             String observed, String reportId, OffsetDateTime observedAt, OffsetDateTime receivedAt) {
    }

    /** A host or container where a probe (or a probe verifying a countermeasure) has a status now. */
    public record Where(long hostId, String host, Long containerSubjectId, String container, String runtime, String image,
                        String checkId, String status, String observed, OffsetDateTime since) {
    }

    private static final String SUMMARY = """
            SELECT s.id, s.host_id, h.name, s.runtime, s.container_id, s.name, s.image, s.pid, s.first_seen_at, s.changed_at, s.gone_at,
                   s.passed, s.failed, s.not_applicable, s.errors
            FROM fleet_subject s JOIN fleet_host h ON h.id = s.host_id""";

    /** The containers of a host, failing first, then by name; gone containers only when asked for. */
    public PageOf<ContainerSummary> ofHost(long hostId, boolean withGone, OffsetDateTime updatedSince, int page, int size) {
        if (em.createNativeQuery("SELECT 1 FROM fleet_host WHERE id = :id").setParameter("id", hostId).getResultList().isEmpty()) {
            throw DomainException.notFound("no host with id " + hostId);
        }
        String where = "s.kind = 'container' AND s.host_id = :host" + (withGone ? "" : " AND s.gone_at IS NULL")
                + (updatedSince == null ? "" : " AND s.changed_at >= :since");
        Map<String, Object> params = new HashMap<>();
        params.put("host", hostId);
        if (updatedSince != null) {
            params.put("since", updatedSince);
        }
        return page(where, params, "s.gone_at IS NOT NULL, s.failed DESC, s.errors DESC, coalesce(s.name, s.container_id), s.id", page, size);
    }

    /** Containers across the fleet, by id; probe and status filter on the current state of that probe. */
    public PageOf<ContainerSummary> search(String probe, String status, String runtime, String label, OffsetDateTime updatedSince,
                                           int page, int size) {
        StringBuilder where = new StringBuilder("s.kind = 'container' AND s.gone_at IS NULL");
        Map<String, Object> params = new HashMap<>();
        if (status != null && !STATUSES.contains(status)) {
            throw QueryParams.invalid("status", "must be one of pass, fail, not-applicable, error");
        }
        if (runtime != null) {
            if (!RUNTIMES.contains(runtime)) {
                throw QueryParams.invalid("runtime", "must be one of " + String.join(", ", RUNTIMES.stream().sorted().toList()));
            }
            where.append(" AND s.runtime = :runtime");
            params.put("runtime", runtime);
        }
        if (probe != null) {
            where.append(" AND EXISTS (SELECT 1 FROM fleet_check_state c WHERE c.subject_id = s.id AND c.check_id = :probe")
                    .append(status == null ? ")" : " AND c.status = :status)");
            params.put("probe", probe);
        } else if (status != null) {
            where.append(" AND EXISTS (SELECT 1 FROM fleet_check_state c WHERE c.subject_id = s.id AND c.status = :status)");
        }
        if (status != null) {
            params.put("status", status);
        }
        labelFilter(label, where, params);
        if (updatedSince != null) {
            where.append(" AND s.changed_at >= :since");
            params.put("since", updatedSince);
        }
        return page(where.toString(), params, "s.id", page, size);
    }

    private static void labelFilter(String label, StringBuilder where, Map<String, Object> params) {
        if (label == null) {
            return;
        }
        int eq = label.indexOf('=');
        if (eq < 1 || label.length() > 300) {
            throw QueryParams.invalid("label", "must be key=value, e.g. env=prod");
        }
        where.append(" AND h.labels ->> :labelKey = :labelValue");
        params.put("labelKey", label.substring(0, eq));
        params.put("labelValue", label.substring(eq + 1));
    }

    @SuppressWarnings("unchecked")
    private PageOf<ContainerSummary> page(String where, Map<String, Object> params, String order, int page, int size) {
        Query count = em.createNativeQuery("SELECT count(*) FROM fleet_subject s JOIN fleet_host h ON h.id = s.host_id WHERE " + where);
        params.forEach(count::setParameter);
        long total = ((Number) count.getSingleResult()).longValue();
        Query select = em.createNativeQuery(SUMMARY + " WHERE " + where + " ORDER BY " + order + " LIMIT :limit OFFSET :offset");
        params.forEach(select::setParameter);
        select.setParameter("limit", size).setParameter("offset", (page - 1) * size);
        List<ContainerSummary> items = ((List<Object[]>) select.getResultList()).stream().map(ContainerQueries::summary).toList();
        return PageOf.of(items, page, size, total);
    }

    private static ContainerSummary summary(Object[] r) {
        return new ContainerSummary(((Number) r[0]).longValue(), ((Number) r[1]).longValue(), (String) r[2], (String) r[3],
                (String) r[4], (String) r[5], (String) r[6], r[7] == null ? null : ((Number) r[7]).intValue(),
                FleetQueries.offset(r[8]), FleetQueries.offset(r[9]), FleetQueries.offset(r[10]), ((Number) r[11]).intValue(),
                ((Number) r[12]).intValue(), ((Number) r[13]).intValue(), ((Number) r[14]).intValue());
    }

    /** One container with each check's state and since when; failing checks first. */
    @SuppressWarnings("unchecked")
    public ContainerDetail container(long id) {
        List<Object[]> rows = em.createNativeQuery(SUMMARY + " WHERE s.id = :id AND s.kind = 'container'").setParameter("id", id)
                .getResultList();
        if (rows.isEmpty()) {
            throw DomainException.notFound("no container with id " + id);
        }
        ContainerSummary summary = summary(rows.get(0));
        Object[] host = (Object[]) em.createNativeQuery("SELECT state_report_id::text, last_seen_at FROM fleet_host WHERE id = :h")
                .setParameter("h", summary.hostId()).getSingleResult();
        List<Object[]> checks = em.createNativeQuery("""
                        SELECT c.check_id, p.title, array_to_string(coalesce(v.cms, '{}'), ','), c.status, c.observed, c.expected,
                               c.explanation, c.since, c.since_report_id::text
                        FROM fleet_check_state c LEFT JOIN kb_record p ON p.id = c.check_id
                        LEFT JOIN LATERAL (SELECT array_agg(l.to_id ORDER BY l.to_id) AS cms FROM kb_link l
                                           WHERE l.from_id = c.check_id AND l.relation = 'verifies') v ON TRUE
                        WHERE c.subject_id = :id
                        ORDER BY array_position(ARRAY['fail', 'error', 'pass', 'not-applicable'], c.status), c.check_id""")
                .setParameter("id", id).getResultList();
        List<CheckState> states = checks.stream().map(r -> new CheckState((String) r[0], (String) r[1], FleetQueries.split((String) r[2]),
                (String) r[3], (String) r[4], (String) r[5], (String) r[6], FleetQueries.offset(r[7]), (String) r[8])).toList();
        return new ContainerDetail(summary, (String) host[0], FleetQueries.offset(host[1]), states);
    }

    /** A container's transitions (first observations included), newest first. */
    @SuppressWarnings("unchecked")
    public PageOf<HistoryEntry> history(long id, String checkId, int page, int size) {
        container(id);
        String where = "t.subject_id = :id" + (checkId == null ? "" : " AND t.check_id = :check");
        Query count = em.createNativeQuery("SELECT count(*) FROM fleet_transition t WHERE " + where).setParameter("id", id);
        Query select = em.createNativeQuery("""
                SELECT t.check_id, t.from_status, t.to_status, t.observed, t.report_id::text, t.observed_at, t.received_at
                FROM fleet_transition t WHERE\s""" + where + " ORDER BY t.received_at DESC, t.check_id LIMIT :limit OFFSET :offset")
                .setParameter("id", id).setParameter("limit", size).setParameter("offset", (page - 1) * size);
        if (checkId != null) {
            count.setParameter("check", checkId);
            select.setParameter("check", checkId);
        }
        List<HistoryEntry> items = ((List<Object[]>) select.getResultList()).stream().map(r -> new HistoryEntry((String) r[0],
                (String) r[1], (String) r[2], (String) r[3], (String) r[4], FleetQueries.offset(r[5]), FleetQueries.offset(r[6]))).toList();
        return PageOf.of(items, page, size, ((Number) count.getSingleResult()).longValue());
    }

    /** Pass-to-fail changes anywhere in the fleet received at or after {@code since}, oldest first (a feed to poll). */
    @SuppressWarnings("unchecked")
    public List<DriftEvent> drift(OffsetDateTime since, int limit) {
        List<Object[]> rows = em.createNativeQuery("""
                        SELECT s.host_id, h.name, CASE WHEN s.kind = 'container' THEN s.id END,
                               CASE WHEN s.kind = 'container' THEN coalesce(s.name, s.container_id) END, nullif(s.runtime, ''),
                               t.check_id, t.observed, t.report_id::text, t.observed_at, t.received_at
                        FROM fleet_transition t JOIN fleet_subject s ON s.id = t.subject_id JOIN fleet_host h ON h.id = s.host_id
                        WHERE t.from_status = 'pass' AND t.to_status = 'fail' AND t.received_at >= :since
                        ORDER BY t.received_at, s.id, t.check_id LIMIT :limit""")
                .setParameter("since", since).setParameter("limit", limit).getResultList();
        List<DriftEvent> events = new ArrayList<>();
        for (Object[] r : rows) {
            events.add(new DriftEvent(((Number) r[0]).longValue(), (String) r[1], r[2] == null ? null : ((Number) r[2]).longValue(),
                    (String) r[3], (String) r[4], (String) r[5], (String) r[6], (String) r[7], FleetQueries.offset(r[8]),
                    FleetQueries.offset(r[9])));
        }
        return events;
    }

    /**
     * Where a probe ({@code kind} probe) or the probes verifying a countermeasure ({@code kind} countermeasure) have
     * {@code status} now, on hosts and containers; failing first is the caller's choice of status.
     */
    /** How many results, hosts and containers {@link #where} would list without a limit. */
    public long[] whereCounts(String kind, String recordId, String status, String runtime, String label) {
        Query count = whereQuery("count(*), count(DISTINCT c.host_id), count(*) FILTER (WHERE c.kind = 'container')", "",
                kind, recordId, status, runtime, label);
        Object[] r = (Object[]) count.getSingleResult();
        return new long[]{((Number) r[0]).longValue(), ((Number) r[1]).longValue(), ((Number) r[2]).longValue()};
    }

    private Query whereQuery(String columns, String tail, String kind, String recordId, String status, String runtime, String label) {
        StringBuilder sql = new StringBuilder("SELECT " + columns + """
                \sFROM fleet_current_result c JOIN fleet_host h ON h.id = c.host_id
                WHERE c.status = :status""");
        Map<String, Object> params = new HashMap<>();
        params.put("status", status);
        if ("probe".equals(kind)) {
            sql.append(" AND c.check_id = :record");
        } else {
            sql.append(" AND :record = ANY (c.countermeasures)");
        }
        params.put("record", recordId);
        if (runtime != null) {
            sql.append(" AND c.container_runtime = :runtime");
            params.put("runtime", runtime);
        }
        labelFilter(label, sql, params);
        Query query = em.createNativeQuery(sql + tail);
        params.forEach(query::setParameter);
        return query;
    }

    /**
     * Where a probe ({@code kind} probe) or the probes verifying a countermeasure ({@code kind} countermeasure) have
     * {@code status} now, on hosts and containers, by host and container name; at most {@code limit} rows.
     */
    @SuppressWarnings("unchecked")
    public List<Where> where(String kind, String recordId, String status, String runtime, String label, int limit) {
        Query select = whereQuery("""
                c.host_id, c.host, CASE WHEN c.kind = 'container' THEN c.subject_id END,
                       CASE WHEN c.kind = 'container' THEN coalesce(c.container_name, c.container_id) END,
                       nullif(c.container_runtime, ''), c.image, c.check_id, c.status, c.observed, c.since""",
                " ORDER BY c.host, c.kind DESC, coalesce(c.container_name, c.container_id), c.check_id LIMIT :limit",
                kind, recordId, status, runtime, label);
        select.setParameter("limit", limit);
        return ((List<Object[]>) select.getResultList()).stream().map(r -> new Where(((Number) r[0]).longValue(), (String) r[1],
                r[2] == null ? null : ((Number) r[2]).longValue(), (String) r[3], (String) r[4], (String) r[5], (String) r[6],
                (String) r[7], (String) r[8], FleetQueries.offset(r[9]))).toList();
    }
}
