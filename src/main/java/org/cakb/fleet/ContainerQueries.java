package org.cakb.fleet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Tuple;
import jakarta.transaction.Transactional;
import org.cakb.common.DomainException;
import org.cakb.common.PageOf;
import org.cakb.common.QueryParams;
import org.cakb.common.Rows;

import java.time.OffsetDateTime;
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
            SELECT s.id, s.host_id, h.name AS host, s.runtime, s.container_id, s.name, s.image, s.pid, s.first_seen_at, s.changed_at,
                   s.gone_at, s.passed, s.failed, s.not_applicable, s.errors
            FROM fleet_subject s JOIN fleet_host h ON h.id = s.host_id""";

    /** The containers of a host, failing first, then by name; gone containers only when asked for. */
    public PageOf<ContainerSummary> ofHost(long hostId, boolean withGone, OffsetDateTime updatedSince, int page, int size) {
        if (Rows.count(em, "SELECT count(*) FROM fleet_host WHERE id = :id", Map.of("id", hostId)) == 0) {
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

    /**
     * The present containers of a host for its page, failing first, then by name: one query over the counts each
     * container keeps (maintained by ingestion), at most {@code limit}; no total and no host check (the page has both).
     */
    public List<ContainerSummary> presentOnHost(long hostId, int limit) {
        return Rows.list(em, SUMMARY + """
                         WHERE s.host_id = :host AND s.kind = 'container' AND s.gone_at IS NULL
                        ORDER BY s.failed DESC, s.errors DESC, coalesce(s.name, s.container_id), s.id LIMIT :limit""",
                Map.of("host", hostId, "limit", limit), ContainerQueries::summary);
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

    private PageOf<ContainerSummary> page(String where, Map<String, Object> params, String order, int page, int size) {
        long total = Rows.count(em, "SELECT count(*) FROM fleet_subject s JOIN fleet_host h ON h.id = s.host_id WHERE " + where, params);
        Map<String, Object> paged = new HashMap<>(params);
        paged.put("limit", size);
        paged.put("offset", (page - 1) * size);
        List<ContainerSummary> items = Rows.list(em, SUMMARY + " WHERE " + where + " ORDER BY " + order + " LIMIT :limit OFFSET :offset",
                paged, ContainerQueries::summary);
        return PageOf.of(items, page, size, total);
    }

    private static ContainerSummary summary(Tuple r) {
        return new ContainerSummary(Rows.number(r, "id"), Rows.number(r, "host_id"), Rows.text(r, "host"), Rows.text(r, "runtime"),
                Rows.text(r, "container_id"), Rows.text(r, "name"), Rows.text(r, "image"), Rows.intOrNull(r, "pid"),
                Rows.time(r, "first_seen_at"), Rows.time(r, "changed_at"), Rows.time(r, "gone_at"), (int) Rows.number(r, "passed"),
                (int) Rows.number(r, "failed"), (int) Rows.number(r, "not_applicable"), (int) Rows.number(r, "errors"));
    }

    /** One container with each check's state and since when; failing checks first. */
    public ContainerDetail container(long id) {
        List<ContainerSummary> found = Rows.list(em, SUMMARY + " WHERE s.id = :id AND s.kind = 'container'", Map.of("id", id),
                ContainerQueries::summary);
        if (found.isEmpty()) {
            throw DomainException.notFound("no container with id " + id);
        }
        ContainerSummary summary = found.get(0);
        record HostState(String latestReport, OffsetDateTime lastSeenAt) {
        }
        HostState host = Rows.one(em, "SELECT state_report_id::text AS latest_report, last_seen_at FROM fleet_host WHERE id = :h",
                Map.of("h", summary.hostId()), row -> new HostState(Rows.text(row, "latest_report"), Rows.time(row, "last_seen_at")));
        List<CheckState> states = Rows.list(em, """
                        SELECT c.check_id, p.title, array_to_string(coalesce(v.cms, '{}'), ',') AS countermeasures, c.status, c.observed,
                               c.expected, c.explanation, c.since, c.since_report_id::text AS since_report_id
                        FROM fleet_check_state c LEFT JOIN kb_record p ON p.id = c.check_id
                        LEFT JOIN LATERAL (SELECT array_agg(l.to_id ORDER BY l.to_id) AS cms FROM kb_link l
                                           WHERE l.from_id = c.check_id AND l.relation = 'verifies') v ON TRUE
                        WHERE c.subject_id = :id
                        ORDER BY array_position(ARRAY['fail', 'error', 'pass', 'not-applicable'], c.status), c.check_id""",
                Map.of("id", id), r -> new CheckState(Rows.text(r, "check_id"), Rows.text(r, "title"),
                        FleetQueries.split(Rows.text(r, "countermeasures")), Rows.text(r, "status"), Rows.text(r, "observed"),
                        Rows.text(r, "expected"), Rows.text(r, "explanation"), Rows.time(r, "since"), Rows.text(r, "since_report_id")));
        return new ContainerDetail(summary, host.latestReport(), host.lastSeenAt(), states);
    }

    /** A container's transitions (first observations included), newest first. */
    public PageOf<HistoryEntry> history(long id, String checkId, int page, int size) {
        container(id);
        String where = "t.subject_id = :id" + (checkId == null ? "" : " AND t.check_id = :check");
        Map<String, Object> params = new HashMap<>();
        params.put("id", id);
        if (checkId != null) {
            params.put("check", checkId);
        }
        long total = Rows.count(em, "SELECT count(*) FROM fleet_transition t WHERE " + where, params);
        params.put("limit", size);
        params.put("offset", (page - 1) * size);
        List<HistoryEntry> items = Rows.list(em, """
                SELECT t.check_id, t.from_status, t.to_status, t.observed, t.report_id::text AS report_id, t.observed_at, t.received_at
                FROM fleet_transition t WHERE\s""" + where + " ORDER BY t.received_at DESC, t.check_id LIMIT :limit OFFSET :offset", params,
                r -> new HistoryEntry(Rows.text(r, "check_id"), Rows.text(r, "from_status"), Rows.text(r, "to_status"),
                        Rows.text(r, "observed"), Rows.text(r, "report_id"), Rows.time(r, "observed_at"), Rows.time(r, "received_at")));
        return PageOf.of(items, page, size, total);
    }

    /** Pass-to-fail changes anywhere in the fleet received at or after {@code since}, oldest first (a feed to poll). */
    public List<DriftEvent> drift(OffsetDateTime since, int limit) {
        return Rows.list(em, """
                        SELECT s.host_id, h.name AS host, CASE WHEN s.kind = 'container' THEN s.id END AS container_subject_id,
                               CASE WHEN s.kind = 'container' THEN coalesce(s.name, s.container_id) END AS container,
                               nullif(s.runtime, '') AS runtime, t.check_id, t.observed, t.report_id::text AS report_id, t.observed_at,
                               t.received_at
                        FROM fleet_transition t JOIN fleet_subject s ON s.id = t.subject_id JOIN fleet_host h ON h.id = s.host_id
                        WHERE t.from_status = 'pass' AND t.to_status = 'fail' AND t.received_at >= :since
                        ORDER BY t.received_at, s.id, t.check_id LIMIT :limit""", Map.of("since", since, "limit", limit),
                r -> new DriftEvent(Rows.number(r, "host_id"), Rows.text(r, "host"), Rows.nullableNumber(r, "container_subject_id"),
                        Rows.text(r, "container"), Rows.text(r, "runtime"), Rows.text(r, "check_id"), Rows.text(r, "observed"),
                        Rows.text(r, "report_id"), Rows.time(r, "observed_at"), Rows.time(r, "received_at")));
    }

    /** How many results, on how many hosts, how many of them in containers: the counts above a page of {@link #where}. */
    public record WhereCounts(long results, long hosts, long containers) {
    }

    /** One page of {@link #where}, with the counts of every row the filter selects. */
    public record WherePage(List<Where> rows, WhereCounts counts, int page, int size) {
        public long pages() {
            return Math.max(1, (counts.results() + size - 1) / size);
        }
    }

    /**
     * Where a probe ({@code kind} probe) or the probes verifying a countermeasure ({@code kind} countermeasure) have
     * {@code status} now, on hosts and containers, by host and container name: page {@code page} of {@code size} rows.
     * The counts, and which hosts hold the rows of the page, come from the per-host counts of fleet_check_host_tally
     * (migrations V83, V96, kept by ingestion: {@link CheckCounts}); only the results of those hosts are read.
     */
    public WherePage wherePage(String kind, String recordId, String status, String runtime, String label, int page, int size) {
        Map<String, Object> params = new HashMap<>();
        String hosts = hostCounts(kind, recordId, status, runtime, label, params);
        WhereCounts counts = Rows.one(em, "SELECT coalesce(sum(n), 0) AS results, count(*) AS hosts, coalesce(sum(containers), 0) AS containers"
                        + " FROM (" + hosts + ") x", params,
                row -> new WhereCounts(Rows.number(row, "results"), Rows.number(row, "hosts"), Rows.number(row, "containers")));
        long offset = (long) (page - 1) * size;
        if (counts.results() <= offset) {
            return new WherePage(List.of(), counts, page, size);
        }
        params.put("offset", offset);
        params.put("limit", size);
        params.put("status", status); // the rows' filter names it (the counts read the status's own column)
        List<Where> rows = Rows.list(em, "WITH hosts AS (" + hosts + """
                ), ranked AS (
                    SELECT x.host_id, coalesce(sum(x.n) OVER (ORDER BY h.name ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before,
                           x.n
                    FROM hosts x JOIN fleet_host h ON h.id = x.host_id),
                chosen AS (SELECT host_id, before FROM ranked WHERE before < :offset + :limit AND before + n > :offset),
                positioned AS (
                    SELECT (SELECT min(before) FROM chosen) + row_number() OVER (ORDER BY h.name, s.kind DESC,
                               coalesce(s.name, s.container_id), s.id, c.check_id) AS position,""" + WHERE_COLUMNS + """
                    FROM chosen ch JOIN fleet_subject s ON s.host_id = ch.host_id AND s.gone_at IS NULL
                    JOIN fleet_check_state c ON c.subject_id = s.id
                    JOIN fleet_host h ON h.id = s.host_id""" + whereFilter(kind, runtime) + """
                )
                SELECT * FROM positioned WHERE position > :offset ORDER BY position LIMIT :limit""", params, ContainerQueries::where);
        return new WherePage(rows, counts, page, size);
    }

    /** The hosts with results of the probe(s) in the status: host_id, n (results) and containers (of those, in containers). */
    private static String hostCounts(String kind, String recordId, String status, String runtime, String label, Map<String, Object> params) {
        String results = "k." + CheckCounts.column(status, false);
        StringBuilder sql = new StringBuilder("SELECT k.host_id, sum(" + results + ") AS n, sum(k." + CheckCounts.column(status, true)
                + ") AS containers FROM fleet_check_host_tally k" + (label == null ? "" : " JOIN fleet_host h ON h.id = k.host_id")
                + " WHERE " + results + " > 0");
        sql.append("probe".equals(kind) ? " AND k.check_id = :record"
                : " AND k.check_id IN (SELECT l.from_id FROM kb_link l WHERE l.relation = 'verifies' AND l.to_id = :record)");
        params.put("record", recordId);
        if (runtime != null) {
            sql.append(" AND k.runtime = :runtime");
            params.put("runtime", runtime);
        }
        labelFilter(label, sql, params);
        return sql.append(" GROUP BY k.host_id").toString();
    }

    /** Every row of the fleet page's filter, up to {@code limit} (the CSV). */
    public List<Where> where(String kind, String recordId, String status, String runtime, String label, int limit) {
        Map<String, Object> params = new HashMap<>();
        params.put("status", status);
        params.put("record", recordId);
        params.put("limit", limit);
        if (runtime != null) {
            params.put("runtime", runtime);
        }
        StringBuilder filter = new StringBuilder(whereFilter(kind, runtime));
        labelFilter(label, filter, params);
        return Rows.list(em, "SELECT" + WHERE_COLUMNS + """
                        \sFROM fleet_check_state c JOIN fleet_subject s ON s.id = c.subject_id AND s.gone_at IS NULL
                        JOIN fleet_host h ON h.id = s.host_id""" + filter
                        + " ORDER BY h.name, s.kind DESC, coalesce(s.name, s.container_id), s.id, c.check_id LIMIT :limit",
                params, ContainerQueries::where);
    }

    private static final String WHERE_COLUMNS = " s.host_id, h.name AS host, CASE WHEN s.kind = 'container' THEN s.id END AS container_subject_id,"
            + " CASE WHEN s.kind = 'container' THEN coalesce(s.name, s.container_id) END AS container,"
            + " nullif(s.runtime, '') AS runtime, s.image, c.check_id, c.status, c.observed, c.since\n";

    private static String whereFilter(String kind, String runtime) {
        return " WHERE c.status = :status"
                + ("probe".equals(kind) ? " AND c.check_id = :record"
                : " AND c.check_id IN (SELECT l.from_id FROM kb_link l WHERE l.relation = 'verifies' AND l.to_id = :record)")
                + (runtime == null ? "" : " AND s.runtime = :runtime");
    }

    private static Where where(Tuple r) {
        return new Where(Rows.number(r, "host_id"), Rows.text(r, "host"), Rows.nullableNumber(r, "container_subject_id"),
                Rows.text(r, "container"), Rows.text(r, "runtime"), Rows.text(r, "image"), Rows.text(r, "check_id"),
                Rows.text(r, "status"), Rows.text(r, "observed"), Rows.time(r, "since"));
    }
}
