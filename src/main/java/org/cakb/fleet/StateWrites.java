package org.cakb.fleet;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the state changes of a batch of reports ({@link StateDiff}s of distinct hosts): new subjects, then one JDBC
 * batch per statement for all reports (subjects, removed and changed states, transitions), then the fleet page's
 * counts. Statement by statement, not report by report: a batch of 50 changed reports costs the round trips of one.
 */
final class StateWrites {

    private StateWrites() {
    }

    static void write(Connection c, List<StateDiff> diffs, CheckCounts counts) throws SQLException {
        if (diffs.isEmpty()) {
            return;
        }
        insertNewSubjects(c, diffs);
        updateSubjects(c, diffs);
        deleteStates(c, diffs);
        upsertStates(c, diffs);
        insertTransitions(c, diffs);
        List<Long> presenceChanged = new ArrayList<>();
        for (StateDiff d : diffs) {
            for (StateDiff.Subject s : d.subjects.values()) {
                if (s.wasGone != s.gone) {
                    presenceChanged.add(s.id);
                }
            }
        }
        counts.write(c, presenceChanged);
    }

    private static void insertNewSubjects(Connection c, List<StateDiff> diffs) throws SQLException {
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

    private static void updateSubjects(Connection c, List<StateDiff> diffs) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("""
                UPDATE fleet_subject SET name = ?, image = ?, pid = ?, cgroup = ?, passed = ?, failed = ?, not_applicable = ?,
                    errors = ?, changed_at = now(), gone_at = CASE WHEN ? THEN coalesce(gone_at, now()) END WHERE id = ?""")) {
            int rows = 0;
            for (StateDiff d : diffs) {
                for (StateDiff.Subject s : d.subjects.values()) {
                    if (s.touched || d.gone.contains(s)) {
                        meta(update, 1, s);
                        for (int i = 0; i < 4; i++) {
                            update.setInt(5 + i, s.counts[i]);
                        }
                        update.setBoolean(9, s.gone);
                        update.setLong(10, s.id);
                        update.addBatch();
                        rows++;
                    }
                }
            }
            if (rows > 0) {
                update.executeBatch();
            }
        }
    }

    private static void deleteStates(Connection c, List<StateDiff> diffs) throws SQLException {
        if (diffs.stream().allMatch(d -> d.deletes.isEmpty())) {
            return;
        }
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM fleet_check_state WHERE subject_id = ? AND check_id = ?")) {
            for (StateDiff d : diffs) {
                for (StateDiff.Delete x : d.deletes) {
                    delete.setLong(1, x.subject().id);
                    delete.setString(2, x.checkId());
                    delete.addBatch();
                }
            }
            delete.executeBatch();
        }
    }

    private static void upsertStates(Connection c, List<StateDiff> diffs) throws SQLException {
        if (diffs.stream().allMatch(d -> d.upserts.isEmpty())) {
            return;
        }
        try (PreparedStatement upsert = c.prepareStatement("""
                INSERT INTO fleet_check_state AS c (subject_id, check_id, status, observed, expected, explanation, since, since_report_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?::uuid)
                ON CONFLICT (subject_id, check_id) DO UPDATE SET status = excluded.status, observed = excluded.observed,
                    expected = excluded.expected, explanation = excluded.explanation,
                    since = CASE WHEN ? THEN excluded.since ELSE c.since END,
                    since_report_id = CASE WHEN ? THEN excluded.since_report_id ELSE c.since_report_id END""")) {
            for (StateDiff d : diffs) {
                Timestamp at = Timestamp.from(d.report.finishedAt());
                for (StateDiff.Upsert u : d.upserts) {
                    upsert.setLong(1, u.subject().id);
                    upsert.setString(2, u.checkId());
                    upsert.setString(3, u.state().status());
                    upsert.setString(4, u.state().observed());
                    upsert.setString(5, u.state().expected());
                    upsert.setString(6, u.state().explanation());
                    upsert.setTimestamp(7, at);
                    upsert.setString(8, d.report.reportId());
                    upsert.setBoolean(9, u.statusChanged());
                    upsert.setBoolean(10, u.statusChanged());
                    upsert.addBatch();
                }
            }
            upsert.executeBatch();
        }
    }

    private static void insertTransitions(Connection c, List<StateDiff> diffs) throws SQLException {
        if (diffs.stream().allMatch(d -> d.history.isEmpty())) {
            return;
        }
        try (PreparedStatement insert = c.prepareStatement("""
                INSERT INTO fleet_transition (subject_id, check_id, from_status, to_status, observed, report_id, observed_at)
                VALUES (?, ?, ?, ?, ?, ?::uuid, ?)""")) {
            for (StateDiff d : diffs) {
                Timestamp at = Timestamp.from(d.report.finishedAt());
                for (StateDiff.Transition t : d.history) {
                    insert.setLong(1, t.subject().id);
                    insert.setString(2, t.checkId());
                    insert.setString(3, t.from());
                    insert.setString(4, t.to());
                    insert.setString(5, t.observed());
                    insert.setString(6, d.report.reportId());
                    insert.setTimestamp(7, at);
                    insert.addBatch();
                }
            }
            insert.executeBatch();
        }
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
