package org.cakb.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Delta reports (report format 2 with {@code baseReportId}): after the server acknowledged a report, the agent keeps a
 * digest of what it reported (a short hash per result and per container's identity, never the texts) in
 * {@code acknowledged.json} next to the spool. The next run sends only the results whose verdict or observation
 * changed, against that report, so an unchanged host costs a few hundred bytes on the wire.
 *
 * <p>A full report is sent instead when there is no usable state, when containers came or went or a subject's set of
 * checks changed (a delta cannot say "gone"), when reports are waiting in the spool, when the state is older than
 * {@link #FULL_AFTER_MILLIS}, or with {@code --full-report}. The server refuses a delta against a state it does not
 * hold (409, fullReportRequired); the agent then sends the full report.
 */
final class DeltaReports {

    /** At least one full report a day, so a server that lost its state (restore, retention) is repaired by itself. */
    static final long FULL_AFTER_MILLIS = 24L * 3600 * 1000;

    static final String STATE_FILE = "acknowledged.json";

    private DeltaReports() {
    }

    /** What the server holds: the acknowledged report and, per subject, its identity and result digests. */
    static final class Acknowledged {
        final String reportId;
        final String server;
        final long at;
        final Map<String, Subject> subjects;

        Acknowledged(String reportId, String server, long at, Map<String, Subject> subjects) {
            this.reportId = reportId;
            this.server = server;
            this.at = at;
            this.subjects = subjects;
        }
    }

    static final class Subject {
        final String identity;
        final Map<String, String> results;

        Subject(String identity, Map<String, String> results) {
            this.identity = identity;
            this.results = results;
        }
    }

    static Path stateFile(Path spoolDir) {
        return spoolDir.resolveSibling(STATE_FILE);
    }

    // ------------------------------------------------------------------ digests

    static Map<String, Subject> digest(Report r) {
        Map<String, Subject> subjects = new LinkedHashMap<>();
        subjects.put("host", new Subject("host", digests(r.results)));
        for (Report.ContainerResults c : r.containers) {
            subjects.put(key(c.container), new Subject(identity(c.container), digests(c.results)));
        }
        return subjects;
    }

    private static String key(DiscoveredContainer c) {
        return c.runtime + "/" + c.id;
    }

    /** The fields the server keeps for a container besides its results. */
    private static String identity(DiscoveredContainer c) {
        return hash(c.name + '\u001f' + c.image + '\u001f' + c.pid + '\u001f' + c.cgroup);
    }

    private static Map<String, String> digests(List<CheckResult> results) {
        Map<String, String> m = new LinkedHashMap<>();
        for (CheckResult r : results) {
            m.put(r.id, hash(r.status + '\u001f' + r.observed + '\u001f' + r.expected + '\u001f' + r.explanation));
        }
        return m;
    }

    private static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(d, 12));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    // ------------------------------------------------------------------ the delta

    /**
     * The delta of {@code full} against {@code base}, as a report map with a new id, or null when only a full report
     * can describe the change.
     */
    static Map<String, Object> delta(Report full, Acknowledged base, String server, long now) {
        if (base == null || !server.equals(base.server) || now - base.at > FULL_AFTER_MILLIS || now < base.at) {
            return null;
        }
        Map<String, Subject> current = digest(full);
        if (!current.keySet().equals(base.subjects.keySet())) {
            return null; // a container came or went
        }
        for (Map.Entry<String, Subject> e : current.entrySet()) {
            if (!e.getValue().results.keySet().equals(base.subjects.get(e.getKey()).results.keySet())) {
                return null; // the set of checks changed (new probe set): removals need a full report
            }
        }
        Map<String, Object> m = full.toMap();
        m.put("reportId", newId());
        m.put("baseReportId", base.reportId);
        m.put("results", changed(full.results, current.get("host"), base.subjects.get("host"), false));
        List<Object> containers = new ArrayList<>();
        for (Report.ContainerResults c : full.containers) {
            String k = key(c.container);
            Subject now_ = current.get(k), before = base.subjects.get(k);
            List<Object> results = changed(c.results, now_, before, true);
            if (!results.isEmpty() || !now_.identity.equals(before.identity)) {
                Map<String, Object> cm = c.toMap();
                cm.put("results", results);
                containers.add(cm);
            }
        }
        m.put("containers", containers);
        return m;
    }

    private static List<Object> changed(List<CheckResult> results, Subject now, Subject before, boolean compact) {
        List<Object> out = new ArrayList<>();
        for (CheckResult r : results) {
            if (!now.results.get(r.id).equals(before.results.get(r.id))) {
                out.add(compact ? r.toCompactMap() : r.toMap());
            }
        }
        return out;
    }

    private static String newId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long msb = (r.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
        long lsb = (r.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    // ------------------------------------------------------------------ the state file

    static void save(Path file, String reportId, String server, Report r, long now) throws IOException {
        Map<String, Object> subjects = new LinkedHashMap<>();
        for (Map.Entry<String, Subject> e : digest(r).entrySet()) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("identity", e.getValue().identity);
            s.put("results", e.getValue().results);
            subjects.put(e.getKey(), s);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("reportId", reportId);
        m.put("server", server);
        m.put("acknowledgedAt", now);
        m.put("subjects", subjects);
        AgentFiles.writeAtomically(file, Json.write(m, 1).getBytes(StandardCharsets.UTF_8));
    }

    /** The state, or null when absent or not what {@link #save} writes (then a full report is sent). */
    @SuppressWarnings("unchecked")
    static Acknowledged load(Path file) {
        try {
            Object root = Json.parse(new String(AgentFiles.readBounded(file, Json.MAX_CHARS), StandardCharsets.UTF_8));
            Map<String, Object> m = (Map<String, Object>) root;
            Map<String, Subject> subjects = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : ((Map<String, Object>) m.get("subjects")).entrySet()) {
                Map<String, Object> s = (Map<String, Object>) e.getValue();
                Map<String, String> results = new LinkedHashMap<>();
                for (Map.Entry<String, Object> r : ((Map<String, Object>) s.get("results")).entrySet()) {
                    results.put(r.getKey(), (String) r.getValue());
                }
                subjects.put(e.getKey(), new Subject((String) s.get("identity"), results));
            }
            String id = (String) m.get("reportId");
            String server = (String) m.get("server");
            Number at = (Number) m.get("acknowledgedAt");
            if (id == null || server == null || at == null || subjects.get("host") == null) {
                return null;
            }
            return new Acknowledged(id, server, at.longValue(), subjects);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static void forget(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a stale state only costs a 409 and a full report next time
        }
    }
}
