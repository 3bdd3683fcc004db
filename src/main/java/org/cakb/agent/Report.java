package org.cakb.agent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** A run's report: identity, timing, where it ran, and one {@link CheckResult} per probe. */
public final class Report {
    public final String id;
    public final String agentVersion;
    public final String startedAt;
    public String finishedAt;
    public final Map<String, Object> system = new LinkedHashMap<>();
    public final Map<String, Object> environment = new LinkedHashMap<>();
    public final List<CheckResult> results = new ArrayList<>();
    /** Format 2: the containers a host run found, each with the results of the container-vantage checks. */
    public final List<ContainerResults> containers = new ArrayList<>();
    public String bundle;

    /** One container of a host run and its results. */
    public static final class ContainerResults {
        public final DiscoveredContainer container;
        public final List<CheckResult> results = new ArrayList<>();

        ContainerResults(DiscoveredContainer container) {
            this.container = container;
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", container.id);
            m.put("name", container.name);
            m.put("runtime", container.runtime);
            m.put("image", container.image);
            m.put("pid", container.pid);
            m.put("cgroup", container.cgroup);
            m.put("evidence", container.evidence);
            m.put("summary", counts(results));
            List<Object> rs = new ArrayList<>();
            for (CheckResult r : results) {
                rs.add(r.toCompactMap());
            }
            m.put("results", rs);
            return m;
        }
    }

    Report(String agentVersion) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        // version-4 UUID without SecureRandom (which costs start-up time); report ids need uniqueness, not secrecy
        long msb = (r.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
        long lsb = (r.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        this.id = new UUID(msb, lsb).toString();
        this.agentVersion = agentVersion;
        this.startedAt = isoUtc(System.currentTimeMillis());
    }

    /** ISO-8601 UTC timestamp with milliseconds, without java.time (which costs start-up time). */
    static String isoUtc(long millis) {
        long days = Math.floorDiv(millis, 86_400_000L);
        long ms = Math.floorMod(millis, 86_400_000L);
        // civil-from-days (Howard Hinnant's algorithm)
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long y = yoe + era * 400;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long d = doy - (153 * mp + 2) / 5 + 1;
        long m = mp < 10 ? mp + 3 : mp - 9;
        if (m <= 2) {
            y++;
        }
        StringBuilder b = new StringBuilder(24);
        pad0(b, y, 4).append('-');
        pad0(b, m, 2).append('-');
        pad0(b, d, 2).append('T');
        pad0(b, ms / 3_600_000, 2).append(':');
        pad0(b, ms / 60_000 % 60, 2).append(':');
        pad0(b, ms / 1000 % 60, 2).append('.');
        pad0(b, ms % 1000, 3).append('Z');
        return b.toString();
    }

    private static StringBuilder pad0(StringBuilder b, long v, int width) {
        String s = Long.toString(v);
        for (int k = s.length(); k < width; k++) {
            b.append('0');
        }
        return b.append(s);
    }

    /** Counts of the host (or in-container) results. */
    public Map<String, Integer> counts() {
        return counts(results);
    }

    /** Counts over the host results and every container's. */
    public Map<String, Integer> allCounts() {
        List<CheckResult> all = new ArrayList<>(results);
        for (ContainerResults c : containers) {
            all.addAll(c.results);
        }
        return counts(all);
    }

    static Map<String, Integer> counts(List<CheckResult> results) {
        Map<String, Integer> c = new LinkedHashMap<>();
        c.put(CheckResult.PASS, 0);
        c.put(CheckResult.FAIL, 0);
        c.put(CheckResult.NOT_APPLICABLE, 0);
        c.put(CheckResult.ERROR, 0);
        for (CheckResult r : results) {
            c.put(r.status, c.get(r.status) + 1);
        }
        return c;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", 2);
        m.put("reportId", id);
        m.put("agent", "cakb-agent");
        m.put("agentVersion", agentVersion);
        m.put("startedAt", startedAt);
        m.put("finishedAt", finishedAt);
        m.put("bundle", bundle);
        m.put("system", system);
        m.put("environment", environment);
        m.put("summary", counts());
        List<Object> rs = new ArrayList<>();
        for (CheckResult r : results) {
            rs.add(r.toMap());
        }
        m.put("results", rs);
        List<Object> cs = new ArrayList<>();
        for (ContainerResults c : containers) {
            cs.add(c.toMap());
        }
        m.put("containers", cs);
        return m;
    }

    public String toJson() {
        return Json.write(toMap(), 2) + "\n";
    }

    public String toTable() {
        StringBuilder b = new StringBuilder();
        b.append("cakb-agent ").append(agentVersion).append("  report ").append(id).append('\n');
        b.append("host ").append(system.get("hostname")).append("  kernel ").append(system.get("kernel"))
                .append("  os ").append(system.get("osRelease")).append('\n');
        b.append("vantage ").append(environment.get("vantage")).append("  runtime ").append(environment.get("runtime"))
                .append('\n').append('\n');
        int w = 10;
        for (CheckResult r : results) {
            w = Math.max(w, r.id.length());
        }
        pad(b, "STATUS", 15);
        pad(b, "CHECK", w + 2);
        b.append("OBSERVED\n");
        for (CheckResult r : results) {
            pad(b, r.status.toUpperCase(java.util.Locale.ROOT), 15);
            pad(b, r.id, w + 2);
            String o = r.observed == null ? "" : r.observed;
            if (o.length() > 100) {
                o = o.substring(0, 97) + "...";
            }
            b.append(o).append('\n');
            if (!r.status.equals(CheckResult.PASS) && r.explanation != null) {
                pad(b, "", 15 + w + 2);
                b.append("-> ").append(r.explanation).append('\n');
            }
        }
        for (ContainerResults cr : containers) {
            DiscoveredContainer k = cr.container;
            b.append('\n').append("container ").append(k.runtime).append(' ')
                    .append(k.id.length() > 12 && k.id.matches("[0-9a-f]{64}") ? k.id.substring(0, 12) : k.id)
                    .append(k.name == null ? "" : "  name " + k.name).append(k.image == null ? "" : "  image " + k.image)
                    .append("  pid ").append(k.pid).append('\n');
            for (CheckResult r : cr.results) {
                if (r.status.equals(CheckResult.PASS) || r.status.equals(CheckResult.NOT_APPLICABLE)) {
                    continue;
                }
                pad(b, "  " + r.status.toUpperCase(java.util.Locale.ROOT), 15);
                pad(b, r.id, w + 2);
                String o = r.observed == null ? "" : r.observed;
                b.append(o.length() > 100 ? o.substring(0, 97) + "..." : o).append('\n');
            }
            Map<String, Integer> cc = counts(cr.results);
            b.append("  ").append(cc.get(CheckResult.PASS)).append(" pass, ").append(cc.get(CheckResult.FAIL))
                    .append(" fail, ").append(cc.get(CheckResult.NOT_APPLICABLE)).append(" not applicable, ")
                    .append(cc.get(CheckResult.ERROR)).append(" error\n");
        }
        Map<String, Integer> c = counts();
        b.append('\n').append(c.get(CheckResult.PASS)).append(" pass, ").append(c.get(CheckResult.FAIL))
                .append(" fail, ").append(c.get(CheckResult.NOT_APPLICABLE)).append(" not applicable, ")
                .append(c.get(CheckResult.ERROR)).append(" error")
                .append(containers.isEmpty() ? "" : " on the host; " + containers.size() + " containers").append('\n');
        return b.toString();
    }

    private static void pad(StringBuilder b, String s, int width) {
        b.append(s);
        for (int k = s.length(); k < width; k++) {
            b.append(' ');
        }
    }
}
