package org.cakb.probe;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Command line of the probe agent: {@code run}, {@code list-checks}, {@code version}.
 * Exit codes: 0 all checks pass (or are not applicable), 1 at least one fails or errors, 2 usage or internal error.
 */
public final class AgentMain {
    static final String USAGE = String.join("\n",
            "Usage: java -jar cakb-agent.jar <command> [options]",
            "",
            "Commands:",
            "  run            run every check and print the report",
            "    --format json|table   report format (default json)",
            "    --out FILE            write the report to FILE instead of standard output",
            "    --probes FILE         use this probe bundle (JSON) instead of the built-in one",
            "    --vantage auto|host|container",
            "                          override the detected vantage (e.g. a sandbox the detector does",
            "                          not recognise as a container); default auto",
            "  list-checks    list every check with the countermeasure ids it verifies",
            "    --format json|table   (default table)",
            "    --probes FILE",
            "  version        print the agent version",
            "  help           print this text",
            "",
            "Exit codes: 0 every check passed or was not applicable; 1 at least one check failed or",
            "could not be evaluated (error); 2 usage or internal error.",
            "The agent only reads files under /proc, /sys and /etc; it runs no commands.",
            "");

    private AgentMain() {
    }

    public static void main(String[] args) {
        int code;
        try {
            code = run(args, System.out, System.err, SystemFiles.live());
        } catch (RuntimeException e) {
            System.err.println("cakb-agent: internal error: " + e);
            code = 2;
        }
        System.out.flush();
        System.exit(code);
    }

