package org.cakb.fleet;

import org.cakb.common.Rows;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fleet's pass rate per countermeasure, day by day: the current state ({@code fleet_check_state}) of every host
 * and container for the probes verifying each countermeasure, walked back through the status changes
 * ({@code fleet_transition}) received after each day's end. One query, whatever the number of days.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class PassRateQueries {

    @Inject
    EntityManager em;

    /** Passing and failing results (hosts and containers) of one countermeasure's probes at the end of one day (UTC). */
    public record Day(LocalDate day, int passed, int failed) {
        public int decided() {
            return passed + failed;
        }

        /** Whole percent of passing among passing and failing, or -1 when nothing was decided that day. */
        public int percent() {
            return decided() == 0 ? -1 : Math.round(100f * passed / decided());
        }
    }

    public record Trend(String countermeasureId, String title, List<Day> days) {
        public Day latest() {
            return days.get(days.size() - 1);
        }
    }

    /**
     * The last {@code days} days (today included) of every countermeasure that has probe results now, the countermeasures
     * with the most failing results today first, at most {@code limit} of them.
     */
    public List<Trend> byCountermeasure(int days, int limit) {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        LocalDate first = today.minusDays(days - 1L);
        Map<String, Trend> trends = new LinkedHashMap<>();
        Rows.list(em, """
                WITH cm_probe AS (
                    SELECT DISTINCT v.from_id AS check_id, v.to_id AS cm
                    FROM kb_link v JOIN kb_record c ON c.id = v.to_id AND c.status = 'active' AND c.kind = 'countermeasure'
                    WHERE v.relation = 'verifies'),
                now_counts AS (
                    SELECT cp.cm, count(*) FILTER (WHERE s.status = 'pass') AS passed, count(*) FILTER (WHERE s.status = 'fail') AS failed
                    FROM fleet_check_state s JOIN cm_probe cp ON cp.check_id = s.check_id
                    GROUP BY cp.cm),
                top AS (
                    SELECT * FROM now_counts WHERE passed + failed > 0 ORDER BY failed DESC, passed DESC, cm LIMIT :limit),
                changes AS (
                    SELECT cp.cm, t.observed_at, t.from_status, t.to_status
                    FROM fleet_transition t JOIN cm_probe cp ON cp.check_id = t.check_id
                    WHERE t.received_at >= CAST(:first AS date) AND cp.cm IN (SELECT cm FROM top)),
                days AS (
                    SELECT CAST(d AS date) AS day FROM generate_series(CAST(:first AS date), CAST(:today AS date), interval '1 day') d)
                SELECT top.cm, r.title, days.day,
                       top.passed - coalesce(sum(CASE WHEN c.to_status = 'pass' THEN 1 ELSE 0 END - CASE WHEN c.from_status = 'pass' THEN 1 ELSE 0 END), 0) AS passed,
                       top.failed - coalesce(sum(CASE WHEN c.to_status = 'fail' THEN 1 ELSE 0 END - CASE WHEN c.from_status = 'fail' THEN 1 ELSE 0 END), 0) AS failed
                FROM top JOIN kb_record r ON r.id = top.cm CROSS JOIN days
                LEFT JOIN changes c ON c.cm = top.cm AND c.observed_at >= days.day + 1
                GROUP BY top.cm, r.title, top.passed, top.failed, days.day
                ORDER BY top.failed DESC, top.passed DESC, top.cm, days.day""",
                Map.of("first", first.toString(), "today", today.toString(), "limit", limit),
                row -> trends.computeIfAbsent(row.get("cm", String.class),
                                k -> new Trend(k, row.get("title", String.class), new ArrayList<>())).days()
                        .add(new Day(date(row.get("day")),
                                (int) Math.max(0, Rows.number(row, "passed")), (int) Math.max(0, Rows.number(row, "failed")))));
        return List.copyOf(trends.values());
    }

    private static LocalDate date(Object value) {
        if (value instanceof LocalDate d) {
            return d;
        }
        if (value instanceof java.sql.Date d) {
            return d.toLocalDate();
        }
        return LocalDate.parse(value.toString().substring(0, 10));
    }
}
