package org.cakb.fleet;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keeps fleet_check_host_count (migration V83) in step with the writes of one batch of reports (each of another host): per probe, status, host and runtime,
 * how many current results the host's present subjects hold (and how many of those are in containers). The state
 * store knows every status change it writes, so the counts move by exactly those changes; a subject that disappears
 * or comes back leaves or rejoins the counts with its whole stored state, read once after the writes.
 */
final class CheckCounts {

    /** check, status, host, runtime -> {results, containers}; sorted, so concurrent writers lock rows in one order. */
    private final Map<List<String>, int[]> deltas = new TreeMap<>((a, b) -> {
        for (int i = 0; i < 4; i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    });

    /** One result of a subject entering ({@code sign} 1) or leaving (-1) a status. */
    void add(long hostId, String checkId, String status, String runtime, boolean container, int sign) {
        // the host id zero-padded, so the text order is the numeric one
        int[] d = deltas.computeIfAbsent(List.of(checkId, status, "%019d".formatted(hostId), runtime), k -> new int[2]);
        d[0] += sign;
        d[1] += container ? sign : 0;
    }

    /** After the batch's writes: the moved counts, then whole subjects that left (gone) or came back (present again). */
    void write(RoundTrip writes, List<Long> presenceChanged) {
        deltas.values().removeIf(d -> d[0] == 0 && d[1] == 0);
        Unnest rows = new Unnest("text", "text", "bigint", "text", "int", "int");
        for (Map.Entry<List<String>, int[]> e : deltas.entrySet()) {
            rows.row(e.getKey().get(0), e.getKey().get(1), Long.parseLong(e.getKey().get(2)), e.getKey().get(3), e.getValue()[0],
                    e.getValue()[1]);
        }
        // one statement for the batch; its rows in the map's order (ORDINALITY), so concurrent writers lock rows in one order
        rows.addTo(writes, """
                INSERT INTO fleet_check_host_count AS k (check_id, status, host_id, runtime, results, containers)
                SELECT check_id, status, host_id, runtime, results, containers
                FROM unnest(?::text[], ?::text[], ?::bigint[], ?::text[], ?::int[], ?::int[]) WITH ORDINALITY
                    AS u (check_id, status, host_id, runtime, results, containers, n) ORDER BY n
                ON CONFLICT (check_id, status, host_id, runtime)
                DO UPDATE SET results = k.results + excluded.results, containers = k.containers + excluded.containers""");
        if (!presenceChanged.isEmpty()) {
            // after the subjects' writes of the same round trip: their gone_at is the one just written
            writes.add("""
                    INSERT INTO fleet_check_host_count AS k (check_id, status, host_id, runtime, results, containers)
                    SELECT c.check_id, c.status, s.host_id, s.runtime, sum(CASE WHEN s.gone_at IS NULL THEN 1 ELSE -1 END),
                           sum(CASE WHEN s.kind <> 'container' THEN 0 WHEN s.gone_at IS NULL THEN 1 ELSE -1 END)
                    FROM fleet_check_state c JOIN fleet_subject s ON s.id = c.subject_id
                    WHERE s.id = ANY (?) GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
                    ON CONFLICT (check_id, status, host_id, runtime)
                    DO UPDATE SET results = k.results + excluded.results, containers = k.containers + excluded.containers""",
                    RoundTrip.array("bigint", presenceChanged.toArray()));
        }
    }
}
