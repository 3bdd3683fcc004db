package org.cakb.fleet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.cakb.common.Rows;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Read models over a host's report history: drift (check status transitions), trend (counts of recent reports),
 * the latest results grouped by countermeasure and by requirement, and fleet coverage of a knowledge-base record.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class FleetHistory {

    /** Kept for the page text: drift now comes from the stored transitions (the whole kept history). */
    public static final int DRIFT_REPORTS = 200;
    /** Transitions shown, newest first. */
    public static final int DRIFT_LIMIT = 100;
    /** Reports in a trend. */
    public static final int TREND_REPORTS = 30;

    @Inject
    EntityManager em;

    /** One check changing status between two consecutive reports of a host that both contain it. */
    public record Transition(String checkId, String checkTitle, String from, String to, OffsetDateTime at,
                             OffsetDateTime previousAt, String observed, String previousObserved) {
    }

    /** The counts of one report. */
    public record TrendPoint(String reportId, OffsetDateTime finishedAt, int passed, int failed, int errors, int notApplicable) {
        public int total() {
            return passed + failed + errors + notApplicable;
        }
    }

    /** A result of the latest report, as listed under a countermeasure or requirement. */
    public record Result(String checkId, String checkTitle, String status, String observed, String expected,
                         String explanation, List<String> via) {
    }

    /** A countermeasure or requirement with the latest results that verify it. {@code title} is null for unknown ids. */
    public record ResultGroup(String id, String kind, String title, String recordStatus, List<Result> results) {
        /** The worst status among the results: fail, error, pass, not-applicable. */
        public String status() {
            for (String s : List.of("fail", "error", "pass")) {
                if (results.stream().anyMatch(r -> s.equals(r.status()))) {
                    return s;
                }
            }
            return "not-applicable";
        }
    }

    /** How many hosts' latest reports verify a record, and how many of those fail it; {@code countermeasures} that count. */
    public record Coverage(long hosts, long failing, long errors, int countermeasures) {
    }

    /** Status transitions of the checks of a host itself (not its containers), newest first. */
    public List<Transition> drift(long hostId) {
        return Rows.list(em, """
                        SELECT t.check_id, p.title, t.from_status, t.to_status, t.observed_at,
                               lag(t.observed_at) OVER w AS previous_at, t.observed, lag(t.observed) OVER w AS previous_observed
                        FROM fleet_transition t JOIN fleet_subject s ON s.id = t.subject_id AND s.host_id = :host AND s.kind = 'host'
                        LEFT JOIN kb_record p ON p.id = t.check_id
                        WINDOW w AS (PARTITION BY t.check_id ORDER BY t.received_at, t.observed_at)
                        ORDER BY t.observed_at DESC, t.check_id""", Map.of("host", hostId),
                row -> new Transition(Rows.text(row, "check_id"), Rows.text(row, "title"), Rows.text(row, "from_status"),
                        Rows.text(row, "to_status"), Rows.time(row, "observed_at"), Rows.time(row, "previous_at"),
                        Rows.text(row, "observed"), Rows.text(row, "previous_observed")))
                .stream().filter(t -> t.from() != null).limit(DRIFT_LIMIT).toList();
    }

    /** Counts of the host's last {@link #TREND_REPORTS} reports, oldest first. */
    public List<TrendPoint> trend(long hostId) {
        return trends(List.of(hostId)).getOrDefault(hostId, List.of());
    }

    /** Trends of several hosts at once (for the hosts table), oldest report first. */
    public Map<Long, List<TrendPoint>> trends(List<Long> hostIds) {
        Map<Long, List<TrendPoint>> trends = new LinkedHashMap<>();
        if (hostIds.isEmpty()) {
            return trends;
        }
        Rows.list(em, """
                        SELECT host_id, id::text AS report_id, finished_at, passed, failed, errors, not_applicable FROM (
                            SELECT r.*, row_number() OVER (PARTITION BY r.host_id ORDER BY r.finished_at DESC, r.received_at DESC) AS rn
                            FROM fleet_report r WHERE r.host_id = ANY (CAST(:hosts AS bigint[]))) t
                        WHERE rn <= :n
                        ORDER BY host_id, finished_at, received_at""",
                Map.of("hosts", hostIds.toArray(Long[]::new), "n", TREND_REPORTS),
                row -> trends.computeIfAbsent(Rows.number(row, "host_id"), k -> new ArrayList<>()).add(new TrendPoint(
                        Rows.text(row, "report_id"), Rows.time(row, "finished_at"), (int) Rows.number(row, "passed"),
                        (int) Rows.number(row, "failed"), (int) Rows.number(row, "errors"), (int) Rows.number(row, "not_applicable"))));
        return trends;
    }

    /** The current host-vantage results of a host under each countermeasure they verify, ordered by countermeasure title. */
    public List<ResultGroup> byCountermeasure(long hostId) {
        return group(em, """
                        SELECT cm.id AS group_id, k.kind AS group_kind, k.title AS group_title, k.status AS group_status, res.check_id,
                               p.title AS check_title, res.status, res.observed, res.expected, res.explanation, NULL AS via
                        FROM fleet_current_result res
                        CROSS JOIN LATERAL unnest(res.countermeasures) AS cm(id)
                        LEFT JOIN kb_record k ON k.id = cm.id
                        LEFT JOIN kb_record p ON p.id = res.check_id
                        WHERE res.host_id = :host AND res.kind = 'host'
                        ORDER BY coalesce(k.title, cm.id), cm.id, res.check_id""", hostId);
    }

    /**
     * The results of a report under each active requirement that an active countermeasure they verify satisfies
     * ({@code kb_link} relation "satisfies"); {@code via} names those countermeasures.
     */
    public List<ResultGroup> byRequirement(long hostId) {
        return group(em, """
                        SELECT req.id AS group_id, req.kind AS group_kind, req.title AS group_title, req.status AS group_status,
                               res.check_id, p.title AS check_title, res.status, res.observed, res.expected, res.explanation,
                               string_agg(DISTINCT cm.id, ',' ORDER BY cm.id) AS via
                        FROM fleet_current_result res
                        CROSS JOIN LATERAL unnest(res.countermeasures) AS cm(id)
                        JOIN kb_record c ON c.id = cm.id AND c.kind = 'countermeasure' AND c.status = 'active'
                        JOIN kb_link l ON l.from_id = c.id AND l.relation = 'satisfies'
                        JOIN kb_record req ON req.id = l.to_id AND req.kind = 'requirement' AND req.status = 'active'
                        LEFT JOIN kb_record p ON p.id = res.check_id
                        WHERE res.host_id = :host AND res.kind = 'host'
                        GROUP BY req.id, req.kind, req.title, req.status, res.check_id, p.title, res.status, res.observed,
                                 res.expected, res.explanation
                        ORDER BY req.title, req.id, res.check_id""", hostId);
    }

    private static List<ResultGroup> group(EntityManager em, String sql, long hostId) {
        Map<String, ResultGroup> groups = new LinkedHashMap<>();
        Rows.list(em, sql, Map.of("host", hostId), row -> {
            ResultGroup g = groups.computeIfAbsent(Rows.text(row, "group_id"), id -> new ResultGroup(id, Rows.text(row, "group_kind"),
                    Rows.text(row, "group_title"), Rows.text(row, "group_status"), new ArrayList<>()));
            String via = Rows.text(row, "via");
            g.results().add(new Result(Rows.text(row, "check_id"), Rows.text(row, "check_title"), Rows.text(row, "status"),
                    Rows.text(row, "observed"), Rows.text(row, "expected"), Rows.text(row, "explanation"),
                    via == null ? List.of() : List.of(via.split(","))));
            return g;
        });
        return List.copyOf(groups.values());
    }

    /**
     * Fleet coverage of a countermeasure or requirement: hosts whose current state (the host or one of its containers) has a result verifying it
     * (for a requirement: verifying an active countermeasure that satisfies it), and how many of those have a failing one.
     * Returns null for other kinds.
     */
    public Coverage coverage(String kind, String recordId) {
        List<String> countermeasures;
        if ("countermeasure".equals(kind)) {
            countermeasures = List.of(recordId);
        } else if ("requirement".equals(kind)) {
            countermeasures = Rows.strings(em, """
                            SELECT DISTINCT l.from_id FROM kb_link l
                            JOIN kb_record c ON c.id = l.from_id AND c.kind = 'countermeasure' AND c.status = 'active'
                            WHERE l.to_id = :id AND l.relation = 'satisfies' ORDER BY 1""", Map.of("id", recordId));
        } else if ("control".equals(kind)) {
            countermeasures = Rows.strings(em, """
                            SELECT DISTINCT c.id FROM kb_control_mapping m
                            LEFT JOIN kb_link s ON s.to_id = m.record_id AND s.relation = 'satisfies'
                            JOIN kb_record c ON c.kind = 'countermeasure' AND c.status = 'active'
                                 AND (c.id = m.record_id OR c.id = s.from_id)
                            WHERE m.control_id = :id ORDER BY 1""", Map.of("id", recordId));
        } else {
            return null;
        }
        if (countermeasures.isEmpty()) {
            return new Coverage(0, 0, 0, 0);
        }
        int cms = countermeasures.size();
        return Rows.one(em, """
                        SELECT count(DISTINCT res.host_id) AS hosts,
                               count(DISTINCT res.host_id) FILTER (WHERE res.status = 'fail') AS failing,
                               count(DISTINCT res.host_id) FILTER (WHERE res.status = 'error') AS errors
                        FROM fleet_current_result res
                        WHERE res.countermeasures && CAST(:cms AS text[])""", Map.of("cms", countermeasures.toArray(String[]::new)),
                row -> new Coverage(Rows.number(row, "hosts"), Rows.number(row, "failing"), Rows.number(row, "errors"), cms));
    }
}
