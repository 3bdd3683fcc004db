package org.cakb.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;

import java.io.File;
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
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Test harness for the replica ITs: a throwaway PostgreSQL 15 cluster (initdb into a temp dir, a free port; the
 * machine's main cluster is never touched) and several processes of the PACKAGED app on it, sharing one home
 * (content/, migrations/), each on its own port. Needs root, su and a postgres user (the cluster runs as postgres);
 * skipped without them unless CAKB_REQUIRE_RUNTIMES=1.
 */
final class Replicas implements AutoCloseable {
    static final String ADMIN_PASSWORD = "it-replicas-admin-password";
    static final Path PG_BIN = Paths.get(System.getenv().getOrDefault("CAKB_PG_BIN", "/usr/lib/postgresql/15/bin"));
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    final String name;
    final Path project;
    final Path app;
    final Path agentJar;
    final String java;
    final Path work;
    final Path home;
    final int pgPort;
    final String dbUrl;
    final int[] ports;
    final Process[] processes;
    private boolean pgStarted;

    /** Skips (or fails under CAKB_REQUIRE_RUNTIMES=1) when the test cannot run here. */
    static void requireEnvironment(String name) {
        Assumptions.assumeTrue(System.getProperty("cakb.agent.jar") != null,
                "integration test: runs in failsafe (mvn verify) against the packaged server");
        boolean root;
        try {
            root = ((Number) Files.getAttribute(Paths.get("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (Exception e) {
            root = false;
        }
        boolean postgresUser;
        try {
            Paths.get("/").getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
            postgresUser = true;
        } catch (IOException e) {
            postgresUser = false;
        }
        require(root && postgresUser && Files.isExecutable(PG_BIN.resolve("initdb")) && Files.isExecutable(Paths.get("/bin/su")),
                name + " needs root, su, a postgres user and the PostgreSQL 15 binaries in " + PG_BIN);
    }

    static void require(boolean available, String reason) {
        if (available) {
            return;
        }
        if ("1".equals(System.getenv("CAKB_REQUIRE_RUNTIMES"))) {
            fail("required by CAKB_REQUIRE_RUNTIMES=1 but unavailable: " + reason);
        }
        System.out.println("[Replicas] SKIPPED: " + reason);
        Assumptions.assumeTrue(false, reason);
    }

    Replicas(String name, int replicas) throws Exception {
        this.name = name;
        project = Paths.get(System.getProperty("cakb.project.dir", ".")).toAbsolutePath();
        agentJar = Paths.get(System.getProperty("cakb.agent.jar")).toAbsolutePath();
        app = project.resolve("target/quarkus-app/quarkus-run.jar");
        assertTrue(Files.isRegularFile(app), "server not packaged: " + app);
        java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        work = Files.createTempDirectory("cakb-" + name);
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        UserPrincipal postgres = work.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
        Files.setOwner(work, postgres);
        Path data = Files.createDirectory(work.resolve("pg"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
        Files.setOwner(data, postgres);
        asPostgres(PG_BIN.resolve("initdb") + " -D " + data + " -A trust -U postgres", 180);
        pgPort = freePort();
        Files.writeString(data.resolve("postgresql.conf"), "\nport = " + pgPort + "\nlisten_addresses = '127.0.0.1'\n"
                + "unix_socket_directories = '" + work + "'\nmax_connections = 120\nfsync = off\n", StandardOpenOption.APPEND);
        pg("start");
        pgStarted = true;
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres", "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE ROLE cakb LOGIN PASSWORD 'cakb'");
            s.execute("CREATE DATABASE cakb OWNER cakb");
        }
        dbUrl = "jdbc:postgresql://127.0.0.1:" + pgPort + "/cakb";
        home = Files.createDirectory(work.resolve("home"));
        copyTree(project.resolve("content"), home.resolve("content"));
        copyTree(project.resolve("migrations"), home.resolve("migrations"));
        ports = new int[replicas];
        processes = new Process[replicas];
        for (int i = 0; i < replicas; i++) {
            ports[i] = freePort();
        }
    }

    @Override
    public void close() throws Exception {
        try {
            for (Process p : processes) {
                if (p != null) {
                    p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                }
            }
        } finally {
            try {
                if (pgStarted) {
                    pg("stop -m immediate");
                }
            } catch (Throwable t) {
                System.out.println("[" + name + "] stopping the throwaway cluster: " + t);
            } finally {
                if (System.getenv("CAKB_KEEP_REPLICAS_DIR") == null) {
                    try (Stream<Path> s = Files.walk(work)) {
                        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                    }
                }
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }

    record Proc(int code, String out) {
    }

    static Proc run(List<String> cmd, int timeoutSeconds) throws IOException, InterruptedException {
        File o = File.createTempFile("cakb-it", ".out");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(o).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("timed out: " + cmd);
            }
            return new Proc(p.exitValue(), Files.readString(o.toPath()));
        } finally {
            o.delete();
        }
    }

    void asPostgres(String command, int timeoutSeconds) throws Exception {
        Proc p = run(List.of("/bin/su", "postgres", "-s", "/bin/sh", "-c", command), timeoutSeconds);
        assertEquals(0, p.code, command + "\n" + p.out);
    }

    void pg(String action) throws Exception {
        asPostgres(PG_BIN.resolve("pg_ctl") + " -D " + work.resolve("pg") + " -l " + work.resolve("pg.log") + " -w -t 60 " + action, 120);
    }

    Path log(int replica) {
        return work.resolve("replica-" + replica + ".log");
    }

    /** Starts replica {@code i} (without waiting for it). */
    void start(int i) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-Xmx384m", "-jar", app.toString())
                .directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log(i).toFile()));
        Map<String, String> e = pb.environment();
        e.put("DB_URL", dbUrl);
        e.put("DB_USER", "cakb");
        e.put("DB_PASSWORD", "cakb");
        e.put("CAKB_HOME", home.toString());
        e.put("CAKB_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
        // the replicas share these keys, so a session or CSRF token made by one is good on the other
        e.put("CAKB_SESSION_KEY", "it-session-encryption-key-0123456789abcdef");
        e.put("CAKB_CSRF_KEY", "it-csrf-signature-key-0123456789abcdef");
        e.put("CAKB_PUBLIC_BROWSING", "true");
        e.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        e.put("QUARKUS_HTTP_PORT", Integer.toString(ports[i]));
        e.put("QUARKUS_DATASOURCE_JDBC_MAX_SIZE", "10");
        processes[i] = pb.start();
    }

    /** Waits until replica {@code i} is ready; returns the seconds it took from {@code sinceMillis}. */
    double awaitReady(int i, long sinceMillis) throws Exception {
        while (System.currentTimeMillis() - sinceMillis < 240_000) {
            if (!processes[i].isAlive()) {
                fail("replica " + i + " exited with " + processes[i].exitValue() + ":\n" + Files.readString(log(i)));
            }
            try {
                if (get(i, "/q/health/ready", null).statusCode() == 200) {
                    return (System.currentTimeMillis() - sinceMillis) / 1000.0;
                }
            } catch (IOException ex) {
                // not yet
            }
            Thread.sleep(100);
        }
        fail("replica " + i + " not ready in 240 s:\n" + Files.readString(log(i)));
        return -1;
    }

    /** The replicas' ERROR log lines (at most {@code max}), for a test's report. */
    List<String> errors(int max) throws IOException {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < ports.length; i++) {
            if (Files.exists(log(i))) {
                int replica = i;
                Files.readAllLines(log(i)).stream().filter(l -> l.contains(" ERROR ")).limit(max)
                        .forEach(l -> out.add("replica " + replica + ": " + l));
            }
        }
        return out;
    }

    /** SIGKILL (Process.destroyForcibly on Linux). */
    void kill(int i) throws Exception {
        processes[i].destroyForcibly();
        assertTrue(processes[i].waitFor(60, TimeUnit.SECONDS), "replica " + i + " did not die on SIGKILL");
        assertEquals(137, processes[i].exitValue(), "killed by SIGKILL");
    }

    String url(int i) {
        return "http://127.0.0.1:" + ports[i];
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static String admin() {
        return basic("admin", ADMIN_PASSWORD);
    }

    /** Waits up to 70 s for an answer: longer than nginx's 60 s read timeout, so a slow answer is nginx's to report. */
    static HttpResponse<String> send(String base, String method, String path, String auth, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(70))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(int i, String path, String auth) throws IOException, InterruptedException {
        return send(url(i), "GET", path, auth, null);
    }

    static JsonNode json(HttpResponse<String> r, int expect, String what) throws IOException {
        assertEquals(expect, r.statusCode(), what + ": " + r.body());
        return JSON.readTree(r.body());
    }

    long sql(String query) throws Exception {
        try (Connection c = DriverManager.getConnection(dbUrl, "cakb", "cakb"); Statement s = c.createStatement();
             ResultSet r = s.executeQuery(query)) {
            r.next();
            return r.getLong(1);
        }
    }

    Proc agent(String... args) throws Exception {
        List<String> c = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-jar", agentJar.toString()));
        c.addAll(List.of(args));
        return run(c, 180);
    }

    /** Registers a host and returns a one-time enrollment token for it (through replica {@code i}). */
    String enrollmentToken(int i, String hostName) throws Exception {
        JsonNode h = json(send(url(i), "POST", "/api/v1/hosts", admin(), "{\"name\": \"" + hostName + "\"}"), 201, "register host");
        long id = h.path("host").path("id").asLong();
        return json(send(url(i), "POST", "/api/v1/hosts/" + id + "/enrollment-tokens", admin(), "{\"lifetimeHours\": 1}"), 201,
                "enrollment token").path("token").asText();
    }
}
