package org.cakb.fleet;

import org.cakb.common.DomainException;

import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies reports to the stored state of their hosts, by change only ({@link StateDiff}): an unchanged report writes
 * only its receipt (no payload) and the host's last-seen. It applies a whole batch of reports ({@link ReportWriter}),
 * each of another host, in the caller's transaction: the hosts' rows are locked first (in id order), so each delta is
 * applied to the exact state it was computed against; then a few statements read, and a few write, for all of them.
 * A report refused on its own (a reused id, a delta against a state the server does not hold) gets its refusal
 * without writing anything; the others are applied.
 */
@ApplicationScoped
public class FleetStateStore {

    static final List<String> STATUSES = List.of("pass", "fail", "not-applicable", "error");

    /** What applying a report did. {@code changes} counts status transitions (first observations included). */
    public record Applied(ReportIngestion.Outcome outcome, int changes, boolean applied) {
    }

    /** One report to apply; exactly one of the two answers is set by {@link #apply}. */
    static final class Pending {
        final long hostId, credentialId;
        final IncomingReport report;
        final String body, payloadHash;
        Applied applied;
        RuntimeException refused;
        /** Counted down by the writer once the answer is final (after the commit or the last attempt). */
        final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);

        Pending(long hostId, long credentialId, IncomingReport report, String body, String payloadHash) {
            this.hostId = hostId;
            this.credentialId = credentialId;
            this.report = report;
            this.body = body;
            this.payloadHash = payloadHash;
        }
    }

    private record HostState(String baseId, Timestamp finished) {
    }

    private record StoredKey(long hostId, String payloadHash) {
    }

    /** A report to store: its comparison (null for a stale full report, which changes no state) and receipt values. */
    private record Accepted(Pending pending, StateDiff diff, String baseId) {
        boolean stale() {
            return diff == null;
        }
    }

    /**
     * Applies {@code batch} (distinct hosts, distinct report ids) on {@code c}, inside the caller's transaction, and sets
     * each one's answer. An SQLException means the transaction must be rolled back (answers set so far do not count).
     */
    void apply(Connection c, List<Pending> batch) throws SQLException {
        long[] hostIds = batch.stream().mapToLong(p -> p.hostId).sorted().toArray();
        Map<Long, HostState> hosts = new HashMap<>();
        Set<Long> credentials = new HashSet<>();
        Map<String, StoredKey> keys = new HashMap<>();
        Map<Long, Map<String, StateDiff.Subject>> subjects = new HashMap<>();
        RoundTrip reads = new RoundTrip()
                // the batch's statements take array parameters, whose length the planner cannot know: a plan made anew for
                // every batch cost more than its execution (pg_stat_statements), and the generic plans are index scans
                .add("SET LOCAL plan_cache_mode = force_generic_plan", RoundTrip.NONE);
        lockHosts(reads, hostIds, hosts);
        validCredentials(reads, batch, credentials);
        storedKeys(reads, batch, keys);
        subjects(reads, hostIds, subjects);
        reads.run(c);
        List<Accepted> accepted = new ArrayList<>();
        List<Long> wholeSubjects = new ArrayList<>(), pairSubjects = new ArrayList<>();
        List<String> pairChecks = new ArrayList<>();
        for (Pending p : batch) {
            if (!credentials.contains(p.credentialId)) {
                p.refused = DomainException.unauthenticated("this agent credential is revoked or expired; enroll the agent again");
                continue;
            }
            try {
                Accepted a = decide(p, hosts.get(p.hostId), keys.get(p.report.reportId()), subjects.getOrDefault(p.hostId, new HashMap<>()));
                if (a != null) {
                    accepted.add(a);
                    if (!a.stale()) {
                        a.diff().statesNeeded(wholeSubjects, pairSubjects, pairChecks);
                    }
                }
            } catch (RuntimeException e) {
                p.refused = e;
            }
        }
        if (accepted.isEmpty()) {
            return;
        }
        Map<Long, Map<String, StateDiff.State>> states = states(c, wholeSubjects, pairSubjects, pairChecks);
        CheckCounts counts = new CheckCounts();
        for (Accepted a : accepted) {
            if (!a.stale()) {
                a.diff().compute(states, counts);
            }
        }
        List<StateDiff> diffs = accepted.stream().filter(a -> !a.stale()).map(Accepted::diff).toList();
        StateWrites.insertNewSubjects(c, diffs);
        RoundTrip writes = new RoundTrip();
        StateWrites.write(writes, diffs, counts);
        receiptsAndHosts(writes, accepted);
        writes.run(c);
        for (Accepted a : accepted) {
            int changes = a.stale() ? 0 : a.diff().transitions;
            a.pending().applied = new Applied(ReportIngestion.Outcome.STORED, changes, !a.stale());
        }
    }

    /** Null when the report was stored already (its answer is set); otherwise what to store. Throws its refusal. */
    private static Accepted decide(Pending p, HostState host, StoredKey stored, Map<String, StateDiff.Subject> subjects) {
        IncomingReport report = p.report;
        if (host == null) {
            throw DomainException.notFound("host " + p.hostId + " no longer exists");
        }
        if (stored != null) {
            // by id alone: a reused id is refused even with another startedAt or from another host
            if (stored.hostId() == p.hostId && p.payloadHash.equals(stored.payloadHash())) {
                p.applied = new Applied(ReportIngestion.Outcome.DUPLICATE, 0, false);
                return null;
            }
            throw new DomainException(DomainException.Kind.CONFLICT, "report " + report.reportId()
                    + " was already stored with different content; a report id must not be reused");
        }
        if (report.delta() && !report.baseReportId().equals(host.baseId())) {
            throw new FullReportRequired("this delta report is based on report " + report.baseReportId() + ", but the server holds "
                    + (host.baseId() == null ? "no state for this host" : "the state of report " + host.baseId()) + "; send a full report");
        }
        boolean stale = !report.delta() && host.finished() != null && report.finishedAt().isBefore(host.finished().toInstant());
        return new Accepted(p, stale ? null : new StateDiff(p.hostId, report, subjects), host.baseId());
    }

    /** Locks the hosts' rows in id order (so concurrent batches cannot deadlock) and reads the state each one holds. */
    private static void lockHosts(RoundTrip reads, long[] hostIds, Map<Long, HostState> hosts) {
        reads.add("SELECT id, state_report_id::text, state_finished_at FROM fleet_host WHERE id = ANY (?) ORDER BY id FOR UPDATE",
                RoundTrip.array("bigint", box(hostIds)), r -> {
                    while (r.next()) {
                        hosts.put(r.getLong(1), new HostState(r.getString(2), r.getTimestamp(3)));
                    }
                });
    }

    /**
     * The credentials of the batch that may still act (not revoked, not past a rotation's overlap), read in the storing
     * transaction: the request was authenticated from memory ({@link AgentCredentials}), and a revocation committed
     * since must refuse the report, whether or not its announcement has arrived.
     */
    private static void validCredentials(RoundTrip reads, List<Pending> batch, Set<Long> valid) {
        reads.add("""
                SELECT id FROM fleet_credential WHERE id = ANY (?) AND revoked_at IS NULL
                  AND (superseded_until IS NULL OR superseded_until > now())""",
                RoundTrip.array("bigint", batch.stream().map(p -> p.credentialId).distinct().toArray()), r -> {
                    while (r.next()) {
                        valid.add(r.getLong(1));
                    }
                });
    }

    /**
     * The receipt keys of these report ids already stored (migration V92: one index probe each, not one per partition of
     * fleet_report). Read after the hosts' locks, so a report of the same host committed meanwhile is seen.
     */
    private static void storedKeys(RoundTrip reads, List<Pending> batch, Map<String, StoredKey> keys) {
        reads.add("SELECT id::text, host_id, encode(payload_sha256, 'hex') FROM fleet_report_key WHERE id = ANY (?::uuid[])",
                RoundTrip.array("text", batch.stream().map(p -> p.report.reportId()).toArray()), r -> {
                    while (r.next()) {
                        keys.put(r.getString(1), new StoredKey(r.getLong(2), r.getString(3)));
                    }
                });
    }

    private static void subjects(RoundTrip reads, long[] hostIds, Map<Long, Map<String, StateDiff.Subject>> byHost) {
        reads.add("""
                SELECT host_id, id, kind, runtime, container_id, name, image, pid, cgroup, gone_at IS NOT NULL,
                       passed, failed, not_applicable, errors
                FROM fleet_subject WHERE host_id = ANY (?)""", RoundTrip.array("bigint", box(hostIds)), r -> {
            while (r.next()) {
                StateDiff.Subject s = new StateDiff.Subject();
                s.id = r.getLong(2);
                s.kind = r.getString(3);
                s.runtime = r.getString(4);
                s.containerId = r.getString(5);
                s.name = r.getString(6);
                s.image = r.getString(7);
                s.pid = (Integer) r.getObject(8);
                s.cgroup = r.getString(9);
                s.gone = r.getBoolean(10);
                s.wasGone = s.gone;
                for (int i = 0; i < 4; i++) {
                    s.counts[i] = r.getInt(11 + i);
                }
                byHost.computeIfAbsent(r.getLong(1), k -> new LinkedHashMap<>()).put(s.key(), s);
            }
        });
    }

    /** Every state of the whole subjects (full reports) and the named checks of the pairs (delta reports), in one read. */
    private static Map<Long, Map<String, StateDiff.State>> states(Connection c, List<Long> wholeSubjects, List<Long> pairSubjects,
                                                                  List<String> pairChecks) throws SQLException {
        Map<Long, Map<String, StateDiff.State>> states = new HashMap<>();
        if (wholeSubjects.isEmpty() && pairSubjects.isEmpty()) {
            return states;
        }
        new RoundTrip().add("""
                SELECT c.subject_id, c.check_id, c.status, c.observed, c.expected, c.explanation FROM fleet_check_state c
                WHERE c.subject_id = ANY (?::bigint[])
                UNION ALL
                SELECT c.subject_id, c.check_id, c.status, c.observed, c.expected, c.explanation FROM fleet_check_state c
                JOIN unnest(?::bigint[], ?::text[]) AS k (subject_id, check_id) ON c.subject_id = k.subject_id AND c.check_id = k.check_id""",
                RoundTrip.array("bigint", wholeSubjects.toArray()).andThen(RoundTrip.array("bigint", pairSubjects.toArray()))
                        .andThen(RoundTrip.array("text", pairChecks.toArray())), r -> {
                    while (r.next()) {
                        states.computeIfAbsent(r.getLong(1), k -> new HashMap<>()).put(r.getString(2),
                                new StateDiff.State(r.getString(3), r.getString(4), r.getString(5), r.getString(6)));
                    }
                }).run(c);
        return states;
    }

    /**
     * Every report's receipt (the payload only when it changed the state or is the host's first), its key, and its host's
     * new state (or only its last-seen, for a stale full report): one set-based statement per table for the whole batch.
     */
    private static void receiptsAndHosts(RoundTrip writes, List<Accepted> accepted) {
        Unnest receipts = new Unnest("text", "bigint", "bigint", "text", "text", "text", "smallint", "text", "boolean", "int", "int",
                "int", "int", "int", "int", "text", "text");
        Unnest keys = new Unnest("text", "bigint", "text");
        Unnest hosts = new Unnest("bigint", "text", "text", "text", "text", "text", "text", "text", "text");
        List<Long> seen = new ArrayList<>();
        for (Accepted a : accepted) {
            Pending p = a.pending();
            IncomingReport report = p.report;
            boolean changed = !a.stale() && a.diff().changed;
            int[] totals = a.stale() ? new int[4] : a.diff().totals();
            // the payload is kept as received (no re-serialisation), only when it changed the state or is the host's first
            receipts.row(report.reportId(), p.hostId, p.credentialId, report.startedAt().toString(), report.finishedAt().toString(),
                    report.agentVersion(), (short) report.format(), report.baseReportId(), !a.stale(), report.containers(),
                    a.stale() ? 0 : a.diff().transitions, totals[0], totals[1], totals[2], totals[3], p.payloadHash,
                    changed || a.baseId() == null ? p.body : null);
            keys.row(report.reportId(), p.hostId, p.payloadHash);
            if (a.stale()) {
                seen.add(p.hostId);
            } else {
                hosts.row(p.hostId, report.agentVersion(), report.vantage(), report.runtime(), report.hostname(), report.kernel(),
                        report.osRelease(), report.reportId(), report.finishedAt().toString());
            }
        }
        receipts.addTo(writes, """
                INSERT INTO fleet_report (id, host_id, credential_id, started_at, finished_at, agent_version, format, base_report_id,
                    applied, containers, changes, passed, failed, not_applicable, errors, payload_sha256, payload)
                SELECT id::uuid, host_id, credential_id, started_at::timestamptz, finished_at::timestamptz, agent_version, format,
                    base_report_id::uuid, applied, containers, changes, passed, failed, not_applicable, errors, decode(sha256, 'hex'),
                    payload::jsonb
                FROM unnest(?::text[], ?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::smallint[], ?::text[], ?::boolean[],
                    ?::int[], ?::int[], ?::int[], ?::int[], ?::int[], ?::int[], ?::text[], ?::text[])
                    AS u (id, host_id, credential_id, started_at, finished_at, agent_version, format, base_report_id, applied,
                          containers, changes, passed, failed, not_applicable, errors, sha256, payload)""");
        keys.addTo(writes, """
                INSERT INTO fleet_report_key (id, host_id, payload_sha256)
                SELECT id::uuid, host_id, decode(sha256, 'hex') FROM unnest(?::text[], ?::bigint[], ?::text[]) AS u (id, host_id, sha256)""");
        hosts.addTo(writes, """
                UPDATE fleet_host h SET last_seen_at = now(), agent_version = u.agent_version, vantage = u.vantage, runtime = u.runtime,
                    hostname = u.hostname, kernel = u.kernel, os_release = u.os_release, state_report_id = u.report_id,
                    state_finished_at = u.finished_at, state_received_at = now()
                FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::uuid[], ?::timestamptz[])
                    AS u (id, agent_version, vantage, runtime, hostname, kernel, os_release, report_id, finished_at)
                WHERE h.id = u.id""");
        if (!seen.isEmpty()) {
            writes.add("UPDATE fleet_host SET last_seen_at = now() WHERE id = ANY (?)", RoundTrip.array("bigint", seen.toArray()));
        }
    }

    private static Long[] box(long[] ids) {
        Long[] boxed = new Long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            boxed[i] = ids[i];
        }
        return boxed;
    }
}
