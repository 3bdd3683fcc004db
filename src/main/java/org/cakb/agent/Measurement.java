package org.cakb.agent;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns an agent report taken inside a container started with a runtime's defaults into a measured
 * platform-defaults record (used by {@code bin/measure-defaults}; the server imports it):
 * per countermeasure the state the checks observed, and the raw kernel values behind the headline defaults
 * (bounding set, seccomp mode, no_new_privs, uid_map).
 *
 * <p>State of a countermeasure, from the applicable (pass/fail) results of its <em>primary</em> checks (those
 * that list it first in {@code verifies}): every one passes: {@code enabled}; every one fails: {@code disabled}; some
 * of each: {@code partial}. Container-vantage checks decide (they see what the runtime set up); only when none of
 * them applies do host/any-vantage checks (kernel-wide settings) decide, and the record says so in {@code basis}.
 * Checks that merely support a countermeasure (listed later in {@code verifies}) are shown but never decide;
 * nothing applicable: {@code unknown}.
 */
final class Measurement {

    static final int FORMAT = 1;
    static final Map<String, String> PLATFORMS = new LinkedHashMap<>();

    static {
        PLATFORMS.put("docker", "platform:docker");
        PLATFORMS.put("runc", "platform:runc");
        PLATFORMS.put("lxc", "platform:lxc");
        PLATFORMS.put("bwrap", "platform:bubblewrap");
        PLATFORMS.put("bubblewrap", "platform:bubblewrap");
        PLATFORMS.put("podman", "platform:podman");
        PLATFORMS.put("containerd", "platform:containerd");
    }

    private static final Pattern CAP_BND = Pattern.compile("CapBnd=([0-9a-f]{16})");
    private static final Pattern SECCOMP = Pattern.compile("Seccomp: (\\d+)");
    private static final Pattern NNP = Pattern.compile("NoNewPrivs: (\\d+)");
    private static final Pattern UID_MAP = Pattern.compile("uid_map: ([0-9 \\n]+)");

    private Measurement() {
    }

