package org.cakb.fleet;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the state changes of a batch of reports ({@link StateDiff}s of distinct hosts): new subjects, then one
 * set-based statement per table for all reports ({@link Unnest}: subjects, removed and changed states, transitions,
 * then the fleet page's counts), all sent in the batch's one round trip of writes ({@link RoundTrip}). Statement by
 * statement, not report by report, and not row by row: a batch of 50 changed reports costs the statements of one.
 */
final class StateWrites {

    private StateWrites() {
    }

    /** Adds the batch's writes to {@code writes}, in order; new subjects must be inserted first ({@link #insertNewSubjects}). */
    static void write(RoundTrip writes, List<StateDiff> diffs, CheckCounts counts) {
        if (diffs.isEmpty()) {
            return;
        }
        updateSubjects(writes, diffs);
        deleteStates(writes, diffs);
        upsertStates(writes, diffs);
        insertTransitions(writes, diffs);
        List<Long> presenceChanged = new ArrayList<>();
        for (StateDiff d : diffs) {
            for (StateDiff.Subject s : d.subjects.values()) {
                if (s.wasGone != s.gone) {
                    presenceChanged.add(s.id);
                }
            }
        }
        counts.write(writes, presenceChanged);
    }

    /** Subjects seen for the first time, one statement each (the batch's other writes need their ids). */
    static void insertNewSubjects(Connection c, List<StateDiff> diffs) throws SQLException {
        PreparedStatement insert = null;
        try {
            for (StateDiff d : diffs) {
                for (StateDiff.Subject s : d.subjects.values()) {
                    if (s.id != -1) {
                        continue;
                    }
                    if (insert == null) {
                        insert = c.prepareStatement("""
                                INSERT INTO fleet_subject (host_id, kind, runtime, container_id, name, image, pid, cgroup, passed, failed,
                                    not_applicable, errors) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""");
                    }
                    insert.setLong(1, d.hostId);
                    insert.setString(2, s.kind);
                    insert.setString(3, s.runtime);
                    insert.setString(4, s.containerId);
                    meta(insert, 5, s);
                    for (int i = 0; i < 4; i++) {
                        insert.setInt(9 + i, s.counts[i]);
                    }
                    try (ResultSet r = insert.executeQuery()) {
                        r.next();
                        s.id = r.getLong(1);
                    }
                }
            }
        } finally {
            if (insert != null) {
                insert.close();
            }
        }
    }

    private static void updateSubjects(RoundTrip writes, List<StateDiff> diffs) {
        Unnest rows = new Unnest("bigint", "text", "text", "int", "text", "int", "int", "int", "int", "boolean");
        for (StateDiff d : diffs) {
            for (StateDiff.Subject s : d.subjects.values()) {
                if (s.touched || d.gone.contains(s)) {
                    rows.row(s.id, s.name, s.image, s.pid, s.cgroup, s.counts[0], s.counts[1], s.counts[2], s.counts[3], s.gone);
                }
            }
        }
        rows.addTo(writes, """
                UPDATE fleet_subject s SET name = u.name, image = u.image, pid = u.pid, cgroup = u.cgroup, passed = u.passed,
                    failed = u.failed, not_applicable = u.not_applicable, errors = u.errors, changed_at = now(),
                    gone_at = CASE WHEN u.gone THEN coalesce(s.gone_at, now()) END
                FROM unnest(?::bigint[], ?::text[], ?::text[], ?::int[], ?::text[], ?::int[], ?::int[], ?::int[], ?::int[], ?::boolean[])
                    AS u (id, name, image, pid, cgroup, passed, failed, not_applicable, errors, gone)
                WHERE s.id = u.id""");
    }

    private static void deleteStates(RoundTrip writes, List<StateDiff> diffs) {
        Unnest rows = new Unnest("bigint", "text");
        for (StateDiff d : diffs) {
            for (StateDiff.Delete x : d.deletes) {
                rows.row(x.subject().id, x.checkId());
            }
        }
        rows.addTo(writes, """
                DELETE FROM fleet_check_state c USING unnest(?::bigint[], ?::text[]) AS k (subject_id, check_id)
                WHERE c.subject_id = k.subject_id AND c.check_id = k.check_id""");
    }

    /**
     * A stored state's since and since-report move only with its status; the host's row lock (taken before the states
     * were read) makes the stored status the one the diff compared with, so the statement can tell a status change itself.
     */
    private static void upsertStates(RoundTrip writes, List<StateDiff> diffs) {
        Unnest rows = new Unnest("bigint", "text", "text", "text", "text", "text", "text", "text");
        for (StateDiff d : diffs) {
            String at = d.report.finishedAt().toString();
            for (StateDiff.Upsert u : d.upserts) {
                rows.row(u.subject().id, u.checkId(), u.state().status(), u.state().observed(), u.state().expected(),
                        u.state().explanation(), at, d.report.reportId());
            }
        }
        rows.addTo(writes, """
                INSERT INTO fleet_check_state AS c (subject_id, check_id, status, observed, expected, explanation, since, since_report_id)
                SELECT * FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::uuid[])
                ON CONFLICT (subject_id, check_id) DO UPDATE SET status = excluded.status, observed = excluded.observed,
                    expected = excluded.expected, explanation = excluded.explanation,
                    since = CASE WHEN c.status <> excluded.status THEN excluded.since ELSE c.since END,
                    since_report_id = CASE WHEN c.status <> excluded.status THEN excluded.since_report_id ELSE c.since_report_id END""");
    }

    private static void insertTransitions(RoundTrip writes, List<StateDiff> diffs) {
        Unnest rows = new Unnest("bigint", "text", "text", "text", "text", "text", "text");
        for (StateDiff d : diffs) {
            String at = d.report.finishedAt().toString();
            for (StateDiff.Transition t : d.history) {
                rows.row(t.subject().id, t.checkId(), t.from(), t.to(), t.observed(), d.report.reportId(), at);
            }
        }
        rows.addTo(writes, """
                INSERT INTO fleet_transition (subject_id, check_id, from_status, to_status, observed, report_id, observed_at)
                SELECT * FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::uuid[], ?::timestamptz[])""");
    }

    private static void meta(PreparedStatement statement, int first, StateDiff.Subject s) throws SQLException {
        statement.setString(first, s.name);
        statement.setString(first + 1, s.image);
        if (s.pid == null) {
            statement.setNull(first + 2, Types.INTEGER);
        } else {
            statement.setInt(first + 2, s.pid);
        }
        statement.setString(first + 3, s.cgroup);
    }
}
