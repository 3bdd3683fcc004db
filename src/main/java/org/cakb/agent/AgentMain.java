package org.cakb.agent;

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
    static final int EXIT_USAGE = 2;
    static final int EXIT_REFUSED = 3;
    static final int EXIT_UNREACHABLE = 4;
    static final int DEFAULT_RETRIES = 4;

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
            "    --server URL          also fetch the current probe set from the KB server (falling back to",
            "                          the built-in one when it is unreachable) and submit the report; reports",
            "                          the server cannot take now are spooled and sent first next time;",
            "                          after an acknowledged report only the changes are sent (delta report)",
            "    --full-report         with --server: send the full report even when a delta would do",
            "  enroll         exchange a one-time enrollment token for this host's credential",
            "    --server URL --token TOKEN (or env CAKB_ENROLL_TOKEN)",
            "    --force               replace an existing credential file",
            "  upload FILE    submit a report produced offline (run --out FILE), after any spooled ones",
            "  flush          submit the spooled reports",
            "  rotate-credential  replace this host's credential with a new one from the server (the old",
            "                 one keeps working for a short overlap, until the new one is first used)",
            "    options of run --server, enroll, upload, flush and rotate-credential:",
            "    --credential-file F   default /etc/cakb-agent/credential as root, else",
            "                          $XDG_CONFIG_HOME/cakb-agent/credential; the spool is the folder",
            "                          'spool' next to it",
            "    --ca-file PEM         trust only the CA certificate(s) in PEM for HTTPS (default: the JRE's",
            "                          trust store); remembered by enroll",
            "    --retries N           retries per report with exponential backoff (default 4)",
            "    --insecure-http       allow a plain http:// server that is not on loopback (credential and",
            "                          reports then travel unencrypted); refused without it",
            "  list-checks    list every check with the countermeasure ids it verifies",
            "    --format json|table   (default table)",
            "    --probes FILE",
            "  measurement    turn a report run inside a container into a measured-defaults record",
            "    --report FILE --runtime NAME --runtime-version TEXT [--invocation TEXT] [--out FILE]",
            "  version        print the agent version",
            "  help           print this text",
            "",
            "Exit codes: 0 every check passed or was not applicable (and the report was delivered);",
            "1 at least one check failed or could not be evaluated (error); 2 usage, configuration or",
            "internal error; 3 the server refused (token or credential invalid, expired, reused or",
            "revoked; or a report rejected, see spool/rejected/); 4 the server could not be reached",
            "(reports stay spooled).",
            "The agent reads only what its compiled-in allow-list names (under /proc, /sys, /etc/docker;",
            "see docs/agent.md) and its own state files; it runs no commands. A definition that asks for",
            "anything else gets an error result.",
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
        } catch (StackOverflowError | OutOfMemoryError e) {
            // bounded inputs should make these impossible; if one happens anyway it is an internal error, not a crash
            System.err.println("cakb-agent: internal error: " + e);
            code = 2;
        }
        System.out.flush();
        System.exit(code);
    }

    static String version() {
        try (InputStream in = AgentMain.class.getResourceAsStream("/org/cakb/agent/agent.properties")) {
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
        Options o = new Options();
        java.util.List<String> positional = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                positional.add(a);
                continue;
            }
            if (a.equals("--force")) {
                o.force = true;
                continue;
            }
            if (a.equals("--insecure-http")) {
                o.insecureHttp = true;
                continue;
            }
            if (a.equals("--full-report")) {
                o.fullReport = true;
                continue;
            }
            String val = null;
            int eq = a.indexOf('=');
            String name = eq > 0 ? a.substring(0, eq) : a;
            if (eq > 0) {
                val = a.substring(eq + 1);
            } else if (Options.VALUED.contains(a) && i + 1 < args.length) {
                val = args[++i];
            }
            if (!Options.VALUED.contains(name)) {
                err.print("cakb-agent: unknown option " + a + "\n\n" + USAGE);
                return EXIT_USAGE;
            }
            if (val == null) {
                err.print("cakb-agent: option " + name + " needs a value\n\n" + USAGE);
                return EXIT_USAGE;
            }
            o.put(name, val);
        }
        String format = o.format;
        if (format != null && !format.equals("json") && !format.equals("table")) {
            err.print("cakb-agent: --format must be json or table\n\n" + USAGE);
            return EXIT_USAGE;
        }
        if (!o.vantage.equals("auto") && !o.vantage.equals("host") && !o.vantage.equals("container")) {
            err.print("cakb-agent: --vantage must be auto, host or container\n\n" + USAGE);
            return EXIT_USAGE;
        }
        if (o.retries < 0 || o.retries > 20) {
            err.print("cakb-agent: --retries must be a number from 0 to 20\n\n" + USAGE);
            return EXIT_USAGE;
        }
        int maxPositional = cmd.equals("upload") ? 1 : 0;
        if (positional.size() > maxPositional) {
            err.print("cakb-agent: unexpected argument " + positional.get(maxPositional) + "\n\n" + USAGE);
            return EXIT_USAGE;
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
                return listChecks(load(o.probes, err), format == null ? "table" : format, out, err);
            case "run":
                if (o.server != null) {
                    return Fleet.run(o, format == null ? "json" : format, out, err, fs);
                }
                return runChecks(load(o.probes, err), format == null ? "json" : format, o.outFile, out, err, fs, o.vantage);
            case "enroll":
                return Fleet.enroll(o, out, err, fs);
            case "upload":
                if (positional.isEmpty()) {
                    err.print("cakb-agent: upload needs the report file: upload FILE\n\n" + USAGE);
                    return EXIT_USAGE;
                }
                return Fleet.upload(o, Paths.get(positional.get(0)), out, err, fs);
            case "flush":
                return Fleet.upload(o, null, out, err, fs);
            case "rotate-credential":
                return Fleet.rotateCredential(o, out, err);
            case "measurement":
                return Measurement.command(o, out, err);
            default:
                err.print("cakb-agent: unknown command " + cmd + "\n\n" + USAGE);
                return EXIT_USAGE;
        }
    }

    /** Parsed options of every command. */
    static final class Options {
        static final java.util.Set<String> VALUED = new java.util.HashSet<>(java.util.Arrays.asList("--format", "--out",
                "--probes", "--vantage", "--server", "--token", "--credential-file", "--ca-file", "--retries",
                "--report", "--runtime", "--runtime-version", "--invocation"));
        String format;
        String outFile;
        String probes;
        String vantage = "auto";
        String server;
        String token;
        String credentialFile;
        String caFile;
        int retries = DEFAULT_RETRIES;
        boolean force;
        boolean insecureHttp;
        boolean fullReport;
        String report;
        String runtime;
        String runtimeVersion;
        String invocation;

        void put(String name, String val) {
            switch (name) {
                case "--format": format = val; break;
                case "--out": outFile = val; break;
                case "--probes": probes = val; break;
                case "--vantage": vantage = val; break;
                case "--server": server = val; break;
                case "--token": token = val; break;
                case "--credential-file": credentialFile = val; break;
                case "--ca-file": caFile = val; break;
                case "--report": report = val; break;
                case "--runtime": runtime = val; break;
                case "--runtime-version": runtimeVersion = val; break;
                case "--invocation": invocation = val; break;
                case "--retries":
                    try {
                        retries = Integer.parseInt(val);
                    } catch (NumberFormatException e) {
                        retries = -1;
                    }
                    break;
                default: throw new IllegalArgumentException(name);
            }
        }
    }

    static ProbeBundle load(String probes, PrintStream err) {
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
        if (!cx.env.inContainer()) {
            addContainers(r, b, cx);
        } else {
            r.environment.put("containersScanned", "no: the agent runs inside a container");
        }
        r.finishedAt = Report.isoUtc(System.currentTimeMillis());
        return r;
    }

    /**
     * A host run as root evaluates every container-vantage check against each container's init process. Without root
     * the other processes' namespaces and mount tables are not readable, so no containers are evaluated.
     */
    private static void addContainers(Report r, ProbeBundle b, Checks.Context host) {
        if (!"0".equals(host.status.column("Uid", 1))) {
            r.environment.put("containersScanned", "no: needs root to read other processes' namespaces and mounts");
            return;
        }
        List<ProbeDefinition> perContainer = new ArrayList<>();
        for (ProbeDefinition p : b.probes()) {
            if (p.vantage.equals("container")) {
                perContainer.add(p);
            }
        }
        List<DiscoveredContainer> found = new ContainerDiscovery(host.fs).scan();
        r.environment.put("containersScanned", "yes: " + found.size() + " found");
        for (DiscoveredContainer c : found) {
            Report.ContainerResults cr = new Report.ContainerResults(c);
            Checks checks = new Checks(host.forContainer(c));
            for (ProbeDefinition p : perContainer) {
                cr.results.add(checks.run(p));
            }
            r.containers.add(cr);
        }
    }

    static String osRelease(SystemFiles fs) {
        String t;
        try {
            t = fs.read("/etc/os-release");
            if (t == null) {
                t = fs.read("/usr/lib/os-release");
            }
        } catch (ReadRefused e) {
            return null; // e.g. /etc/os-release links somewhere the allow-list does not name
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

    /** Writes the report to --out or standard output; false (after printing why) when the file cannot be written. */
    static boolean emit(Report r, String format, String outFile, PrintStream out, PrintStream err) {
        String text = format.equals("table") ? r.toTable() : r.toJson();
        if (outFile != null) {
            try {
                Files.write(Paths.get(outFile), text.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                err.println("cakb-agent: cannot write " + outFile + ": " + e.getMessage());
                return false;
            }
        } else {
            out.print(text);
        }
        return true;
    }

    static int verdict(Report r) {
        java.util.Map<String, Integer> c = r.allCounts();
        return c.get(CheckResult.FAIL) + c.get(CheckResult.ERROR) > 0 ? 1 : 0;
    }

    private static int runChecks(ProbeBundle b, String format, String outFile, PrintStream out, PrintStream err,
            SystemFiles fs, String vantage) {
        if (b == null) {
            return 2;
        }
        Report r = buildReport(b, fs, vantage);
        if (!emit(r, format, outFile, out, err)) {
            return 2;
        }
        return verdict(r);
    }
}
