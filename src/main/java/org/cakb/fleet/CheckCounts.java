package org.cakb.fleet;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Keeps fleet_check_host_tally (migrations V83, V96) in step with the writes of one batch of reports (each of another
 * host): per probe, host and runtime, how many current results of each status the host's present subjects hold (and how
 * many of those are in containers). The state store knows every status change it writes, so the counts move by exactly
 * those changes; a subject that disappears or comes back leaves or rejoins the counts with its whole stored state, read
 * once after the writes.
 */
final class CheckCounts {

    /** The tally's count columns, in the order of {@link FleetStateStore#STATUSES}. */
    private static final List<String> RESULT_COLUMNS = List.of("pass_results", "fail_results", "not_applicable_results", "error_results");
    private static final List<String> CONTAINER_COLUMNS =
            List.of("pass_containers", "fail_containers", "not_applicable_containers", "error_containers");
    private static final String RESULTS = String.join(", ", RESULT_COLUMNS);
    private static final String CONTAINERS = String.join(", ", CONTAINER_COLUMNS);

    private static final String MOVE = """
            INSERT INTO fleet_check_host_tally AS k (check_id, host_id, runtime, %1$s, %2$s)
            SELECT check_id, host_id, runtime, %1$s, %2$s
            FROM unnest(?::text[], ?::bigint[], ?::text[], ?::int[], ?::int[], ?::int[], ?::int[], ?::int[], ?::int[], ?::int[],
                ?::int[]) WITH ORDINALITY AS u (check_id, host_id, runtime, %1$s, %2$s, n) ORDER BY n
            ON CONFLICT (check_id, host_id, runtime) DO UPDATE SET %3$s""".formatted(RESULTS, CONTAINERS, adding());
    private static final String PRESENCE = """
            INSERT INTO fleet_check_host_tally AS k (check_id, host_id, runtime, %1$s, %2$s)
            SELECT c.check_id, s.host_id, s.runtime, %3$s
            FROM fleet_check_state c JOIN fleet_subject s ON s.id = c.subject_id
            WHERE s.id = ANY (?) GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
            ON CONFLICT (check_id, host_id, runtime) DO UPDATE SET %4$s""".formatted(RESULTS, CONTAINERS, presenceSums(), adding());

    /** check, host, runtime -> results then containers per status; sorted, so concurrent writers lock rows in one order. */
    private final Map<List<String>, int[]> deltas = new TreeMap<>((a, b) -> {
        for (int i = 0; i < 3; i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    });

    /** The tally column that counts current results of {@code status} ({@code containers}: of those, in containers). */
    static String column(String status, boolean containers) {
        return (containers ? CONTAINER_COLUMNS : RESULT_COLUMNS).get(statusIndex(status));
    }

    private static int statusIndex(String status) {
        int i = FleetStateStore.STATUSES.indexOf(status);
        if (i < 0) {
            throw new IllegalArgumentException("not a status: " + status);
        }
        return i;
    }

    /** One result of a subject entering ({@code sign} 1) or leaving (-1) a status. */
    void add(long hostId, String checkId, String status, String runtime, boolean container, int sign) {
        int i = statusIndex(status);
        // the host id zero-padded, so the text order is the numeric one
        int[] d = deltas.computeIfAbsent(List.of(checkId, "%019d".formatted(hostId), runtime), k -> new int[8]);
        d[i] += sign;
        d[4 + i] += container ? sign : 0;
    }

    /** After the batch's writes: the moved counts, then whole subjects that left (gone) or came back (present again). */
    void write(RoundTrip writes, List<Long> presenceChanged) {
        deltas.values().removeIf(d -> Arrays.stream(d).allMatch(n -> n == 0));
        Unnest rows = new Unnest("text", "bigint", "text", "int", "int", "int", "int", "int", "int", "int", "int");
        for (Map.Entry<List<String>, int[]> e : deltas.entrySet()) {
            int[] d = e.getValue();
            rows.row(e.getKey().get(0), Long.parseLong(e.getKey().get(1)), e.getKey().get(2), d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]);
        }
        // one statement for the batch; its rows in the map's order (ORDINALITY), so concurrent writers lock rows in one order
        rows.addTo(writes, MOVE);
        if (!presenceChanged.isEmpty()) {
            // after the subjects' writes of the same round trip: their gone_at is the one just written
            writes.add(PRESENCE, RoundTrip.array("bigint", presenceChanged.toArray()));
        }
    }

    /** "pass_results = k.pass_results + excluded.pass_results, ..." for every count column. */
    private static String adding() {
        StringBuilder sql = new StringBuilder();
        for (String column : Stream.concat(RESULT_COLUMNS.stream(), CONTAINER_COLUMNS.stream()).toList()) {
            sql.append(sql.isEmpty() ? "" : ", ").append(column).append(" = k.").append(column).append(" + excluded.").append(column);
        }
        return sql.toString();
    }

    /** Per status: +1 for each result of a present subject, -1 of a gone one; then the same for containers only. */
    private static String presenceSums() {
        StringBuilder sql = new StringBuilder();
        for (boolean containers : new boolean[] {false, true}) {
            for (String status : FleetStateStore.STATUSES) {
                sql.append(sql.isEmpty() ? "" : ", ").append("sum(CASE WHEN c.status <> '").append(status).append("'")
                        .append(containers ? " OR s.kind <> 'container'" : "").append(" THEN 0 WHEN s.gone_at IS NULL THEN 1 ELSE -1 END)");
            }
        }
        return sql.toString();
    }
}
