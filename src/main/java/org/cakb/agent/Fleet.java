package org.cakb.agent;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.util.Map;

/**
 * The agent's server commands: {@code enroll}, {@code run --server}, {@code upload FILE} and {@code flush}. Kept out
 * of {@link AgentMain} so that an offline {@code run} does not load the HTTP client.
 */
final class Fleet {

    private Fleet() {
    }

    static Path credentialFile(AgentMain.Options o) {
        if (o.credentialFile != null) {
            return Paths.get(o.credentialFile).toAbsolutePath();
        }
        return AgentFiles.defaultCredentialFile(System.getenv(), effectiveUidIsRoot());
    }

    static boolean effectiveUidIsRoot() {
        String uid = ProcStatus.parse(SystemFiles.live().read("/proc/self/status")).column("Uid", 1);
        return uid != null ? uid.equals("0") : "root".equals(System.getProperty("user.name"));
    }

    private static FleetClient client(String server, String caFile, boolean insecureHttp, PrintStream err) throws ConfigError {
        try {
            FleetClient c = new FleetClient(server, caFile == null ? null : Paths.get(caFile));
            if (c.base().getScheme().equals("http") && !FleetClient.isLoopback(c.base())) {
                if (!insecureHttp) {
                    throw new ConfigError("refusing plain http:// to " + c.base().getHost() + ", which is not loopback: the credential"
                            + " and reports would travel unencrypted. Use https:// (or --insecure-http to accept that)");
                }
                err.println("cakb-agent: warning: " + server + " is plain HTTP (--insecure-http); the credential and reports travel"
                        + " unencrypted. Use https://");
            }
            return c;
        } catch (IllegalArgumentException e) {
            throw new ConfigError(e.getMessage());
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigError("--ca-file: " + e.getMessage());
        }
    }

    static final class ConfigError extends Exception {
        ConfigError(String m) {
            super(m);
        }
    }

    // ------------------------------------------------------------------ enroll

    static int enroll(AgentMain.Options o, PrintStream out, PrintStream err, SystemFiles fs) {
        String token = o.token != null ? o.token : System.getenv("CAKB_ENROLL_TOKEN");
        if (o.server == null || token == null || token.isBlank()) {
            err.print("cakb-agent: enroll needs --server URL and --token TOKEN (or CAKB_ENROLL_TOKEN)\n\n" + AgentMain.USAGE);
            return AgentMain.EXIT_USAGE;
        }
        Path file = credentialFile(o);
        java.util.List<Path> created = java.util.Collections.emptyList();
        try {
            FleetClient c = client(o.server, o.caFile, o.insecureHttp, err);
            if (Files.exists(file) && !o.force) {
                err.println("cakb-agent: " + file + " already holds a credential; use --force to replace it "
                        + "(the old one keeps working until an admin revokes it)");
                return AgentMain.EXIT_USAGE;
            }
            // fail before the single-use token is spent when the credential cannot be stored; a directory made here
            // is removed again when enrollment does not complete, an existing one is never changed
            created = AgentFiles.ensurePrivateDir(file.getParent());
            if (!Files.isWritable(file.getParent())) {
                err.println("cakb-agent: cannot write to " + file.getParent());
                return AgentMain.EXIT_USAGE;
            }
            FleetClient.Answer a = c.enroll(token.strip());
            if (!a.reached()) {
                err.println("cakb-agent: enrollment failed: " + a.problem + " (the token was not used; try again)");
                return AgentMain.EXIT_UNREACHABLE;
            }
            if (a.status != 201) {
                err.println("cakb-agent: enrollment refused by the server (HTTP " + a.status + "): " + a.message());
                return AgentMain.EXIT_REFUSED;
            }
            Object parsed;
            try {
                parsed = Json.parse(a.body);
            } catch (IllegalArgumentException e) {
                parsed = null;
            }
            Map<?, ?> m = parsed instanceof Map ? (Map<?, ?>) parsed : Map.of();
            Object secret = m.get("credential");
            if (!(secret instanceof String) || !((String) secret).matches("[A-Za-z0-9_\\-]{16,200}")) {
                err.println("cakb-agent: the server's answer has no usable credential");
                return AgentMain.EXIT_REFUSED;
            }
            Object key = m.get("bundleSigningKey");
            String bundleKey = null;
            if (key instanceof String) {
                try {
                    BundleSignature.publicKey((String) key);
                    bundleKey = ((String) key).strip();
                } catch (IllegalArgumentException e) {
                    err.println("cakb-agent: warning: the server's bundle signing key is unusable (" + e.getMessage()
                            + "); served probe sets will be refused and the built-in one used");
                }
            } else {
                err.println("cakb-agent: warning: the server sent no bundle signing key; served probe sets will be refused"
                        + " and the built-in one used");
            }
            String hostName = CheckResult.bounded(String.valueOf(m.get("hostName")));
            String hostId = CheckResult.bounded(String.valueOf(m.get("hostId")));
            String caFile = o.caFile == null ? null : Paths.get(o.caFile).toAbsolutePath().toString();
            AgentFiles.writeCredential(file, new AgentFiles.Credential(c.base().toString(), hostId, hostName,
                    (String) secret, caFile, bundleKey));
            created = java.util.Collections.emptyList();
            out.println("cakb-agent: enrolled as host " + hostName + " (id " + hostId + ") at " + c.base()
                    + "; credential stored in " + file + " (mode 0600)");
            return 0;
        } catch (ConfigError e) {
            err.println("cakb-agent: " + e.getMessage());
            return AgentMain.EXIT_USAGE;
        } catch (IOException e) {
            err.println("cakb-agent: cannot store the credential in " + file + ": " + e
                    + " (the token is spent; ask an admin for a new one)");
            return AgentMain.EXIT_USAGE;
        } finally {
            AgentFiles.removeCreated(created);
        }
    }