    static int command(AgentMain.Options o, PrintStream out, PrintStream err) {
        if (o.report == null || o.runtime == null || o.runtimeVersion == null) {
            err.print("cakb-agent: measurement needs --report FILE --runtime NAME --runtime-version TEXT\n\n" + AgentMain.USAGE);
            return AgentMain.EXIT_USAGE;
        }
        Map<String, Object> m;
        try {
            Object report = Json.parse(new String(AgentFiles.readBounded(Paths.get(o.report), Json.MAX_CHARS), StandardCharsets.UTF_8));
            if (!(report instanceof Map)) {
                throw new IllegalArgumentException("not a JSON object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> r = (Map<String, Object>) report;
            m = from(r, o.runtime, o.runtimeVersion);
            if (o.invocation != null) {
                m.put("invocation", o.invocation);
            }
        } catch (IOException | IllegalArgumentException | ClassCastException e) {
            err.println("cakb-agent: cannot read report " + o.report + ": " + e.getMessage());
            return AgentMain.EXIT_USAGE;
        }
        String text = Json.write(m, true) + "\n";
        if (o.outFile != null) {
            try {
                Files.write(Paths.get(o.outFile), text.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                err.println("cakb-agent: cannot write " + o.outFile + ": " + e.getMessage());
                return AgentMain.EXIT_USAGE;
            }
        } else {
            out.print(text);
        }
        return 0;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> from(Map<String, Object> report, String runtime, String runtimeVersion) {
        Map<String, String> vantage = new java.util.HashMap<>();
        try {
            for (ProbeDefinition p : ProbeBundle.builtIn().probes()) {
                vantage.put(p.id, p.vantage);
            }
        } catch (IOException e) {
            // without the bundle every check counts as a container check
        }
        return from(report, runtime, runtimeVersion, vantage);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> from(Map<String, Object> report, String runtime, String runtimeVersion,
            Map<String, String> vantageOf) {
        List<Object> results = (List<Object>) report.get("results");
        if (results == null) {
            throw new IllegalArgumentException("the report has no results");
        }
        Map<String, Object> system = (Map<String, Object>) report.getOrDefault("system", new LinkedHashMap<>());
        Map<String, Object> env = (Map<String, Object>) report.getOrDefault("environment", new LinkedHashMap<>());

        Map<String, List<Map<String, Object>>> byCm = new TreeMap<>();
        Map<String, Object> raw = new LinkedHashMap<>();
        for (Object o : results) {
            Map<String, Object> r = (Map<String, Object>) o;
            String observed = r.get("observed") == null ? "" : r.get("observed").toString();
            rawValues(observed, raw);
            List<Object> verifies = (List<Object>) r.getOrDefault("verifies", new ArrayList<>());
            String v = vantageOf.getOrDefault(String.valueOf(r.get("id")), "container");
            for (int k = 0; k < verifies.size(); k++) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("id", r.get("id"));
                c.put("status", r.get("status"));
                c.put("observed", r.get("observed"));
                c.put("vantage", v);
                c.put("role", k == 0 ? "primary" : "supporting");
                byCm.computeIfAbsent(verifies.get(k).toString(), x -> new ArrayList<>()).add(c);
            }
        }
        List<Object> cms = new ArrayList<>();
        for (Map.Entry<String, List<Map<String, Object>>> e : byCm.entrySet()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("id", e.getKey());
            String basis = "container";
            String st = state(e.getValue(), true);
            if (st.equals("unknown")) {
                st = state(e.getValue(), false);
                basis = st.equals("unknown") ? "none" : "host";
            }
            c.put("state", st);
            c.put("basis", basis);
            c.put("checks", e.getValue());
            cms.add(c);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", (long) FORMAT);
        m.put("measurementId", report.get("reportId"));
        m.put("status", "measured");
        m.put("runtime", runtime);
        m.put("platform", PLATFORMS.get(runtime));
        m.put("runtimeVersion", runtimeVersion);
        m.put("kernel", system.get("kernel"));
        m.put("measuredAt", report.get("finishedAt"));
        m.put("sourceReport", report.get("reportId"));
        m.put("agentVersion", report.get("agentVersion"));
        Map<String, Object> where = new LinkedHashMap<>();
        where.put("vantage", env.get("vantage"));
        where.put("runtime", env.get("runtime"));
        m.put("environment", where);
        m.put("raw", raw);
        m.put("countermeasures", cms);
        return m;
    }

    static String state(List<Map<String, Object>> checks, boolean container) {
        int pass = 0;
        int fail = 0;
        for (Map<String, Object> c : checks) {
            if (!"primary".equals(c.get("role")) || container != "container".equals(c.get("vantage"))) {
                continue;
            }
            Object s = c.get("status");
            if (CheckResult.PASS.equals(s)) {
                pass++;
            } else if (CheckResult.FAIL.equals(s)) {
                fail++;
            }
        }
        if (pass + fail == 0) {
            return "unknown";
        }
        return fail == 0 ? "enabled" : pass == 0 ? "disabled" : "partial";
    }

    /** Picks the kernel's own values out of the checks' observations (first occurrence wins). */
    static void rawValues(String observed, Map<String, Object> raw) {
        Matcher m = CAP_BND.matcher(observed);
        if (!raw.containsKey("CapBnd") && m.find()) {
            long mask = Capabilities.parseMask(m.group(1));
            raw.put("CapBnd", m.group(1));
            List<String> names = Capabilities.names(mask);
            raw.put("capBndCount", (long) names.size());
            raw.put("capBndNames", new ArrayList<Object>(names));
        }
        m = SECCOMP.matcher(observed);
        if (!raw.containsKey("Seccomp") && m.find()) {
            raw.put("Seccomp", m.group(1));
        }
        m = NNP.matcher(observed);
        if (!raw.containsKey("NoNewPrivs") && m.find()) {
            raw.put("NoNewPrivs", m.group(1));
        }
        m = UID_MAP.matcher(observed);
        if (!raw.containsKey("uid_map") && m.find()) {
            raw.put("uid_map", m.group(1).trim().replaceAll("\\s+", " "));
        }
    }
}
