package org.cakb.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hostile suite (issue #14): the BUILT jar, run as root, against crafted --probes files and a fake server that
 * plants secrets in plain files, behind symlinks, in a process environment, in a Docker config.json and a container's
 * config.v2.json, and offers a FIFO, /dev/zero, a 100,000-deep bundle and bundles unsigned or signed with another key.
 * Every case must end within {@link #LIMIT_S} seconds, no planted secret may appear in any output (stdout, stderr,
 * --out, spool, uploaded report, credential file), and the result must say why a check was refused.
 */
class HostileAgentIT {
    static final int LIMIT_S = 20;
    static final String SECRET = "PLANTED-" + UUID.randomUUID();

    static Path jar;
    static String java;
    static Path work;
    static Process child;
    static HttpServer server;
    static KeyPair serverKey;
    static KeyPair otherKey;
    static volatile String mode = "signed";
    static volatile int enrollStatus = 201;
    static final List<String> uploaded = new CopyOnWriteArrayList<>();
    static String hostileBundle;
    static final Map<String, String> expectRefused = new LinkedHashMap<>();

    @BeforeAll
    static void setUp() throws Exception {
        Assumptions.assumeTrue(System.getProperty("cakb.agent.jar") != null,
                "integration test: runs in failsafe (mvn verify) against the packaged jar");
        jar = Paths.get(System.getProperty("cakb.agent.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "agent jar not built: " + jar);
        java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        work = Files.createTempDirectory("cakb-hostile-");

        Path plain = work.resolve("plain-secret");
        Files.writeString(plain, SECRET + "\n");
        Path link = work.resolve("link-to-secret");
        Files.createSymbolicLink(link, plain);
        Path ssh = Files.createDirectories(work.resolve("root/.ssh"));
        Files.writeString(ssh.resolve("id_" + SECRET), "key");
        Path dockerConfig = work.resolve("docker/config.json");
        Files.createDirectories(dockerConfig.getParent());
        Files.writeString(dockerConfig, "{\"auths\": {\"registry.example\": {\"auth\": \"" + SECRET + "\"}}}");
        Path containerConfig = work.resolve("containers/abc/config.v2.json");
        Files.createDirectories(containerConfig.getParent());
        Files.writeString(containerConfig, "{\"Config\": {\"Env\": [\"TOKEN=" + SECRET + "\"]}}");
        Path fifo = work.resolve("fifo");
        assertEquals(0, AgentRuntimesIT.run(List.of("mkfifo", fifo.toString()), LIMIT_S).code);
        ProcessBuilder pb = new ProcessBuilder("sleep", "600");
        pb.environment().put("CAKB_PLANTED", SECRET);
        child = pb.start();
        long pid = child.pid();

        List<Object> probes = new ArrayList<>();
        add(probes, "plain-file", Map.of("type", "file-value", "path", plain.toString(), "op", "non-empty"), "outside the agent's allow-list");
        add(probes, "etc-shadow", Map.of("type", "file-value", "path", "/etc/shadow", "op", "non-empty"), "outside the agent's allow-list");
        add(probes, "symlink", Map.of("type", "file-value", "path", link.toString(), "op", "non-empty"), "outside the agent's allow-list");
        add(probes, "proc-root-symlink", Map.of("type", "file-value", "path", "/proc/self/root" + plain, "op", "non-empty"), "outside the agent's allow-list");
        add(probes, "environ", Map.of("type", "file-value", "path", "/proc/" + pid + "/environ", "op", "non-empty"), "outside the agent's allow-list");
        add(probes, "environ-1", Map.of("type", "file-value", "path", "/proc/1/environ", "op", "non-empty"), "outside the agent's allow-list");
        add(probes, "cmdline", Map.of("type", "file-value", "path", "/proc/" + pid + "/cmdline", "op", "non-empty"), "engine daemons only");
        add(probes, "ssh-entries", Map.of("type", "path-exists", "path", ssh.toString(), "entry-prefix", "id_"), "outside the agent's allow-list");
        add(probes, "root-ssh", Map.of("type", "path-exists", "path", "/root/.ssh", "entry-prefix", ""), "outside the agent's allow-list");
        add(probes, "docker-auths", Map.of("type", "docker-daemon-config", "path", dockerConfig.toString(), "key", "auths", "op", "non-empty"), "outside the agent's allow-list");
        add(probes, "container-config", Map.of("type", "file-value", "path", containerConfig.toString(), "op", "non-empty"), "outside the agent's allow-list");
        add(probes, "fifo", Map.of("type", "file-value", "path", fifo.toString(), "op", "non-empty"), "outside the agent's allow-list");
        add(probes, "fifo-socket-check", Map.of("type", "runtime-sockets", "names", List.of("none.sock"), "paths", List.of(fifo.toString())), "outside the agent's allow-list");
        add(probes, "dev-zero", Map.of("type", "file-value", "path", "/dev/zero", "op", "non-empty"), "outside the agent's allow-list");
        add(probes, "masked-secret", Map.of("type", "masked-paths", "paths", List.of(plain.toString())), "outside the agent's allow-list");
        add(probes, "sysctl-traversal", Map.of("type", "sysctl", "key", "kernel/../../../.." + plain, "op", "non-empty"), "outside the agent's allow-list");
        add(probes, "runtime-metadata", Map.of("type", "file-value", "path", "/var/lib/docker/containers/0123abcd/config.v2.json", "op", "non-empty"), "outside the agent's allow-list");
        add(probes, "kcore-read", Map.of("type", "file-value", "path", "/proc/kcore", "op", "non-empty"), "outside the agent's allow-list");
        hostileBundle = Json.write(Map.of("format", 1L, "probes", probes), false);

        serverKey = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        otherKey = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/agent/enroll", HostileAgentIT::enroll);
        server.createContext("/api/v1/agent/probes", HostileAgentIT::probes);
        server.createContext("/api/v1/agent/reports", ex -> {
            uploaded.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            send(ex, 201, "{}", null);
        });
        server.start();
    }

    static void add(List<Object> probes, String name, Map<String, Object> check, String reason) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("id", "probe:hostile/" + name);
        p.put("title", name);
        p.put("verifies", List.of("cm:none"));
        p.put("vantage", "any");
        p.put("severity", "critical");
        p.put("check", check);
        probes.add(p);
        expectRefused.put("probe:hostile/" + name, reason);
    }

    @AfterAll
    static void tearDown() {
        if (child != null) {
            child.destroyForcibly();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    static String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    static void enroll(HttpExchange ex) throws IOException {
        ex.getRequestBody().readAllBytes();
        if (enrollStatus != 201) {
            send(ex, enrollStatus, "{\"message\": \"unknown enrollment token\"}", null);
            return;
        }
        String body = Json.write(Map.of("hostId", 7L,
                "hostName", "web-1\ncredential=cakb_agent_stolen\nserver=http://attacker.example\u001b[2J",
                "credential", "cakb_agent_" + "A".repeat(43),
                "bundleSigningKey", Base64.getEncoder().encodeToString(serverKey.getPublic().getEncoded()),
                "bundleSigningAlgorithm", "Ed25519"), false);
        send(ex, 201, body, null);
    }

    static void probes(HttpExchange ex) throws IOException {
        switch (mode) {
            case "unsigned":
                send(ex, 200, hostileBundle, null);
                break;
            case "other-key":
                send(ex, 200, hostileBundle, sign(hostileBundle, otherKey.getPrivate()));
                break;
            case "deep": {
                String deep = "{\"format\":1,\"probes\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
                send(ex, 200, deep, sign(deep, serverKey.getPrivate()));
                break;
            }
            default:
                send(ex, 200, hostileBundle, sign(hostileBundle, serverKey.getPrivate()));
        }
    }

    static String sign(String body, PrivateKey key) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(body.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void send(HttpExchange ex, int status, String body, String signature) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        if (signature != null) {
            ex.getResponseHeaders().set("Cakb-Bundle-Signature", signature);
        }
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    static AgentRuntimesIT.Proc agent(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        long t0 = System.nanoTime();
        AgentRuntimesIT.Proc p = AgentRuntimesIT.run(cmd, LIMIT_S); // fails the test when the agent does not end in time
        assertTrue(System.nanoTime() - t0 < LIMIT_S * 1_000_000_000L);
        assertNoSecret("stdout of " + List.of(args), p.out);
        assertNoSecret("stderr of " + List.of(args), p.err);
        assertFalse(p.err.contains("Exception in thread") || p.err.contains("StackOverflowError") || p.err.contains("OutOfMemoryError"),
                "no crash: " + p.err);
        return p;
    }

    static void assertNoSecret(String where, String text) {
        assertFalse(text != null && text.contains(SECRET), "planted secret leaked into " + where);
    }

    static void assertNoSecretUnder(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p)) {
                    assertNoSecret(p.toString(), Files.readString(p));
                }
            }
        }
    }

    /** Every hostile probe is an error result that names the refusal; nothing planted shows. */
    @SuppressWarnings("unchecked")
    static void assertAllRefused(String reportJson) {
        assertNoSecret("report", reportJson);
        Map<String, Object> report = (Map<String, Object>) Json.parse(reportJson);
        Map<String, Map<String, Object>> byId = new LinkedHashMap<>();
        for (Object o : (List<Object>) report.get("results")) {
            Map<String, Object> r = (Map<String, Object>) o;
            byId.put((String) r.get("id"), r);
        }
        for (Map.Entry<String, String> e : expectRefused.entrySet()) {
            Map<String, Object> r = byId.get(e.getKey());
            assertNotNull(r, e.getKey() + " missing from the report");
            assertEquals("error", r.get("status"), e.getKey() + ": " + r);
            String why = String.valueOf(r.get("explanation"));
            assertTrue(why.startsWith("refused: ") && why.contains(e.getValue()), e.getKey() + ": " + why);
            assertTrue(r.get("observed") == null, e.getKey() + " carries no observation: " + r);
        }
    }

    @Test
    void hostileProbesFileIsRefusedCheckByCheck() throws Exception {
        Path bundle = work.resolve("hostile.json");
        Files.writeString(bundle, hostileBundle);
        Path out = work.resolve("hostile-report.json");
        AgentRuntimesIT.Proc r = agent("run", "--probes", bundle.toString(), "--out", out.toString());
        assertEquals(1, r.code, "error results give exit 1, not a crash: " + r.err);
        assertAllRefused(Files.readString(out));
        AgentRuntimesIT.Proc t = agent("run", "--probes", bundle.toString(), "--format", "table");
        assertEquals(1, t.code);
        assertTrue(t.out.contains("refused: "), t.out);
    }

    @Test
    void fifoDevZeroAndDeepBundlesEndInBoundedTimeWithExit2() throws Exception {
        AgentRuntimesIT.Proc f = agent("run", "--probes", work.resolve("fifo").toString());
        assertEquals(2, f.code);
        assertTrue(f.err.contains("not a regular file"), f.err);
        AgentRuntimesIT.Proc z = agent("run", "--probes", "/dev/zero");
        assertEquals(2, z.code);
        assertTrue(z.err.contains("not a regular file"), z.err);
        Path deep = work.resolve("deep.json");
        Files.writeString(deep, "{\"format\":1,\"probes\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}");
        AgentRuntimesIT.Proc d = agent("run", "--probes", deep.toString());
        assertEquals(2, d.code, d.err);
        assertTrue(d.err.contains("nesting deeper than"), d.err);
        AgentRuntimesIT.Proc l = agent("list-checks", "--probes", deep.toString());
        assertEquals(2, l.code);
    }

    @Test
    @SuppressWarnings("unchecked")
    void fakeServerCannotInjectLinesOrPushUnsignedBundles() throws Exception {
        Path dir = Files.createDirectories(work.resolve("etc-like"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path cred = dir.resolve("credential");

        // a failed enrollment leaves an existing directory as it was, and removes one it made
        enrollStatus = 401;
        assertEquals(3, agent("enroll", "--server", url(), "--token", "cakb_enroll_x", "--credential-file", cred.toString()).code);
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        Path fresh = work.resolve("fresh/sub/credential");
        assertEquals(3, agent("enroll", "--server", url(), "--token", "cakb_enroll_x", "--credential-file", fresh.toString()).code);
        assertFalse(Files.exists(work.resolve("fresh")), "directories made for a failed enrollment are removed");

        enrollStatus = 201;
        AgentRuntimesIT.Proc e = agent("enroll", "--server", url(), "--token", "cakb_enroll_x", "--credential-file", cred.toString());
        assertEquals(0, e.code, e.err);
        assertFalse(e.out.contains("\u001b") || e.out.contains("\ncredential="), e.out);
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)), "existing directory unchanged");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cred)));
        String credText = Files.readString(cred);
        for (String line : credText.split("\n")) {
            assertFalse(line.startsWith("credential=cakb_agent_stolen") || line.startsWith("server=http://attacker"), credText);
        }
        Properties p = new Properties();
        p.load(new StringReader(credText));
        assertEquals("cakb_agent_" + "A".repeat(43), p.getProperty("credential"));
        assertEquals(url(), p.getProperty("server"));
        assertNotNull(p.getProperty("bundleKey"));

        Path spool = dir.resolve("spool");
        String[][] refusedModes = {{"unsigned", "the bundle is not signed"}, {"other-key", "does not verify"},
            {"deep", "nesting deeper than"}};
        for (String[] m : refusedModes) {
            mode = m[0];
            int before = uploaded.size();
            Path out = work.resolve("server-" + m[0] + ".json");
            AgentRuntimesIT.Proc r = agent("run", "--server", url(), "--credential-file", cred.toString(), "--out", out.toString());
            assertTrue(r.code == 0 || r.code == 1, m[0] + ": " + r.err);
            assertTrue(r.err.contains(m[1]) && r.err.contains("using the built-in one"), m[0] + ": " + r.err);
            Map<String, Object> rep = (Map<String, Object>) Json.parse(Files.readString(out));
            assertTrue(String.valueOf(rep.get("bundle")).startsWith("built-in"), m[0] + ": " + rep.get("bundle"));
            assertEquals(before + 1, uploaded.size());
        }

        mode = "signed";
        Path out = work.resolve("server-signed.json");
        AgentRuntimesIT.Proc r = agent("run", "--server", url(), "--credential-file", cred.toString(), "--out", out.toString());
        assertEquals(1, r.code, r.err);
        assertTrue(String.valueOf(((Map<String, Object>) Json.parse(Files.readString(out))).get("bundle")).startsWith("server "));
        assertAllRefused(Files.readString(out));
        assertAllRefused(uploaded.get(uploaded.size() - 1));
        for (String u : uploaded) {
            assertNoSecret("uploaded report", u);
        }
        assertNoSecretUnder(spool);
        assertNoSecret("credential file", Files.readString(cred));
    }

    @Test
    void plainHttpToAnotherHostIsRefusedUnlessInsecureHttp() throws Exception {
        Path cred = work.resolve("http-check/credential");
        AgentRuntimesIT.Proc r = agent("enroll", "--server", "http://192.0.2.10:8080", "--token", "cakb_enroll_x",
                "--credential-file", cred.toString());
        assertEquals(2, r.code, r.err);
        assertTrue(r.err.contains("refusing plain http://") && r.err.contains("--insecure-http"), r.err);
        assertFalse(Files.exists(cred.getParent()), "nothing written for a refused server");
    }
}