    // ------------------------------------------------------------------ run --server

    static int run(AgentMain.Options o, String format, PrintStream out, PrintStream err, SystemFiles fs) {
        Path file = credentialFile(o);
        AgentFiles.Credential cred;
        FleetClient c;
        try {
            cred = AgentFiles.readCredential(file);
            c = client(o.server, o.caFile != null ? o.caFile : cred.caFile, o.insecureHttp, err);
        } catch (IOException e) {
            err.println("cakb-agent: " + e.getMessage());
            return AgentMain.EXIT_USAGE;
        } catch (ConfigError e) {
            err.println("cakb-agent: " + e.getMessage());
            return AgentMain.EXIT_USAGE;
        }
        if (cred.server != null && !FleetClient.baseUri(cred.server).equals(c.base())) {
            err.println("cakb-agent: warning: enrolled with " + cred.server + " but submitting to " + c.base());
        }
        ProbeBundle bundle;
        if (o.probes != null) {
            bundle = AgentMain.load(o.probes, err);
            if (bundle == null) {
                return AgentMain.EXIT_USAGE;
            }
        } else {
            bundle = fetchBundle(c, cred.secret, cred.bundleKey, err);
        }
        Report r = AgentMain.buildReport(bundle, fs, o.vantage);
        if (!AgentMain.emit(r, format, o.outFile, out, err)) {
            return AgentMain.EXIT_USAGE;
        }
        Path spool = AgentFiles.spoolDir(file);
        Path state = DeltaReports.stateFile(spool);
        String server = c.base().toString();
        if (!o.fullReport && sentAsDelta(c, cred.secret, r, spool, state, server, err)) {
            return AgentMain.verdict(r);
        }
        byte[] body = r.toJson().getBytes(StandardCharsets.UTF_8);
        try {
            AgentFiles.spool(spool, r.id, body);
        } catch (IOException e) {
            err.println("cakb-agent: cannot spool the report in " + spool + ": " + e);
            return AgentMain.EXIT_USAGE;
        }
        Uploader.Result res = send(c, cred.secret, o.retries, spool, err);
        if (res == null) {
            return AgentMain.EXIT_USAGE;
        }
        rememberAcknowledged(res.acknowledged.contains(r.id), state, r.id, server, r, err);
        int sent = res.exitCode();
        return sent != 0 ? sent : AgentMain.verdict(r);
    }

