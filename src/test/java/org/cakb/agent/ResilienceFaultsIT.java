package org.cakb.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.cakb.testing.PackagedApp;
import org.cakb.testing.ThrowawayPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The fault checks of bench/resilience.sh as a CI test (issue #9): the PACKAGED app against its own throwaway
 * PostgreSQL 15 cluster (initdb into a temp dir, a free port; the machine's main cluster is never touched):
 * PostgreSQL stopped and started again (503 with a message, readiness DOWN, the agent spools; recovery without a
 * restart, the spooled report stored exactly once), SIGKILL during a checklist save burst (no item disagrees with its
 * history) and SIGKILL during a content reload (old or new titles, never a mix). Needs root and the PostgreSQL
 * binaries; skipped without them unless CAKB_REQUIRE_RUNTIMES=1.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResilienceFaultsIT {
    static final String ADMIN_PASSWORD = "it-faults-admin-password";
    static final String ASSESSOR = "it-faults-assessor";
    static final String ASSESSOR_PASSWORD = "it-faults-assessor-password";

    static Path agentJar;
    static ThrowawayPostgres db;
    static Path work;
    static PackagedApp server;
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void setUp() throws Exception {
        Assumptions.assumeTrue(System.getProperty("cakb.agent.jar") != null,
                "integration test: runs in failsafe (mvn verify) against the packaged agent and server");
        String missing = ThrowawayPostgres.missing();
        AgentRuntimesIT.requireRuntime(missing == null, "the fault checks need " + missing);
        agentJar = Paths.get(System.getProperty("cakb.agent.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(agentJar), "agent jar not built: " + agentJar);
        assertTrue(Files.isRegularFile(PackagedApp.JAR), "server not packaged: " + PackagedApp.JAR);

        db = new ThrowawayPostgres("faults-it", 100, "CAKB_KEEP_FAULTS_DIR");
        work = db.work;
        server = new PackagedApp("server", db, PackagedApp.newHome(work), work.resolve("server.log"), ADMIN_PASSWORD,
                List.of("-XX:TieredStopAtLevel=1"), Map.of());
        startApp(true);
    }

    @AfterAll
    static void tearDown() throws Exception {
        try {
            if (server != null) {
                server.stop();
            }
        } finally {
            if (db != null) {
                db.close();
            }
        }
    }

    // ------------------------------------------------------------------ processes

    static void startApp(boolean loadContentAtStart) throws Exception {
        long t0 = System.currentTimeMillis();
        server.start(Map.of("CAKB_CONTENT_LOAD_AT_START", Boolean.toString(loadContentAtStart)));
        System.out.printf("[ResilienceFaultsIT] app up in %.1f s (content load at start: %s)%n", server.awaitReady(t0), loadContentAtStart);
    }

    /** SIGKILL (Process.destroyForcibly on Linux), then wait until the process is gone. */
    static void killApp() throws Exception {
        server.kill();
    }

    static AgentRuntimesIT.Proc agent(String... args) throws Exception {
        return AgentRuntimesIT.run(PackagedApp.agentCommand(agentJar, args), 180);
    }

    // ------------------------------------------------------------------ HTTP and SQL

    static String url() {
        return server.url();
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static HttpResponse<String> send(String method, String path, String auth, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .method(method, body == null && method.equals("GET") ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body == null ? "{}" : body));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String path, String auth) throws IOException, InterruptedException {
        return send("GET", path, auth, null);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> admin(String method, String path, String body, int expect) throws Exception {
        HttpResponse<String> r = send(method, path, basic("admin", ADMIN_PASSWORD), body);
        assertEquals(expect, r.statusCode(), method + " " + path + ": " + r.body());
        Object o = Json.parse(r.body());
        return o instanceof Map ? (Map<String, Object>) o : Map.of("list", o);
    }

    static long sql(String query) throws Exception {
        return db.sql(query);
    }

    static String sqlText(String query) throws Exception {
        return db.sqlText(query);
    }

    static List<Path> spooled(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
    }

    // ------------------------------------------------------------------ faults

    @Test
    @Order(1)
    @SuppressWarnings("unchecked")
    void databaseStoppedGives503AndSpoolsThenRecoversWithoutRestart() throws Exception {
        String adminAuth = basic("admin", ADMIN_PASSWORD);
        Map<String, Object> h = admin("POST", "/api/v1/hosts", "{\"name\": \"it-faults-spool\"}", 201);
        long host = ((Number) ((Map<String, Object>) h.get("host")).get("id")).longValue();
        String token = (String) admin("POST", "/api/v1/hosts/" + host + "/enrollment-tokens", "{\"lifetimeHours\": 1}", 201).get("token");
        Path dir = work.resolve("agent");
        Path cred = dir.resolve("credential");
        AgentRuntimesIT.Proc e = agent("enroll", "--server", url(), "--token", token, "--credential-file", cred.toString());
        assertEquals(0, e.code, e.out + e.err);
        assertEquals(200, get("/api/v1/threats", adminAuth).statusCode());

        db.stop("fast");
        long t0 = System.currentTimeMillis();
        HttpResponse<String> down = null;
        while (System.currentTimeMillis() - t0 < 10_000) {
            HttpResponse<String> r;
            try {
                r = get("/api/v1/threats", adminAuth);
            } catch (HttpTimeoutException ex) {
                throw new AssertionError("the API hung beyond 15 s with PostgreSQL down", ex);
            }
            assertNotEquals(500, r.statusCode(), "never 500: " + r.body());
            if (r.statusCode() == 503) {
                down = r;
                break;
            }
            Thread.sleep(100);
        }
        double latency = (System.currentTimeMillis() - t0) / 1000.0;
        assertTrue(down != null, "no 503 within 10 s of stopping PostgreSQL");
        String message = (String) ((Map<String, Object>) Json.parse(down.body())).get("message");
        assertTrue(message != null && !message.isBlank(), "503 with a message: " + down.body());
        System.out.printf("[ResilienceFaultsIT] PostgreSQL stopped: API 503 after %.2f s (\"%s\")%n", latency, message);

        HttpResponse<String> page = get("/", null);
        assertNotEquals(500, page.statusCode(), page.body());
        HttpResponse<String> ready = get("/q/health/ready", null);
        assertEquals(503, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("DOWN"), ready.body());

        Path out = dir.resolve("report.json");
        AgentRuntimesIT.Proc run = agent("run", "--server", url(), "--credential-file", cred.toString(), "--out", out.toString(),
                "--retries", "0");
        assertEquals(4, run.code, "database down: exit 4\n" + run.err);
        List<Path> spool = spooled(dir.resolve("spool"));
        assertEquals(1, spool.size(), "the report is spooled: " + run.err);
        String reportId = (String) ((Map<String, Object>) Json.parse(Files.readString(out))).get("reportId");

        db.start();
        long t1 = System.currentTimeMillis();
        double recovery = -1;
        while (System.currentTimeMillis() - t1 < 30_000) {
            try {
                if (get("/q/health/ready", null).statusCode() == 200 && get("/api/v1/threats", adminAuth).statusCode() == 200) {
                    recovery = (System.currentTimeMillis() - t1) / 1000.0;
                    break;
                }
            } catch (HttpTimeoutException ex) {
                // counted against the 5 s below
            }
            Thread.sleep(100);
        }
        System.out.printf("[ResilienceFaultsIT] PostgreSQL started: ready and answering 200 after %.2f s%n", recovery);
        assertTrue(recovery >= 0 && recovery <= 5.0, "recovered within 5 s without a restart, took " + recovery + " s");

        AgentRuntimesIT.Proc flush = agent("flush", "--credential-file", cred.toString());
        assertEquals(0, flush.code, flush.err);
        assertEquals(1, sql("SELECT count(*) FROM fleet_report WHERE id = '" + reportId + "'"), "stored exactly once");
        assertEquals(1, sql("SELECT count(*) FROM fleet_report WHERE host_id = " + host));
        assertTrue(spooled(dir.resolve("spool")).isEmpty(), "spool emptied");
        // sent again (as after a lost answer): still once
        AgentRuntimesIT.Proc again = agent("upload", out.toString(), "--credential-file", cred.toString());
        assertEquals(0, again.code, again.err);
        assertEquals(1, sql("SELECT count(*) FROM fleet_report WHERE id = '" + reportId + "'"), "stored exactly once");
    }

    static final String INCONSISTENT_ITEMS = "SELECT count(*) FROM checklist_item i WHERE i.assessment_id = %d AND "
            + "(i.justification <> i.evidence_text OR i.justification <> coalesce((SELECT h.new_value FROM assessment_history h "
            + "WHERE h.item_id = i.id AND h.field = 'justification' ORDER BY h.id DESC LIMIT 1), ''))";

    static long saves(long assessment) throws Exception {
        return sql("SELECT count(*) FROM assessment_history h JOIN checklist_item i ON i.id = h.item_id WHERE i.assessment_id = "
                + assessment + " AND h.field = 'justification'");
    }

    @Test
    @Order(2)
    @SuppressWarnings("unchecked")
    void sigkillDuringChecklistSavesLeavesNoItemDisagreeingWithItsHistory() throws Exception {
        admin("POST", "/api/v1/users", "{\"username\": \"" + ASSESSOR + "\", \"password\": \"" + ASSESSOR_PASSWORD
                + "\", \"roles\": [\"assessor\"]}", 201);
        String reqs = sqlText("SELECT string_agg('\"' || id || '\"', ',') FROM (SELECT id FROM kb_record WHERE kind = 'requirement' "
                + "AND status = 'active' ORDER BY id LIMIT 8) r");
        long assessment = ((Number) admin("POST", "/api/v1/assessments", "{\"name\": \"it-faults\", \"target\": \"it cluster\", "
                + "\"scope\": {\"requirements\": [" + reqs + "]}, \"assessors\": [\"" + ASSESSOR + "\"]}", 201).get("id")).longValue();
        List<Object> items = (List<Object>) admin("GET", "/api/v1/assessments/" + assessment + "/items", null, 200).get("list");
        assertTrue(items.size() >= 4, "items: " + items.size());
        String auth = basic(ASSESSOR, ASSESSOR_PASSWORD);

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong ok = new AtomicLong();
        java.util.concurrent.atomic.AtomicReference<String> lastFailure = new java.util.concurrent.atomic.AtomicReference<>();
        List<Thread> savers = new ArrayList<>();
        for (Object o : items) {
            long item = ((Number) ((Map<String, Object>) o).get("id")).longValue();
            String path = "/api/v1/assessments/" + assessment + "/items/" + item;
            Thread t = new Thread(() -> {
                for (int n = 1; !stop.get(); n++) {
                    try {
                        Map<String, Object> cur = (Map<String, Object>) Json.parse(get(path, auth).body());
                        long version = ((Number) ((Map<String, Object>) cur.get("item")).get("version")).longValue();
                        String mark = "save-" + item + "-" + n;
                        HttpResponse<String> r = send("PUT", path, auth, "{\"version\": " + version + ", \"result\": \""
                                + (n % 2 == 0 ? "satisfied" : "not-satisfied") + "\", \"justification\": \"" + mark
                                + "\", \"evidenceText\": \"" + mark + "\"}");
                        if (r.statusCode() == 200) {
                            ok.incrementAndGet();
                        } else {
                            lastFailure.set(r.statusCode() + " " + r.body());
                        }
                    } catch (Exception e) {
                        lastFailure.set(e.toString());
                        return; // the app is gone
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            savers.add(t);
        }
        try {
            long t0 = System.currentTimeMillis();
            while (saves(assessment) < 20 && System.currentTimeMillis() - t0 < 90_000) {
                Thread.sleep(50);
            }
            assertTrue(saves(assessment) >= 20, "the save burst did not get going (" + ok.get()
                    + " saves answered 200; last failure: " + lastFailure.get() + ")");
            killApp(); // while the savers are still saving
        } finally {
            stop.set(true);
            for (Thread t : savers) {
                t.join(30_000);
            }
        }
        long committed = saves(assessment);
        long inconsistent = sql(String.format(INCONSISTENT_ITEMS, assessment));
        System.out.printf("[ResilienceFaultsIT] SIGKILL during saves: %d saves committed (%d answered 200), %d inconsistent items%n",
                committed, ok.get(), inconsistent);
        assertEquals(0, inconsistent, "items whose fields or latest history disagree after SIGKILL");

        startApp(true);
        assertEquals(0, sql(String.format(INCONSISTENT_ITEMS, assessment)), "after restart");
        assertEquals(200, get("/api/v1/assessments/" + assessment + "/items", auth).statusCode());
    }

    /** Appends " rev1" to every single-line plain title (a title continued on the next line is left alone). */
    static int editTitles() throws IOException {
        int edited = 0;
        try (Stream<Path> s = Files.walk(server.home().resolve("content"), 2)) {
            for (Path f : s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                List<String> lines = new ArrayList<>(Files.readAllLines(f, StandardCharsets.UTF_8));
                for (int i = 0; i < lines.size(); i++) {
                    String l = lines.get(i);
                    if (l.matches("title: [A-Za-z0-9].*[^ ]") && (i + 1 == lines.size() || !lines.get(i + 1).matches("^[ \\t].*"))) {
                        lines.set(i, l + " rev1");
                        edited++;
                        Files.write(f, lines, StandardCharsets.UTF_8);
                        break;
                    }
                }
            }
        }
        return edited;
    }

    @Test
    @Order(3)
    void sigkillDuringContentReloadLeavesOldOrNewTitlesNeverAMix() throws Exception {
        assertEquals(0, sql("SELECT count(*) FROM kb_record WHERE title LIKE '% rev1'"));
        int edited = editTitles();
        assertTrue(edited >= 50, "edited titles: " + edited);

        long t0 = System.currentTimeMillis();
        CompletableFuture<HttpResponse<String>> reload = http.sendAsync(HttpRequest.newBuilder(URI.create(url()
                        + "/api/v1/admin/content/reload")).timeout(Duration.ofSeconds(120))
                .header("Authorization", basic("admin", ADMIN_PASSWORD)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        // kill as soon as the loader's write transaction shows in PostgreSQL (or the reload is over)
        boolean seen = false;
        while (!reload.isDone() && System.currentTimeMillis() - t0 < 60_000) {
            if (sql("SELECT count(*) FROM pg_stat_activity WHERE datname = 'cakb' AND backend_xid IS NOT NULL "
                    + "AND pid <> pg_backend_pid()") > 0) {
                seen = true;
                break;
            }
            Thread.sleep(10);
        }
        killApp();
        long when = System.currentTimeMillis() - t0;
        long killedNew = sql("SELECT count(*) FROM kb_record WHERE title LIKE '% rev1'");

        // restart without the start-up load, so the database shows exactly what the killed reload left
        startApp(false);
        long afterRestart = sql("SELECT count(*) FROM kb_record WHERE title LIKE '% rev1'");
        assertEquals(killedNew, afterRestart, "the restart without a content load changed nothing");
        // then a complete reload: how many records "entirely new" is
        admin("POST", "/api/v1/admin/content/reload", null, 200);
        long total = sql("SELECT count(*) FROM kb_record WHERE title LIKE '% rev1'");
        System.out.printf("[ResilienceFaultsIT] SIGKILL %d ms into a reload (write transaction seen: %s): %d of %d edited titles new -> %s%n",
                when, seen, killedNew, total, killedNew == 0 ? "OLD" : killedNew == total ? "NEW" : "MIXED");
        assertTrue(total >= 50, "the complete reload applied the edited titles: " + total + " of " + edited);
        assertTrue(killedNew == 0 || killedNew == total, "old or new, never a mix: " + killedNew + " of " + total + " titles new");
    }

    static String report(String id) {
        String now = java.time.Instant.now().toString();
        return """
                {"reportId": "%s", "agent": "cakb-agent", "agentVersion": "0.1.0-it", "startedAt": "%s", "finishedAt": "%s",
                 "system": {"hostname": "it", "kernel": "6.1", "osRelease": "Debian"}, "environment": {"vantage": "host", "runtime": null},
                 "results": [{"id": "probe:caps/no-cap-sys-admin", "verifies": [], "status": "%s", "observed": "x", "expected": "y",
                              "explanation": "it"}]}""".formatted(id, now, now, id.hashCode() % 2 == 0 ? "pass" : "fail");
    }

    /**
     * Reports are committed in groups (ReportWriter) and answered after the commit: a SIGKILL in the middle of a burst
     * from several hosts loses no report that was answered 201, and stores none twice.
     */
    @Test
    @Order(4)
    @SuppressWarnings("unchecked")
    void sigkillDuringAReportBurstLosesNoAcknowledgedReport() throws Exception {
        List<String> credentials = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Map<String, Object> h = admin("POST", "/api/v1/hosts", "{\"name\": \"it-faults-burst-" + i + "\"}", 201);
            long host = ((Number) ((Map<String, Object>) h.get("host")).get("id")).longValue();
            String token = (String) admin("POST", "/api/v1/hosts/" + host + "/enrollment-tokens", "{\"lifetimeHours\": 1}", 201).get("token");
            HttpResponse<String> enrolled = send("POST", "/api/v1/agent/enroll", null, "{\"token\": \"" + token + "\"}");
            assertEquals(201, enrolled.statusCode(), enrolled.body());
            credentials.add((String) ((Map<String, Object>) Json.parse(enrolled.body())).get("credential"));
        }
        AtomicBoolean stop = new AtomicBoolean();
        List<String> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> senders = new ArrayList<>();
        for (String credential : credentials) {
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    String id = java.util.UUID.randomUUID().toString();
                    try {
                        if (send("POST", "/api/v1/agent/reports", "Bearer " + credential, report(id)).statusCode() == 201) {
                            acknowledged.add(id);
                        }
                    } catch (Exception e) {
                        return; // the app is gone
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            senders.add(t);
        }
        try {
            long t0 = System.currentTimeMillis();
            while (acknowledged.size() < 60 && System.currentTimeMillis() - t0 < 90_000) {
                Thread.sleep(20);
            }
            assertTrue(acknowledged.size() >= 60, "the report burst did not get going: " + acknowledged.size());
            killApp(); // while the senders are still sending
        } finally {
            stop.set(true);
            for (Thread t : senders) {
                t.join(30_000);
            }
        }
        List<String> acked = List.copyOf(acknowledged);
        String ids = String.join(",", acked.stream().map(id -> "'" + id + "'").toList());
        long stored = sql("SELECT count(*) FROM fleet_report WHERE id IN (" + ids + ")");
        long all = sql("SELECT count(*) FROM fleet_report r JOIN fleet_host h ON h.id = r.host_id WHERE h.name LIKE 'it-faults-burst-%'");
        System.out.printf("[ResilienceFaultsIT] SIGKILL during a report burst: %d acknowledged, %d of them stored; %d stored in all%n",
                acked.size(), stored, all);
        assertEquals(acked.size(), stored, "every acknowledged report is stored, once");
        assertTrue(all <= acked.size() + credentials.size(), "at most one unanswered report per sender stored besides: " + all);
        assertEquals(all, sql("SELECT count(DISTINCT r.id) FROM fleet_report r JOIN fleet_host h ON h.id = r.host_id"
                + " WHERE h.name LIKE 'it-faults-burst-%'"), "no report stored twice");
        startApp(true);
    }
}
