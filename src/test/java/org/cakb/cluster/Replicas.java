package org.cakb.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cakb.testing.ChildProcesses;
import org.cakb.testing.PackagedApp;
import org.cakb.testing.ThrowawayPostgres;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Test harness for the replica ITs: a throwaway PostgreSQL 15 cluster ({@link ThrowawayPostgres}; the machine's main
 * cluster is never touched) and several processes of the PACKAGED app on it ({@link PackagedApp}), sharing one home
 * (content/, migrations/), each on its own port. Needs root, su and a postgres user (the cluster runs as postgres);
 * skipped without them unless CAKB_REQUIRE_RUNTIMES=1.
 */
final class Replicas implements AutoCloseable {
    static final String ADMIN_PASSWORD = "it-replicas-admin-password";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    final String name;
    final Path agentJar;
    final ThrowawayPostgres db;
    final Path work;
    final Path home;
    final int[] ports;
    private final PackagedApp[] apps;

    /** Skips (or fails under CAKB_REQUIRE_RUNTIMES=1) when the test cannot run here. */
    static void requireEnvironment(String name) {
        Assumptions.assumeTrue(System.getProperty("cakb.agent.jar") != null,
                "integration test: runs in failsafe (mvn verify) against the packaged server");
        String missing = ThrowawayPostgres.missing();
        require(missing == null, name + " needs " + missing);
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
        agentJar = Paths.get(System.getProperty("cakb.agent.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(PackagedApp.JAR), "server not packaged: " + PackagedApp.JAR);
        db = new ThrowawayPostgres(name, 120, "CAKB_KEEP_REPLICAS_DIR");
        try {
            work = db.work;
            home = PackagedApp.newHome(work);
            ports = new int[replicas];
            apps = new PackagedApp[replicas];
            for (int i = 0; i < replicas; i++) {
                apps[i] = new PackagedApp("replica " + i, db, home, log(i), ADMIN_PASSWORD, List.of("-XX:TieredStopAtLevel=1", "-Xmx384m"),
                        // the replicas share the session and CSRF keys, so a session or CSRF token made by one is good on the other
                        Map.of("CAKB_PUBLIC_BROWSING", "true", "QUARKUS_DATASOURCE_JDBC_MAX_SIZE", "10"));
                ports[i] = apps[i].port;
            }
        } catch (Throwable t) {
            db.close();
            throw t;
        }
    }

    @Override
    public void close() throws Exception {
        try {
            for (PackagedApp app : apps) {
                app.stop();
            }
        } finally {
            db.close();
        }
    }

    Path log(int replica) {
        return db.work.resolve("replica-" + replica + ".log");
    }

    /** Starts replica {@code i} (without waiting for it). */
    void start(int i) throws IOException {
        apps[i].start(Map.of());
    }

    /** Waits until replica {@code i} is ready; returns the seconds it took from {@code sinceMillis}. */
    double awaitReady(int i, long sinceMillis) throws Exception {
        return apps[i].awaitReady(sinceMillis);
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
        apps[i].kill();
    }

    String url(int i) {
        return apps[i].url();
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
        return db.sql(query);
    }

    ChildProcesses.Result agent(String... args) throws Exception {
        return ChildProcesses.run(PackagedApp.agentCommand(agentJar, args), 180);
    }

    /** Registers a host and returns a one-time enrollment token for it (through replica {@code i}). */
    String enrollmentToken(int i, String hostName) throws Exception {
        JsonNode h = json(send(url(i), "POST", "/api/v1/hosts", admin(), "{\"name\": \"" + hostName + "\"}"), 201, "register host");
        long id = h.path("host").path("id").asLong();
        return json(send(url(i), "POST", "/api/v1/hosts/" + id + "/enrollment-tokens", admin(), "{\"lifetimeHours\": 1}"), 201,
                "enrollment token").path("token").asText();
    }
}