    /**
     * Sends only what changed since the last acknowledged report ({@link DeltaReports}), when nothing waits in the
     * spool and a delta can describe the change. False when the full report must go the usual way (spooled, retried).
     */
    private static boolean sentAsDelta(FleetClient c, String credential, Report r, Path spool, Path state, String server,
            PrintStream err) {
        try {
            if (!AgentFiles.spooled(spool).isEmpty()) {
                return false;
            }
        } catch (IOException e) {
            return false;
        }
        long now = System.currentTimeMillis();
        Map<String, Object> delta = DeltaReports.delta(r, DeltaReports.load(state), server, now);
        if (delta == null) {
            return false;
        }
        byte[] body = (Json.write(delta, 2) + "\n").getBytes(StandardCharsets.UTF_8);
        FleetClient.Answer a = c.submit(credential, body);
        if (a.status == 201 || a.status == 200) {
            String id = (String) delta.get("reportId");
            rememberAcknowledged(true, state, id, server, r, err);
            err.println("cakb-agent: " + c.base() + ": delta report stored (" + body.length + " bytes, against report "
                    + delta.get("baseReportId") + ")");
            return true;
        }
        if (a.status == 409) {
            err.println("cakb-agent: the server asks for a full report (" + a.message() + "); sending one");
        } else {
            err.println("cakb-agent: the delta report was not taken (" + Uploader.describe(a) + "); spooling the full report");
        }
        DeltaReports.forget(state);
        return false;
    }

    private static void rememberAcknowledged(boolean acknowledged, Path state, String reportId, String server, Report r,
            PrintStream err) {
        if (!acknowledged) {
            DeltaReports.forget(state);
            return;
        }
        try {
            DeltaReports.save(state, reportId, server, r, System.currentTimeMillis());
        } catch (IOException e) {
            err.println("cakb-agent: cannot keep the acknowledged state in " + state + " (" + e + "); the next run sends a full report");
            DeltaReports.forget(state);
        }
    }

