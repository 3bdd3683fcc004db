package org.cakb.fleet;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.cakb.common.DomainException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Applies a report to the stored state of its host, by change only (as osquery's differential results): a result equal
 * to the current state writes nothing; a status change updates the state and adds one transition; an unchanged report
 * writes only its receipt (no payload) and the host's last-seen. One transaction, serialised per host by locking the
 * host row, so a delta is always applied to the exact state it was computed against.
 */
@ApplicationScoped
public class FleetStateStore {

    static final List<String> STATUSES = List.of("pass", "fail", "not-applicable", "error");

    @Inject
    AgroalDataSource dataSource;

    /** What applying a report did. {@code changes} counts status transitions (first observations included). */
    public record Applied(ReportIngestion.Outcome outcome, int changes, boolean applied) {
    }

    private static final class Subject {
        long id;
        String kind, runtime, containerId, name, image, cgroup;
        Integer pid;
        boolean gone, touched;
        /** Gone when the report arrived: its results join the counts whole after the writes if it is back. */
        boolean wasGone;
        int[] counts = new int[4];

        String key() {
            return kind + '\u001f' + runtime + '\u001f' + containerId;
        }
    }

    private record State(String status, String observed, String expected, String explanation) {
    }

    public Applied apply(long hostId, long credentialId, IncomingReport report, String body, String payloadHash) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Applied applied = apply(c, hostId, credentialId, report, body, payloadHash);
                c.commit();
                return applied;
            } catch (RuntimeException | SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not store report " + report.reportId(), e);
        }
    }

    private Applied apply(Connection c, long hostId, long credentialId, IncomingReport report, String body, String payloadHash)
            throws SQLException {
        String baseId;
        Timestamp stateFinished;
        try (PreparedStatement lock = c.prepareStatement(
                "SELECT state_report_id::text, state_finished_at FROM fleet_host WHERE id = ? FOR UPDATE")) {
            lock.setLong(1, hostId);
            try (ResultSet row = lock.executeQuery()) {
                row.next();
                baseId = row.getString(1);
                stateFinished = row.getTimestamp(2);
            }
        }
        Map<String, Subject> subjects = new HashMap<>();
        Applied duplicate = duplicateAndSubjects(c, hostId, report, payloadHash, subjects);
        if (duplicate != null) {
            return duplicate;
        }
        if (report.delta() && !report.baseReportId().equals(baseId)) {
            throw new FullReportRequired("this delta report is based on report " + report.baseReportId() + ", but the server holds "
                    + (baseId == null ? "no state for this host" : "the state of report " + baseId) + "; send a full report");
        }
        boolean stale = !report.delta() && stateFinished != null && report.finishedAt().isBefore(stateFinished.toInstant());
        int changes = 0;
        boolean changed = false;
        if (!stale) {
            Diff diff = new Diff(report, subjects);
            diff.load(c);
            diff.compute();
            diff.write(c, hostId);
            diff.writeCounts(c, hostId);
            changes = diff.transitions;
            changed = diff.changed;
        }
        int[] totals = new int[4];
        for (Subject s : subjects.values()) {
            if (!s.gone) {
                for (int i = 0; i < 4; i++) {
                    totals[i] += s.counts[i];
                }
            }
        }
        receiptAndHost(c, hostId, credentialId, report, stale, changes, totals, payloadHash, changed || baseId == null ? body : null);
        return new Applied(ReportIngestion.Outcome.STORED, changes, !stale);
    }

    /**
     * One round trip after the host's lock: is this report id stored already (by id alone, in every kept partition: a
     * reused id must be refused even with another startedAt; receipts are kept at least as long as reports are accepted,
     * MAX_AGE, so every resend the server would accept is recognised), and the host's subjects, into {@code subjects}.
     * Read after the lock, so a report of the same host committed meanwhile is seen.
     */
    private static Applied duplicateAndSubjects(Connection c, long hostId, IncomingReport report, String payloadHash,
                                                Map<String, Subject> subjects) throws SQLException {
        Long storedFor = null;
        String storedHash = null;
        try (PreparedStatement select = c.prepareStatement("""
                SELECT d.host_id, d.payload_sha256, s.id, s.kind, s.runtime, s.container_id, s.name, s.image, s.pid, s.cgroup,
                       s.gone_at IS NOT NULL, s.passed, s.failed, s.not_applicable, s.errors
                FROM (SELECT 1) one
                LEFT JOIN LATERAL (SELECT r.host_id, r.payload_sha256 FROM fleet_report r WHERE r.id = ?::uuid LIMIT 1) d ON TRUE
                LEFT JOIN fleet_subject s ON s.host_id = ?""")) {
            select.setString(1, report.reportId());
            select.setLong(2, hostId);
            try (ResultSet r = select.executeQuery()) {
                while (r.next()) {
                    storedFor = (Long) r.getObject(1);
                    storedHash = r.getString(2);
                    if (r.getObject(3) == null) {
                        continue;
                    }
                    Subject s = new Subject();
                    s.id = r.getLong(3);
                    s.kind = r.getString(4);
                    s.runtime = r.getString(5);
                    s.containerId = r.getString(6);
                    s.name = r.getString(7);
                    s.image = r.getString(8);
                    s.pid = (Integer) r.getObject(9);
                    s.cgroup = r.getString(10);
                    s.gone = r.getBoolean(11);
                    s.wasGone = s.gone;
                    for (int i = 0; i < 4; i++) {
                        s.counts[i] = r.getInt(12 + i);
                    }
                    subjects.put(s.key(), s);
                }
            }
        }
        if (storedFor == null) {
            return null;
        }
        if (storedFor == hostId && payloadHash.equals(storedHash)) {
            return new Applied(ReportIngestion.Outcome.DUPLICATE, 0, false);
        }
        throw new DomainException(DomainException.Kind.CONFLICT, "report " + report.reportId() + " was already stored with different content; "
                + "a report id must not be reused");
    }

    /** The comparison of one report with the stored state, and the writes it needs. */
    private static final class Diff {
        final IncomingReport report;
        final Map<String, Subject> subjects;
        final Map<Long, Map<String, State>> states = new HashMap<>();
        final List<Object[]> upserts = new ArrayList<>();     // subject, check, status, observed, expected, explanation, since?, since report?
        final List<Object[]> deletes = new ArrayList<>();     // subject, check
        final List<Object[]> history = new ArrayList<>();     // subject, check, from, to, observed
        final List<Subject> gone = new ArrayList<>();
        final CheckCounts checkCounts = new CheckCounts();
        int transitions;
        boolean changed;

        Diff(IncomingReport report, Map<String, Subject> subjects) {
            this.report = report;
            this.subjects = subjects;
        }

        void load(Connection c) throws SQLException {
            List<Long> ids = new ArrayList<>();
            List<String> checks = new ArrayList<>();
            for (IncomingReport.Subject in : report.subjects()) {
                Subject s = subjects.get(in.key());
                if (s != null) {
                    for (IncomingReport.Result r : in.results()) {
                        ids.add(s.id);
                        checks.add(r.checkId());
                    }
                }
            }
            if (!report.delta()) {
                ids = subjects.values().stream().map(s -> s.id).toList();
            }
            if (ids.isEmpty()) {
                return;
            }
            String sql = report.delta()
                    ? """
                      SELECT c.subject_id, c.check_id, c.status, c.observed, c.expected, c.explanation FROM fleet_check_state c
                      JOIN unnest(?::bigint[], ?::text[]) AS k (subject_id, check_id)
                        ON c.subject_id = k.subject_id AND c.check_id = k.check_id"""
                    : """
                      SELECT c.subject_id, c.check_id, c.status, c.observed, c.expected, c.explanation FROM fleet_check_state c
                      WHERE c.subject_id = ANY (?::bigint[])""";
            try (PreparedStatement select = c.prepareStatement(sql)) {
                select.setArray(1, c.createArrayOf("bigint", ids.toArray()));
                if (report.delta()) {
                    select.setArray(2, c.createArrayOf("text", checks.toArray()));
                }
                try (ResultSet r = select.executeQuery()) {
                    while (r.next()) {
                        states.computeIfAbsent(r.getLong(1), k -> new HashMap<>()).put(r.getString(2),
                                new State(r.getString(3), r.getString(4), r.getString(5), r.getString(6)));
                    }
                }
            }
        }

        void compute() {
            Map<String, IncomingReport.Subject> reported = new HashMap<>();
            for (IncomingReport.Subject in : report.subjects()) {
                reported.put(in.key(), in);
            }
            for (IncomingReport.Subject in : report.subjects()) {
                Subject s = subjects.get(in.key());
                if (s == null) {
                    s = new Subject();
                    s.id = -1;
                    s.kind = in.kind();
                    s.runtime = in.runtime();
                    s.containerId = in.containerId();
                    s.touched = true;
                    subjects.put(s.key(), s);
                }
                if (s.gone || !Objects.equals(s.name, in.name()) || !Objects.equals(s.image, in.image())
                        || !Objects.equals(s.pid, in.pid()) || !Objects.equals(s.cgroup, in.cgroup())) {
                    s.name = in.name();
                    s.image = in.image();
                    s.pid = in.pid();
                    s.cgroup = in.cgroup();
                    s.gone = false;
                    s.touched = true;
                }
                Map<String, State> current = states.getOrDefault(s.id, Map.of());
                java.util.Set<String> seen = new java.util.HashSet<>();
                for (IncomingReport.Result r : in.results()) {
                    seen.add(r.checkId());
                    State before = current.get(r.checkId());
                    State after = new State(r.status(), r.observed(), r.expected(), r.explanation());
                    if (after.equals(before)) {
                        continue;
                    }
                    boolean statusChanged = before == null || !before.status().equals(after.status());
                    upserts.add(new Object[]{s, r.checkId(), after, statusChanged});
                    if (statusChanged) {
                        history.add(new Object[]{s, r.checkId(), before == null ? null : before.status(), after.status(), after.observed()});
                        if (!s.wasGone) {
                            if (before != null) {
                                checkCounts.add(r.checkId(), before.status(), s.runtime, isContainer(s), -1);
                            }
                            checkCounts.add(r.checkId(), after.status(), s.runtime, isContainer(s), 1);
                        }
                        if (before != null) {
                            s.counts[STATUSES.indexOf(before.status())]--;
                        }
                        s.counts[STATUSES.indexOf(after.status())]++;
                        s.touched = true;
                    }
                }
                if (!report.delta()) {
                    for (Map.Entry<String, State> old : current.entrySet()) {
                        if (!seen.contains(old.getKey())) {
                            deletes.add(new Object[]{s, old.getKey()});
                            if (!s.wasGone) {
                                checkCounts.add(old.getKey(), old.getValue().status(), s.runtime, isContainer(s), -1);
                            }
                            s.counts[STATUSES.indexOf(old.getValue().status())]--;
                            s.touched = true;
                        }
                    }
                }
            }
            if (!report.delta()) {
                for (Subject s : subjects.values()) {
                    if (!s.gone && !reported.containsKey(s.key())) {
                        s.gone = true;
                        gone.add(s);
                    }
                }
            }
            transitions = history.size();
            changed = !upserts.isEmpty() || !deletes.isEmpty() || !gone.isEmpty()
                    || subjects.values().stream().anyMatch(s -> s.touched);
        }

        private static boolean isContainer(Subject s) {
            return "container".equals(s.kind);
        }

        void write(Connection c, long hostId) throws SQLException {
            for (Subject s : subjects.values()) {
                if (s.id == -1) {
                    try (PreparedStatement insert = c.prepareStatement("""
                            INSERT INTO fleet_subject (host_id, kind, runtime, container_id, name, image, pid, cgroup, passed, failed,
                                not_applicable, errors) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""")) {
                        insert.setLong(1, hostId);
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
            }
            List<Subject> updated = subjects.values().stream().filter(s -> s.touched && s.id != -1).toList();
            if (!updated.isEmpty() || !gone.isEmpty()) {
                try (PreparedStatement update = c.prepareStatement("""
                        UPDATE fleet_subject SET name = ?, image = ?, pid = ?, cgroup = ?, passed = ?, failed = ?, not_applicable = ?,
                            errors = ?, changed_at = now(), gone_at = CASE WHEN ? THEN coalesce(gone_at, now()) END WHERE id = ?""")) {
                    for (Subject s : subjects.values()) {
                        if (s.touched || gone.contains(s)) {
                            meta(update, 1, s);
                            for (int i = 0; i < 4; i++) {
                                update.setInt(5 + i, s.counts[i]);
                            }
                            update.setBoolean(9, s.gone);
                            update.setLong(10, s.id);
                            update.addBatch();
                        }
                    }
                    update.executeBatch();
                }
            }
            Timestamp at = Timestamp.from(report.finishedAt());
            if (!deletes.isEmpty()) {
                try (PreparedStatement delete = c.prepareStatement("DELETE FROM fleet_check_state WHERE subject_id = ? AND check_id = ?")) {
                    for (Object[] d : deletes) {
                        delete.setLong(1, ((Subject) d[0]).id);
                        delete.setString(2, (String) d[1]);
                        delete.addBatch();
                    }
                    delete.executeBatch();
                }
            }
            if (!upserts.isEmpty()) {
                try (PreparedStatement upsert = c.prepareStatement("""
                        INSERT INTO fleet_check_state AS c (subject_id, check_id, status, observed, expected, explanation, since, since_report_id)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?::uuid)
                        ON CONFLICT (subject_id, check_id) DO UPDATE SET status = excluded.status, observed = excluded.observed,
                            expected = excluded.expected, explanation = excluded.explanation,
                            since = CASE WHEN ? THEN excluded.since ELSE c.since END,
                            since_report_id = CASE WHEN ? THEN excluded.since_report_id ELSE c.since_report_id END""")) {
                    for (Object[] u : upserts) {
                        State s = (State) u[2];
                        boolean statusChanged = (Boolean) u[3];
                        upsert.setLong(1, ((Subject) u[0]).id);
                        upsert.setString(2, (String) u[1]);
                        upsert.setString(3, s.status());
                        upsert.setString(4, s.observed());
                        upsert.setString(5, s.expected());
                        upsert.setString(6, s.explanation());
                        upsert.setTimestamp(7, at);
                        upsert.setString(8, report.reportId());
                        upsert.setBoolean(9, statusChanged);
                        upsert.setBoolean(10, statusChanged);
                        upsert.addBatch();
                    }
                    upsert.executeBatch();
                }
            }
            if (!history.isEmpty()) {
                try (PreparedStatement insert = c.prepareStatement("""
                        INSERT INTO fleet_transition (subject_id, check_id, from_status, to_status, observed, report_id, observed_at)
                        VALUES (?, ?, ?, ?, ?, ?::uuid, ?)""")) {
                    for (Object[] h : history) {
                        insert.setLong(1, ((Subject) h[0]).id);
                        insert.setString(2, (String) h[1]);
                        insert.setString(3, (String) h[2]);
                        insert.setString(4, (String) h[3]);
                        insert.setString(5, (String) h[4]);
                        insert.setString(6, report.reportId());
                        insert.setTimestamp(7, at);
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
            }
        }

        /** After every other write of the report: the counts of the fleet page (see {@link CheckCounts}). */
        void writeCounts(Connection c, long hostId) throws SQLException {
            List<Long> presenceChanged = new ArrayList<>();
            for (Subject s : subjects.values()) {
                if (s.wasGone != s.gone) {
                    presenceChanged.add(s.id);
                }
            }
            checkCounts.write(c, hostId, presenceChanged);
        }

        private static void meta(PreparedStatement statement, int first, Subject s) throws SQLException {
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

    /** The receipt and the host's new state (or only its last-seen, for a stale full report) in one statement. */
    private static void receiptAndHost(Connection c, long hostId, long credentialId, IncomingReport report, boolean stale, int changes,
                                       int[] totals, String payloadHash, String payload) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("""
                WITH receipt AS (
                    INSERT INTO fleet_report (id, host_id, credential_id, started_at, finished_at, agent_version, format, base_report_id,
                        applied, containers, changes, passed, failed, not_applicable, errors, payload_sha256, payload)
                    VALUES (?::uuid, ?, ?, ?, ?, ?, ?, ?::uuid, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb))
                """ + (stale ? "UPDATE fleet_host SET last_seen_at = now() WHERE id = ?" : """
                UPDATE fleet_host SET last_seen_at = now(), agent_version = ?, vantage = ?, runtime = ?, hostname = ?, kernel = ?,
                    os_release = ?, state_report_id = ?::uuid, state_finished_at = ?, state_received_at = now() WHERE id = ?"""))) {
            insert.setString(1, report.reportId());
            insert.setLong(2, hostId);
            insert.setLong(3, credentialId);
            insert.setTimestamp(4, Timestamp.from(report.startedAt()));
            insert.setTimestamp(5, Timestamp.from(report.finishedAt()));
            insert.setString(6, report.agentVersion());
            insert.setShort(7, (short) report.format());
            insert.setString(8, report.baseReportId());
            insert.setBoolean(9, !stale);
            insert.setInt(10, report.containers());
            insert.setInt(11, changes);
            for (int i = 0; i < 4; i++) {
                insert.setInt(12 + i, totals[i]);
            }
            insert.setString(16, payloadHash);
            insert.setString(17, payload);
            int next = 18;
            if (!stale) {
                insert.setString(next++, report.agentVersion());
                insert.setString(next++, report.vantage());
                insert.setString(next++, report.runtime());
                insert.setString(next++, report.hostname());
                insert.setString(next++, report.kernel());
                insert.setString(next++, report.osRelease());
                insert.setString(next++, report.reportId());
                insert.setTimestamp(next++, Timestamp.from(report.finishedAt()));
            }
            insert.setLong(next, hostId);
            insert.executeUpdate();
        }
    }
}
