package org.cakb.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The BUILT agent jar against the PACKAGED server (target/quarkus-app), both as real processes on loopback, with
 * the test database (TEST_DB_URL, role cakb_test): enrollment, credential file, run --server, token and credential
 * failures, HTTPS with --ca-file, and spool-and-resend while the server is stopped and restarted. Runs in failsafe
 * ({@code ./mvnw verify}) because it needs both packages.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetAgentIT {
    static final String ADMIN = "admin";
    static final String ADMIN_PASSWORD = "test-admin-password";
    static final String DB_URL = env("TEST_DB_URL", "jdbc:postgresql://127.0.0.1:5432/cakb_test");
    static final String DB_USER = env("TEST_DB_USER", "cakb_test");
    static final String DB_PASSWORD = env("TEST_DB_PASSWORD", "cakb_test");

    static Path jar;
    static Path app;
    static Path project;
    static String java;
    static Path work;
    static int port;
    static int tlsPort;
    static Process server;
    static Path serverLog;
    static Path caPem;
    static Path otherCaPem;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final String RUN = Long.toString(ProcessHandle.current().pid());

    static String env(String k, String d) {
        String v = System.getenv(k);
        return v == null || v.isBlank() ? d : v;
    }

    @BeforeAll
    static void startServer() throws Exception {
        Assumptions.assumeTrue(System.getProperty("cakb.agent.jar") != null,
                "integration test: runs in failsafe (mvn verify) against the packaged agent and server");
        project = Paths.get(System.getProperty("cakb.project.dir", ".")).toAbsolutePath();
        jar = Paths.get(System.getProperty("cakb.agent.jar")).toAbsolutePath();
        app = project.resolve("target/quarkus-app/quarkus-run.jar");
        assertTrue(Files.isRegularFile(jar), "agent jar not built: " + jar);
        assertTrue(Files.isRegularFile(app), "server not packaged: " + app);
        java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        work = Files.createTempDirectory("cakb-fleet-it");
        port = freePort();
        tlsPort = freePort();
        // a self-signed server certificate for localhost/127.0.0.1, and an unrelated one
        caPem = certificate("server", "dns:localhost");
        otherCaPem = certificate("other", "dns:localhost");
        start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        stop();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static Path certificate(String name, String san) throws Exception {
        Path ks = work.resolve(name + ".p12");
        AgentRuntimesIT.Proc g = AgentRuntimesIT.run(List.of(Paths.get(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=cakb-it-" + name,
                "-ext", "SAN=" + san, "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(),
                "-storepass", "changeit"), 60);
        assertEquals(0, g.code, g.err);
        Path pem = work.resolve(name + ".pem");
        AgentRuntimesIT.Proc e = AgentRuntimesIT.run(List.of(Paths.get(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-exportcert", "-rfc", "-alias", name, "-keystore", ks.toString(), "-storepass", "changeit",
                "-file", pem.toString()), 60);
        assertEquals(0, e.code, e.err);
        return pem;
    }

    static void start() throws Exception {
        serverLog = work.resolve("server.log");
        ProcessBuilder pb = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-jar", app.toString())
                .directory(project.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(serverLog.toFile()));
        Map<String, String> e = pb.environment();
        e.put("DB_URL", DB_URL);
        e.put("DB_USER", DB_USER);
        e.put("DB_PASSWORD", DB_PASSWORD);
        e.put("CAKB_HOME", project.toString());
        e.put("CAKB_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
        e.put("CAKB_SESSION_KEY", "it-session-encryption-key-0123456789abcdef");
        e.put("CAKB_CSRF_KEY", "it-csrf-signature-key-0123456789abcdef");
        e.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        e.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        e.put("QUARKUS_HTTP_SSL_PORT", Integer.toString(tlsPort));
        e.put("QUARKUS_HTTP_SSL_CERTIFICATE_KEY_STORE_FILE", work.resolve("server.p12").toString());
        e.put("QUARKUS_HTTP_SSL_CERTIFICATE_KEY_STORE_PASSWORD", "changeit");
        server = pb.start();
        long deadline = System.currentTimeMillis() + 180_000;
        while (System.currentTimeMillis() < deadline) {
            if (!server.isAlive()) {
                fail("server exited with " + server.exitValue() + ":\n" + Files.readString(serverLog));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException ex) {
                // not yet
            }
            Thread.sleep(300);
        }
        fail("server did not become ready in 180 s:\n" + Files.readString(serverLog));
    }

    static void stop() throws Exception {
        if (server != null && server.isAlive()) {
            server.destroy();
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
        server = null;
    }

    static String url() {
        return "http://127.0.0.1:" + port;
    }

    // ------------------------------------------------------------------ admin side

    static String basic() {
        return "Basic " + Base64.getEncoder().encodeToString((ADMIN + ":" + ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> admin(String method, String path, String body, int expect) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).header("Authorization", basic())
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body == null ? "{}" : body)); // API writes with Basic always carry JSON
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(expect, r.statusCode(), method + " " + path + ": " + r.body());
        Object o = Json.parse(r.body());
        return o instanceof Map ? (Map<String, Object>) o : Map.of("list", o);
    }

    @SuppressWarnings("unchecked")
    static long registerHost(String name) throws Exception {
        Map<String, Object> h = admin("POST", "/api/v1/hosts", "{\"name\": \"" + name + "\"}", 201);
        return ((Number) ((Map<String, Object>) h.get("host")).get("id")).longValue();
    }

    static String token(long hostId) throws Exception {
        return (String) admin("POST", "/api/v1/hosts/" + hostId + "/enrollment-tokens", "{\"lifetimeHours\": 1}", 201).get("token");
    }

    static long sql(String query) throws Exception {
        try (Connection c = DriverManager.getConnection(DB_URL, DB_USER, DB_PASSWORD);
             Statement s = c.createStatement()) {
            if (!query.trim().toUpperCase().startsWith("SELECT")) {
                return s.executeUpdate(query);
            }
            try (ResultSet r = s.executeQuery(query)) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    static long reports(long hostId) throws Exception {
        return sql("SELECT count(*) FROM fleet_report WHERE host_id = " + hostId);
    }

    // ------------------------------------------------------------------ agent side

    static AgentRuntimesIT.Proc agent(String... args) throws Exception {
        List<String> c = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-jar", jar.toString()));
        c.addAll(Arrays.asList(args));
        return AgentRuntimesIT.run(c, 180);
    }

    static List<Path> spooled(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
    }

    static String reportId(Path report) throws IOException {
        return (String) ((Map<?, ?>) Json.parse(Files.readString(report))).get("reportId");
    }

    // ------------------------------------------------------------------ tests

    @Test
    @Order(1)
    @SuppressWarnings("unchecked")
    void enrollThenRunStoresAReportVisibleOnTheHost() throws Exception {
        long host = registerHost("it-agent-" + RUN);
        String token = token(host);
        Path dir = work.resolve("a1");
        Path cred = dir.resolve("credential");
        AgentRuntimesIT.Proc e = agent("enroll", "--server", url(), "--token", token, "--credential-file", cred.toString());
        assertEquals(0, e.code, e.out + e.err);
        assertTrue(e.out.contains("enrolled as host it-agent-" + RUN), e.out);
        String secret = Files.readString(cred).lines().filter(l -> l.startsWith("credential=")).findFirst().orElseThrow()
                .substring("credential=".length());
        assertTrue(secret.startsWith("cakb_agent_"));
        assertFalse(e.out.contains(secret) || e.err.contains(secret), "the credential is never printed");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cred)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals(1, sql("SELECT count(*) FROM fleet_credential WHERE host_id = " + host + " AND revoked_at IS NULL"));

        // enrolling again over an existing credential needs --force
        assertEquals(2, agent("enroll", "--server", url(), "--token", token(host), "--credential-file", cred.toString()).code);

        Path out = dir.resolve("report.json");
        AgentRuntimesIT.Proc r = agent("run", "--server", url(), "--credential-file", cred.toString(), "--out", out.toString());
        assertTrue(r.code == 0 || r.code == 1, "verdict exit code, got " + r.code + ": " + r.err);
        assertTrue(r.err.contains("1 report(s) stored"), r.err);
        assertFalse(r.err.contains("built-in probe set"), "the probe set came from the server: " + r.err);
        String id = reportId(out);
        assertEquals(1, reports(host));
        assertEquals(1, sql("SELECT count(*) FROM fleet_report WHERE id = '" + id + "' AND host_id = " + host));
        assertTrue(spooled(dir.resolve("spool")).isEmpty(), "spool emptied after 201");
        Map<String, Object> detail = admin("GET", "/api/v1/hosts/" + host, null, 200);
        Map<String, Object> h = (Map<String, Object>) detail.get("host");
        assertEquals(id, h.get("latestReport"));
        assertEquals("host", h.get("vantage"));
        assertTrue(((List<Object>) detail.get("results")).size() >= 40);
        assertTrue(((String) ((Map<String, Object>) Json.parse(Files.readString(out))).get("bundle")).startsWith("server "));

        // the next run sends only what changed against the acknowledged report: a delta of a few hundred bytes
        Path state = dir.resolve("acknowledged.json");
        assertTrue(Files.exists(state), "the acknowledged state is kept next to the spool");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state)));
        assertFalse(Files.readString(state).contains("observed"), "the state holds digests, never the observations");
        AgentRuntimesIT.Proc d = agent("run", "--server", url(), "--credential-file", cred.toString(), "--out", out.toString());
        assertTrue(d.code == 0 || d.code == 1, d.err);
        Matcher m = Pattern.compile("delta report stored \\((\\d+) bytes, against report " + id).matcher(d.err);
        assertTrue(m.find(), d.err);
        assertTrue(Integer.parseInt(m.group(1)) < Files.size(out), "the delta is smaller than the full report: " + d.err);
        assertEquals(2, reports(host));
        String deltaId = (String) ((Map<String, Object>) Json.parse(Files.readString(state))).get("reportId");
        assertEquals(1, sql("SELECT count(*) FROM fleet_report WHERE id = '" + deltaId + "' AND base_report_id = '" + id + "'"));
        assertEquals(deltaId, ((Map<String, Object>) admin("GET", "/api/v1/hosts/" + host, null, 200).get("host")).get("latestReport"));

        // --full-report sends the whole report
        AgentRuntimesIT.Proc full = agent("run", "--server", url(), "--credential-file", cred.toString(), "--out", out.toString(),
                "--full-report");
        assertTrue(full.err.contains("1 report(s) stored") && !full.err.contains("delta"), full.err);
        assertEquals(3, reports(host));

        // a base the server does not hold: 409, and the agent sends the full report in the same run
        Files.writeString(state, Files.readString(state).replaceFirst("\"reportId\": \"[^\"]+\"",
                "\"reportId\": \"00000000-0000-4000-8000-000000000001\""));
        AgentRuntimesIT.Proc healed = agent("run", "--server", url(), "--credential-file", cred.toString(), "--out", out.toString());
        assertTrue(healed.err.contains("asks for a full report") && healed.err.contains("1 report(s) stored"), healed.err);
        assertEquals(reportId(out), ((Map<String, Object>) Json.parse(Files.readString(state))).get("reportId"));
        assertEquals(4, reports(host));

        // rotate-credential: the file holds a new secret (same mode), which the next run uses
        AgentRuntimesIT.Proc rot = agent("rotate-credential", "--credential-file", cred.toString());
        assertEquals(0, rot.code, rot.out + rot.err);
        String rotated = Files.readString(cred).lines().filter(l -> l.startsWith("credential=")).findFirst().orElseThrow()
                .substring("credential=".length());
        assertNotEquals(secret, rotated);
        assertFalse(rot.out.contains(rotated) || rot.err.contains(rotated), "the credential is never printed");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cred)));
        assertEquals(1, sql("SELECT count(*) FROM fleet_credential WHERE host_id = " + host + " AND rotated_to IS NOT NULL"));
        AgentRuntimesIT.Proc after = agent("run", "--server", url(), "--credential-file", cred.toString(), "--out", out.toString());
        assertTrue(after.code == 0 || after.code == 1, after.err);
        assertEquals(5, reports(host));
    }

    @Test
    @Order(2)
    void expiredReusedUnknownAndRevokedAreRefusedWithExit3() throws Exception {
        long host = registerHost("it-refused-" + RUN);
        Path dir = work.resolve("a2");
        Path cred = dir.resolve("credential");

        String expired = token(host);
        sql("UPDATE fleet_enrollment_token SET expires_at = now() - interval '1 minute' WHERE host_id = " + host);
        AgentRuntimesIT.Proc x = agent("enroll", "--server", url(), "--token", expired, "--credential-file", cred.toString());
        assertEquals(3, x.code, x.err);
        assertTrue(x.err.contains("expired"), x.err);
        assertFalse(Files.exists(cred));

        AgentRuntimesIT.Proc u = agent("enroll", "--server", url(), "--token", "cakb_enroll_guessed", "--credential-file", cred.toString());
        assertEquals(3, u.code, u.err);
        assertTrue(u.err.contains("unknown enrollment token"), u.err);

        String ok = token(host);
        assertEquals(0, agent("enroll", "--server", url(), "--token", ok, "--credential-file", cred.toString()).code);
        AgentRuntimesIT.Proc again = agent("enroll", "--server", url(), "--token", ok, "--credential-file",
                dir.resolve("other").toString());
        assertEquals(3, again.code, again.err);
        assertTrue(again.err.contains("already used"), again.err);

        admin("POST", "/api/v1/hosts/" + host + "/revoke", null, 200);
        AgentRuntimesIT.Proc revoked = agent("run", "--server", url(), "--credential-file", cred.toString(), "--out",
                dir.resolve("r.json").toString(), "--retries", "0");
        assertEquals(3, revoked.code, revoked.err);
        assertTrue(revoked.err.contains("revoked"), revoked.err);
        assertEquals(0, reports(host));
        assertEquals(1, spooled(dir.resolve("spool")).size(), "a refused report stays spooled (not lost)");

        // usage and configuration errors: exit 2
        assertEquals(2, agent("enroll", "--server", url()).code);
        assertEquals(2, agent("run", "--server", url(), "--credential-file", work.resolve("none/credential").toString()).code);
        assertEquals(2, agent("enroll", "--server", "ftp://x", "--token", "t", "--credential-file", work.resolve("c3").toString()).code);
        assertEquals(2, agent("upload").code);
        Files.setPosixFilePermissions(cred, PosixFilePermissions.fromString("rw-r--r--"));
        AgentRuntimesIT.Proc loose = agent("flush", "--credential-file", cred.toString());
        assertEquals(2, loose.code);
        assertTrue(loose.err.contains("chmod 600"), loose.err);
    }

    @Test
    @Order(3)
    void httpsWithCaFileAndHostnameVerification() throws Exception {
        long host = registerHost("it-tls-" + RUN);
        Path dir = work.resolve("a3");
        Path cred = dir.resolve("credential");
        String tls = "https://localhost:" + tlsPort;
        // the JRE trust store does not know the test CA
        AgentRuntimesIT.Proc untrusted = agent("enroll", "--server", tls, "--token", token(host), "--credential-file", cred.toString());
        assertEquals(4, untrusted.code, untrusted.err);
        assertTrue(untrusted.err.contains("TLS"), untrusted.err);
        // another CA: refused too
        String t = token(host);
        assertEquals(4, agent("enroll", "--server", tls, "--token", t, "--ca-file", otherCaPem.toString(),
                "--credential-file", cred.toString()).code);
        // the right CA, but an address the certificate does not name (it names only localhost): hostname verification
        AgentRuntimesIT.Proc wrongName = agent("enroll", "--server", "https://127.0.0.1:" + tlsPort, "--token", t,
                "--ca-file", caPem.toString(), "--credential-file", cred.toString());
        assertEquals(4, wrongName.code, wrongName.err);
        assertTrue(wrongName.err.contains("TLS"), wrongName.err);
        // the right CA and name; the CA file is remembered for run
        AgentRuntimesIT.Proc ok = agent("enroll", "--server", tls, "--token", t, "--ca-file", caPem.toString(),
                "--credential-file", cred.toString());
        assertEquals(0, ok.code, ok.err);
        AgentRuntimesIT.Proc r = agent("run", "--server", tls, "--credential-file", cred.toString(), "--out",
                dir.resolve("r.json").toString());
        assertTrue(r.code == 0 || r.code == 1, r.err);
        assertEquals(1, reports(host));
    }

    @Test
    @Order(4)
    void spoolAndResendWhileTheServerIsStoppedAndRestarted() throws Exception {
        long host = registerHost("it-spool-" + RUN);
        Path dir = work.resolve("a4");
        Path cred = dir.resolve("credential");
        Path spool = dir.resolve("spool");
        assertEquals(0, agent("enroll", "--server", url(), "--token", token(host), "--credential-file", cred.toString()).code);
        // a report produced offline, and one the server will refuse (unknown check id)
        Path offline = dir.resolve("offline.json");
        AgentRuntimesIT.Proc off = agent("run", "--out", offline.toString());
        assertTrue(off.code == 0 || off.code == 1, off.err);
        Path bad = dir.resolve("bad.json");
        String badJson = agent("run").out.replaceFirst("\"reportId\": \"[^\"]+\"",
                "\"reportId\": \"00000000-0000-4000-8000-" + String.format("%012d", Long.parseLong(RUN)) + "\"")
                .replace("probe:sysctl/kptr-restrict", "probe:made/up");
        Files.writeString(bad, badJson);

        stop();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Path out = dir.resolve("run" + i + ".json");
            AgentRuntimesIT.Proc r = agent("run", "--server", url(), "--credential-file", cred.toString(), "--out",
                    out.toString(), "--retries", "1");
            assertEquals(4, r.code, "server down: exit 4\n" + r.err);
            assertTrue(r.err.contains("using the built-in probe set"), r.err);
            assertTrue(r.err.contains("retrying in"), "backoff retry: " + r.err);
            assertTrue(r.err.contains("kept in"), r.err);
            ids.add(reportId(out));
        }
        assertEquals(4, agent("upload", offline.toString(), "--credential-file", cred.toString(), "--retries", "0").code);
        ids.add(reportId(offline));
        assertEquals(3, spooled(spool).size(), "three reports spooled while the server is down");
        for (Path p : spooled(spool)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(spool)));
        // spool order = submission order
        List<String> order = new ArrayList<>();
        for (Path p : spooled(spool)) {
            order.add(reportId(p));
        }
        assertEquals(ids, order);
        assertEquals(0, reports(host));

        start();
        AgentRuntimesIT.Proc f = agent("flush", "--credential-file", cred.toString());
        assertEquals(0, f.code, f.err);
        assertTrue(f.err.contains("3 report(s) stored"), f.err);
        assertTrue(spooled(spool).isEmpty());
        assertEquals(3, reports(host));
        for (String id : ids) {
            assertEquals(1, sql("SELECT count(*) FROM fleet_report WHERE id = '" + id + "'"), id);
        }
        // stored in the order sent
        assertEquals(1, sql("SELECT count(*) FROM fleet_report a JOIN fleet_report b ON a.received_at < b.received_at "
                + "WHERE a.id = '" + ids.get(0) + "' AND b.id = '" + ids.get(2) + "'"));

        // a resend after a lost answer (the report is still spooled): stored once, spool emptied
        AgentRuntimesIT.Proc dup = agent("upload", offline.toString(), "--credential-file", cred.toString());
        assertEquals(0, dup.code, dup.err);
        assertTrue(dup.err.contains("1 already stored"), dup.err);
        assertEquals(3, reports(host));

        // a report the server rejects goes to rejected/ with the server's message, and is not retried
        AgentRuntimesIT.Proc rej = agent("upload", bad.toString(), "--credential-file", cred.toString());
        assertEquals(3, rej.code, rej.err);
        assertTrue(spooled(spool).isEmpty());
        List<Path> rejected = spooled(spool.resolve("rejected"));
        assertEquals(1, rejected.size());
        String reason = Files.readString(spool.resolve("rejected").resolve(
                rejected.get(0).getFileName().toString().replace(".json", ".reason.txt")));
        assertTrue(reason.contains("422") && reason.contains("unknown check id 'probe:made/up'"), reason);
        assertEquals(0, agent("flush", "--credential-file", cred.toString()).code, "nothing left to send");
        assertEquals(3, reports(host));

        // the next run sends the new report
        AgentRuntimesIT.Proc next = agent("run", "--server", url(), "--credential-file", cred.toString(), "--out",
                dir.resolve("next.json").toString());
        assertTrue(next.code == 0 || next.code == 1, next.err);
        assertEquals(4, reports(host));
    }


    @Test
    @Order(5)
    @SuppressWarnings("unchecked")
    void measuredDefaultsAreImportedAndListed() throws Exception {
        // measure what is quick here (a missing runtime gives a "skipped" record, which is imported as such)
        Path dir = work.resolve("measured");
        AgentRuntimesIT.Proc m = AgentRuntimesIT.run(List.of(project.resolve("bin/measure-defaults").toString(), "--out",
                dir.toString(), "--only", "docker,unshare", "--jar", jar.toString()), 600);
        assertTrue(Files.isRegularFile(dir.resolve("docker.json")) && Files.isRegularFile(dir.resolve("unshare.json")), m.err);
        String body = "[" + Files.readString(dir.resolve("docker.json")) + "," + Files.readString(dir.resolve("unshare.json")) + "]";
        String dockerId = (String) ((Map<String, Object>) Json.parse(Files.readString(dir.resolve("docker.json")))).get("measurementId");
        Map<String, Object> first = admin("POST", "/api/v1/admin/measured-defaults", body, 201);
        assertEquals(2L, ((Number) first.get("imported")).longValue());
        Map<String, Object> again = admin("POST", "/api/v1/admin/measured-defaults", body, 200);
        assertEquals(2L, ((Number) again.get("duplicates")).longValue());
        assertEquals(1, sql("SELECT count(*) FROM measured_run WHERE id = '" + dockerId + "'"));
        List<Object> runs = (List<Object>) admin("GET", "/api/v1/measured-defaults?runtime=docker", null, 200).get("list");
        Map<String, Object> docker = (Map<String, Object>) runs.stream()
                .filter(r -> dockerId.equals(((Map<String, Object>) r).get("id"))).findFirst().orElseThrow();
        if ("measured".equals(docker.get("status"))) {
            assertEquals(14L, ((Number) ((Map<String, Object>) docker.get("raw")).get("capBndCount")).longValue());
            assertTrue(((List<Object>) docker.get("defaults")).stream().anyMatch(d -> "cm:seccomp-filter".equals(
                    ((Map<String, Object>) d).get("countermeasure")) && "enabled".equals(((Map<String, Object>) d).get("state"))));
            assertTrue(sql("SELECT count(*) FROM measured_platform_default WHERE run_id = '" + dockerId + "'") >= 20);
        } else {
            System.out.println("[FleetAgentIT] docker not measured here: " + docker.get("reason"));
        }
    }

    /**
     * The "done when", end to end: an agent enrolled against the running server reports from inside a real
     * Docker container; the report shows on the host, and as probe evidence on a checklist item of an assessment linked
     * to that host, where the admin-assigned assessor accepts it with provenance recorded in the history.
     */
    @Test
    @Order(6)
    @SuppressWarnings("unchecked")
    void agentInADockerContainerBecomesEvidenceOnAChecklistItem() throws Exception {
        String why = AgentRuntimesIT.dockerUnavailable();
        AgentRuntimesIT.requireRuntime(why == null, why);
        long host = registerHost("it-container-" + RUN);
        Path dir = work.resolve("container");
        Path cred = dir.resolve("credential");
        assertEquals(0, agent("enroll", "--server", url(), "--token", token(host), "--credential-file", cred.toString()).code);

        // Docker's defaults, host network only so the agent reaches the server on loopback. The host's JDK runs inside;
        // its security configuration (needed for HTTPS and the HTTP client) may live outside /usr, e.g. /etc/java-17-openjdk.
        Path securityConf = Paths.get(System.getProperty("java.home"), "conf", "security", "java.security").toRealPath().getParent().getParent();
        AgentRuntimesIT.Proc run = AgentRuntimesIT.run(List.of("docker", "run", "--rm", "--network", "host",
                "-v", "/usr:/usr:ro", "-v", "/lib:/lib:ro", "-v", "/lib64:/lib64:ro", "-v", "/etc/alternatives:/etc/alternatives:ro",
                "-v", securityConf + ":" + securityConf + ":ro",
                "-v", jar + ":/agent/cakb-agent.jar:ro", "-v", dir + ":/cakb", AgentRuntimesIT.IMAGE,
                java, "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1", "-jar", "/agent/cakb-agent.jar",
                "run", "--server", url(), "--credential-file", "/cakb/credential", "--out", "/cakb/report.json"), 240);
        assertTrue(run.code == 0 || run.code == 1, "verdict exit code, got " + run.code + ": " + run.err);
        assertTrue(run.err.contains("1 report(s) stored"), run.err);
        String reportId = reportId(dir.resolve("report.json"));
        Map<String, Object> detail = admin("GET", "/api/v1/hosts/" + host, null, 200);
        Map<String, Object> h = (Map<String, Object>) detail.get("host");
        assertEquals(reportId, h.get("latestReport"));
        assertEquals("container", h.get("vantage"));
        assertEquals("docker", h.get("runtime"));

        // an assessment of the no_new_privs requirement, linked to the host, with an assigned assessor
        String requirement = "nistir8176:req/a2-no-new-privs";
        String assessor = "it-assessor-" + RUN;
        admin("POST", "/api/v1/users", "{\"username\": \"" + assessor + "\", \"password\": \"it-assessor-password-" + RUN
                + "\", \"roles\": [\"assessor\"]}", 201);
        Map<String, Object> a = admin("POST", "/api/v1/assessments", "{\"name\": \"Container evidence " + RUN
                + "\", \"target\": \"it-container-" + RUN + "\", \"scope\": {\"requirements\": [\"" + requirement + "\"]}}", 201);
        long assessment = ((Number) a.get("id")).longValue();
        admin("PUT", "/api/v1/assessments/" + assessment + "/assessors", "{\"assessors\": [\"" + assessor + "\"]}", 200);
        admin("PUT", "/api/v1/assessments/" + assessment + "/hosts", "{\"hostIds\": [" + host + "]}", 200);
        List<Object> items = (List<Object>) admin("GET", "/api/v1/assessments/" + assessment + "/items", null, 200).get("list");
        long item = ((Number) ((Map<String, Object>) items.get(0)).get("id")).longValue();
        String evidencePath = "/api/v1/assessments/" + assessment + "/items/" + item + "/probe-evidence";

        Map<String, Object> evidence = admin("GET", evidencePath, null, 200);
        List<Map<String, Object>> observations = (List<Map<String, Object>>) evidence.get("observations");
        Map<String, Object> nnp = observations.stream().filter(o -> "probe:nnp/no-new-privs".equals(o.get("checkId")))
                .findFirst().orElseThrow(() -> new AssertionError("no no_new_privs observation: " + observations));
        assertEquals(reportId, nnp.get("reportId"));
        assertEquals("fail", nnp.get("status"), "Docker leaves no_new_privs off by default: " + nnp);
        String suggestion = (String) evidence.get("suggestion");
        assertTrue(suggestion != null && !suggestion.equals("satisfied"), "a failing check cannot suggest satisfied: " + suggestion);

        HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create(url() + evidencePath))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((assessor + ":it-assessor-password-" + RUN)
                        .getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"decision\": \"accept\", \"fingerprint\": \"" + evidence.get("fingerprint")
                        + "\", \"version\": " + evidence.get("itemVersion") + "}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, accepted.statusCode(), accepted.body());
        assertEquals(1, sql("SELECT count(*) FROM checklist_item WHERE id = " + item + " AND result = '" + suggestion + "'"));
        assertEquals(1, sql("SELECT count(*) FROM item_probe_evidence WHERE item_id = " + item + " AND decision = 'accepted'"
                + " AND observations @> '[{\"reportId\": \"" + reportId + "\"}]'"));
        assertTrue(sql("SELECT count(*) FROM assessment_history WHERE item_id = " + item + " AND new_value LIKE '%" + reportId + "%'") >= 1,
                "the history names the report the evidence came from");
    }
}