    static ProbeBundle fetchBundle(FleetClient c, String credential, String bundleKey, PrintStream err) {
        FleetClient.Answer a = c.probes(credential);
        if (a.status == 200) {
            String problem = BundleSignature.problem(a.raw, a.signature, bundleKey);
            if (problem != null) {
                err.println("cakb-agent: refusing the server's probe set: " + problem + "; using the built-in one");
            } else {
                try {
                    return ProbeBundle.parse(a.body, "server " + c.base());
                } catch (RuntimeException e) {
                    err.println("cakb-agent: the server's probe set is unusable (" + CheckResult.bounded(e.getMessage())
                            + "); using the built-in one");
                }
            }
        } else if (!a.reached()) {
            err.println("cakb-agent: " + a.problem + "; using the built-in probe set");
        } else {
            err.println("cakb-agent: the server did not give the probe set (HTTP " + a.status + ": " + a.message()
                    + "); using the built-in one");
        }
        try {
            return ProbeBundle.builtIn();
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ rotate-credential

    /** The stored credential and a client for its server (or --server), as rotate-credential, upload and flush need. */
    private static final class Enrolled {
        final AgentFiles.Credential credential;
        final FleetClient client;

        Enrolled(AgentFiles.Credential credential, FleetClient client) {
            this.credential = credential;
            this.client = client;
        }
    }

    /** Null after printing why when the credential cannot be read or there is no usable server. */
    private static Enrolled enrolled(AgentMain.Options o, Path file, PrintStream err) {
        try {
            AgentFiles.Credential cred = AgentFiles.readCredential(file);
            String server = o.server != null ? o.server : cred.server;
            if (server == null) {
                err.println("cakb-agent: no server: give --server URL");
                return null;
            }
            return new Enrolled(cred, client(server, o.caFile != null ? o.caFile : cred.caFile, o.insecureHttp, err));
        } catch (IOException | ConfigError e) {
            err.println("cakb-agent: " + e.getMessage());
            return null;
        }
    }

    /**
     * Asks the server for a new credential with the current one and stores it in place of the old (atomically, same
     * file, same mode). The server keeps the old one working for a short overlap, so a run in flight is not refused.
     */
    static int rotateCredential(AgentMain.Options o, PrintStream out, PrintStream err) {
        Path file = credentialFile(o);
        Enrolled enrolled = enrolled(o, file, err);
        if (enrolled == null) {
            return AgentMain.EXIT_USAGE;
        }
        AgentFiles.Credential cred = enrolled.credential;
        FleetClient c = enrolled.client;
        if (!Files.isWritable(file) || !Files.isWritable(file.getParent())) {
            err.println("cakb-agent: cannot write " + file + "; nothing was asked of the server");
            return AgentMain.EXIT_USAGE;
        }
        FleetClient.Answer a = c.rotate(cred.secret);
        if (!a.reached()) {
            err.println("cakb-agent: rotation failed: " + a.problem + " (the credential is unchanged)");
            return AgentMain.EXIT_UNREACHABLE;
        }
        if (a.status != 201) {
            err.println("cakb-agent: the server refused the rotation (HTTP " + a.status + "): " + a.message()
                    + " (the credential is unchanged)");
            return AgentMain.EXIT_REFUSED;
        }
        Object parsed;
        try {
            parsed = Json.parse(a.body);
        } catch (IllegalArgumentException e) {
            parsed = null;
        }
        Object secret = parsed instanceof Map ? ((Map<?, ?>) parsed).get("credential") : null;
        if (!(secret instanceof String) || !((String) secret).matches("[A-Za-z0-9_\\-]{16,200}")) {
            err.println("cakb-agent: the server's answer has no usable credential; the old one keeps working until the"
                    + " rotation overlap ends, then enroll again");
            return AgentMain.EXIT_REFUSED;
        }
        try {
            AgentFiles.writeCredential(file, new AgentFiles.Credential(cred.server, cred.hostId, cred.hostName, (String) secret,
                    cred.caFile, cred.bundleKey));
        } catch (IOException e) {
            err.println("cakb-agent: the server issued a new credential but it could not be stored in " + file + ": " + e
                    + ". The old one keeps working only until the rotation overlap ends; enroll again with a new token");
            return AgentMain.EXIT_USAGE;
        }
        out.println("cakb-agent: credential of host " + cred.hostName + " rotated; the new one is stored in " + file
                + " (mode 0600)");
        return 0;
    }

    // ------------------------------------------------------------------ upload, flush

    static int upload(AgentMain.Options o, Path report, PrintStream out, PrintStream err, SystemFiles fs) {
        Path file = credentialFile(o);
        Enrolled enrolled = enrolled(o, file, err);
        if (enrolled == null) {
            return AgentMain.EXIT_USAGE;
        }
        AgentFiles.Credential cred = enrolled.credential;
        FleetClient c = enrolled.client;
        Path spool = AgentFiles.spoolDir(file);
        if (report != null) {
            byte[] body;
            String id;
            try {
                body = AgentFiles.readBounded(report, Json.MAX_CHARS);
                Object root = Json.parse(new String(body, StandardCharsets.UTF_8));
                Object rid = root instanceof Map ? ((Map<?, ?>) root).get("reportId") : null;
                if (!(rid instanceof String) || !((String) rid).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")) {
                    err.println("cakb-agent: " + report + " is not an agent report (no reportId); produce one with run --format json --out FILE");
                    return AgentMain.EXIT_USAGE;
                }
                id = (String) rid;
            } catch (IOException e) {
                err.println("cakb-agent: cannot read " + report + ": " + e.getMessage());
                return AgentMain.EXIT_USAGE;
            } catch (IllegalArgumentException e) {
                err.println("cakb-agent: " + report + " is not JSON: " + e.getMessage());
                return AgentMain.EXIT_USAGE;
            }
            try {
                AgentFiles.spool(spool, id, body);
            } catch (IOException e) {
                err.println("cakb-agent: cannot spool " + report + " in " + spool + ": " + e);
                return AgentMain.EXIT_USAGE;
            }
        }
        return deliver(c, cred.secret, o.retries, spool, err);
    }

    /** Sends the spool; prints what happened; returns 0, 3 (refused or rejected) or 4 (kept for later). */
    static int deliver(FleetClient c, String credential, int retries, Path spool, PrintStream err) {
        Uploader.Result res = send(c, credential, retries, spool, err);
        return res == null ? AgentMain.EXIT_USAGE : res.exitCode();
    }

    /** Sends the spool and prints what happened; null (after printing why) when the spool cannot be used. */
    private static Uploader.Result send(FleetClient c, String credential, int retries, Path spool, PrintStream err) {
        Uploader.Result res;
        try {
            res = new Uploader(c, credential, retries, err).flush(spool);
        } catch (IOException e) {
            err.println("cakb-agent: spool " + spool + ": " + e);
            return null;
        }
        StringBuilder b = new StringBuilder("cakb-agent: ").append(c.base()).append(": ")
                .append(res.delivered).append(" report(s) stored");
        if (res.duplicates > 0) {
            b.append(", ").append(res.duplicates).append(" already stored");
        }
        if (res.rejected > 0) {
            b.append(", ").append(res.rejected).append(" rejected (see ").append(spool.resolve("rejected")).append(')');
        }
        if (res.remaining > 0) {
            b.append(", ").append(res.remaining).append(" kept in ").append(spool).append(" for the next run");
        }
        err.println(b);
        if (res.lastProblem != null) {
            err.println("cakb-agent: " + res.lastProblem);
        }
        return res;
    }
}
