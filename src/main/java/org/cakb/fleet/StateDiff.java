package org.cakb.fleet;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The comparison of one report with its host's stored state (as osquery's differential results): a result equal to the
 * current state needs no write; a status change updates the state and adds one transition. It only computes; the rows
 * it collects are written by {@link FleetStateStore} together with those of the other reports of the same batch.
 */
final class StateDiff {

    /** A stored subject of the host (the host itself or a container), as read before the report is applied. */
    static final class Subject {
        long id;
        String kind, runtime, containerId, name, image, cgroup;
        Integer pid;
        boolean gone, touched;
        /** Gone when the report arrived: its results join the counts whole after the writes if it is back. */
        boolean wasGone;
        final int[] counts = new int[4];

        String key() {
            return kind + '\u001f' + runtime + '\u001f' + containerId;
        }

        boolean container() {
            return "container".equals(kind);
        }
    }

    record State(String status, String observed, String expected, String explanation) {
    }

    record Upsert(Subject subject, String checkId, State state, boolean statusChanged) {
    }

    record Delete(Subject subject, String checkId) {
    }

    record Transition(Subject subject, String checkId, String from, String to, String observed) {
    }

    final long hostId;
    final IncomingReport report;
    final Map<String, Subject> subjects;
    final List<Upsert> upserts = new ArrayList<>();
    final List<Delete> deletes = new ArrayList<>();
    final List<Transition> history = new ArrayList<>();
    final List<Subject> gone = new ArrayList<>();
    int transitions;
    boolean changed;

    StateDiff(long hostId, IncomingReport report, Map<String, Subject> subjects) {
        this.hostId = hostId;
        this.report = report;
        this.subjects = subjects;
    }

    /**
     * The stored states this report must be compared with: a full report, every state of the host's subjects; a delta,
     * only the checks it names.
     */
    void statesNeeded(List<Long> wholeSubjects, List<Long> pairSubjects, List<String> pairChecks) {
        if (!report.delta()) {
            subjects.values().forEach(s -> wholeSubjects.add(s.id));
            return;
        }
        for (IncomingReport.Subject in : report.subjects()) {
            Subject s = subjects.get(in.key());
            if (s != null) {
                for (IncomingReport.Result r : in.results()) {
                    pairSubjects.add(s.id);
                    pairChecks.add(r.checkId());
                }
            }
        }
    }

    /** Compares; {@code states} holds the stored states by subject id, {@code counts} collects the fleet page's count moves. */
    void compute(Map<Long, Map<String, State>> states, CheckCounts counts) {
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
            Map<String, State> current = s.id == -1 ? Map.of() : states.getOrDefault(s.id, Map.of());
            Set<String> seen = new HashSet<>();
            for (IncomingReport.Result r : in.results()) {
                seen.add(r.checkId());
                State before = current.get(r.checkId());
                State after = new State(r.status(), r.observed(), r.expected(), r.explanation());
                if (after.equals(before)) {
                    continue;
                }
                boolean statusChanged = before == null || !before.status().equals(after.status());
                upserts.add(new Upsert(s, r.checkId(), after, statusChanged));
                if (statusChanged) {
                    history.add(new Transition(s, r.checkId(), before == null ? null : before.status(), after.status(), after.observed()));
                    if (!s.wasGone) {
                        if (before != null) {
                            counts.add(hostId, r.checkId(), before.status(), s.runtime, s.container(), -1);
                        }
                        counts.add(hostId, r.checkId(), after.status(), s.runtime, s.container(), 1);
                    }
                    if (before != null) {
                        s.counts[FleetStateStore.STATUSES.indexOf(before.status())]--;
                    }
                    s.counts[FleetStateStore.STATUSES.indexOf(after.status())]++;
                    s.touched = true;
                }
            }
            if (!report.delta()) {
                for (Map.Entry<String, State> old : current.entrySet()) {
                    if (!seen.contains(old.getKey())) {
                        deletes.add(new Delete(s, old.getKey()));
                        if (!s.wasGone) {
                            counts.add(hostId, old.getKey(), old.getValue().status(), s.runtime, s.container(), -1);
                        }
                        s.counts[FleetStateStore.STATUSES.indexOf(old.getValue().status())]--;
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

    /** The present subjects' counts per status, for the receipt. */
    int[] totals() {
        int[] totals = new int[4];
        for (Subject s : subjects.values()) {
            if (!s.gone) {
                for (int i = 0; i < 4; i++) {
                    totals[i] += s.counts[i];
                }
            }
        }
        return totals;
    }
}