    static String version() {
        try (InputStream in = AgentMain.class.getResourceAsStream("/org/cakb/probe/agent.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.startsWith("${")) {
                    return v;
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return "dev";
    }

    /** Entry point for tests and embedding: returns the exit code instead of exiting. */
    public static int run(String[] args, PrintStream out, PrintStream err, SystemFiles fs) {
        if (args.length == 0) {
            err.print(USAGE);
            return 2;
        }
        String cmd = args[0];
        String format = null;
        String outFile = null;
        String probes = null;
        String vantage = "auto";
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            String val = null;
            int eq = a.indexOf('=');
            String name = eq > 0 ? a.substring(0, eq) : a;
            if (eq > 0) {
                val = a.substring(eq + 1);
            } else if ((a.equals("--format") || a.equals("--out") || a.equals("--probes") || a.equals("--vantage")) && i + 1 < args.length) {
                val = args[++i];
            }
            switch (name) {
                case "--format": format = val; break;
                case "--out": outFile = val; break;
                case "--probes": probes = val; break;
                case "--vantage": vantage = val; break;
                default:
                    err.print("cakb-agent: unknown option " + a + "\n\n" + USAGE);
                    return 2;
            }
            if (val == null) {
                err.print("cakb-agent: option " + name + " needs a value\n\n" + USAGE);
                return 2;
            }
        }
        if (format != null && !format.equals("json") && !format.equals("table")) {
            err.print("cakb-agent: --format must be json or table\n\n" + USAGE);
            return 2;
        }
        if (!vantage.equals("auto") && !vantage.equals("host") && !vantage.equals("container")) {
            err.print("cakb-agent: --vantage must be auto, host or container\n\n" + USAGE);
            return 2;
        }
        switch (cmd) {
            case "version":
            case "--version":
                out.println("cakb-agent " + version());
                return 0;
            case "help":
            case "--help":
            case "-h":
                out.print(USAGE);
                return 0;
            case "list-checks":
                return listChecks(load(probes, err), format == null ? "table" : format, out, err);
            case "run":
                return runChecks(load(probes, err), format == null ? "json" : format, outFile, out, err, fs, vantage);
            default:
                err.print("cakb-agent: unknown command " + cmd + "\n\n" + USAGE);
                return 2;
        }
    }

    private static ProbeBundle load(String probes, PrintStream err) {
        try {
            return probes == null ? ProbeBundle.builtIn() : ProbeBundle.fromFile(Paths.get(probes));
        } catch (IOException | IllegalArgumentException e) {
            err.println("cakb-agent: cannot load probe bundle: " + e.getMessage());
            return null;
        }
    }

    private static int listChecks(ProbeBundle b, String format, PrintStream out, PrintStream err) {
        if (b == null) {
            return 2;
        }
        if (format.equals("json")) {
            List<Object> l = new ArrayList<>();
            for (ProbeDefinition p : b.probes()) {
                java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
                m.put("id", p.id);
                m.put("title", p.title);
                m.put("checkType", p.checkType());
                m.put("vantage", p.vantage);
                m.put("severity", p.severity);
                m.put("verifies", p.verifies);
                l.add(m);
            }
            out.print(Json.write(l, true) + "\n");
            return 0;
        }
        int w = 10;
        for (ProbeDefinition p : b.probes()) {
            w = Math.max(w, p.id.length());
        }
        StringBuilder sb = new StringBuilder();
        for (ProbeDefinition p : b.probes()) {
            sb.append(p.id);
            for (int k = p.id.length(); k < w + 2; k++) {
                sb.append(' ');
            }
            sb.append(String.join(", ", p.verifies)).append('\n');
        }
        sb.append(b.probes().size()).append(" checks\n");
        out.print(sb);
        return 0;
    }

    static Report buildReport(ProbeBundle b, SystemFiles fs, String vantage) {
        Report r = new Report(version());
        r.bundle = b.origin() + " (" + b.probes().size() + " probes)";
        Checks.Context cx = new Checks.Context(fs, vantage);
        r.system.put("hostname", fs.readTrim("/proc/sys/kernel/hostname"));
        r.system.put("kernel", cx.kernel);
        r.system.put("osRelease", osRelease(fs));
        r.system.put("arch", System.getProperty("os.arch"));
        r.system.put("javaVersion", System.getProperty("java.version"));
        r.system.put("uid", cx.status.column("Uid", 1));
        r.system.put("cgroupMode", cx.cgroups.mode());
        r.environment.put("vantage", cx.env.vantage);
        r.environment.put("runtime", cx.env.runtime);
        r.environment.put("vantageSource", vantage.equals("auto") ? "detected" : "--vantage option");
        r.environment.put("evidence", cx.env.evidence);
        Checks checks = new Checks(cx);
        for (ProbeDefinition p : b.probes()) {
            r.results.add(checks.run(p));
        }
        r.finishedAt = Report.isoUtc(System.currentTimeMillis());
        return r;
    }

    static String osRelease(SystemFiles fs) {
        String t = fs.read("/etc/os-release");
        if (t == null) {
            t = fs.read("/usr/lib/os-release");
        }
        if (t == null) {
            return null;
        }
        for (String line : t.split("\n")) {
            if (line.startsWith("PRETTY_NAME=")) {
                String v = line.substring("PRETTY_NAME=".length()).trim();
                if (v.length() >= 2 && (v.startsWith("\"") || v.startsWith("'"))) {
                    v = v.substring(1, v.length() - 1);
                }
                return v;
            }
        }
        return null;
    }

    private static int runChecks(ProbeBundle b, String format, String outFile, PrintStream out, PrintStream err,
            SystemFiles fs, String vantage) {
        if (b == null) {
            return 2;
        }
        Report r = buildReport(b, fs, vantage);
        String text = format.equals("table") ? r.toTable() : r.toJson();
        if (outFile != null) {
            try {
                Path p = Paths.get(outFile);
                Files.write(p, text.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                err.println("cakb-agent: cannot write " + outFile + ": " + e.getMessage());
                return 2;
            }
        } else {
            out.print(text);
        }
        java.util.Map<String, Integer> c = r.counts();
        return c.get(CheckResult.FAIL) + c.get(CheckResult.ERROR) > 0 ? 1 : 0;
    }
}
