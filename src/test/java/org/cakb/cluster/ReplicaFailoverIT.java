package org.cakb.cluster;

import org.cakb.testing.ChildProcesses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * nginx (Debian package) in front of two replicas; one is SIGKILLed in the middle of browsing, checklist saves and
 * agents reporting (issue #19): idempotent requests succeed through the other (nginx retries them), every report an
 * agent got an acknowledgement for is stored exactly once (agents retry until acknowledged), every checklist save is
 * either committed (200) or refused with a message, and the killed replica rejoins (ready, and in step with the other:
 * a reload on the survivor reaches it within a second).
 */
class ReplicaFailoverIT {
    static final Path NGINX = Paths.get("/usr/sbin/nginx");
    static final String ASSESSOR = "it-failover-assessor";
    static final String ASSESSOR_PASSWORD = "it-failover-assessor-password";
    static final String INCONSISTENT_ITEMS = "SELECT count(*) FROM checklist_item i WHERE i.assessment_id = %d AND "
            + "(i.justification <> i.evidence_text OR i.justification <> coalesce((SELECT h.new_value FROM assessment_history h "
            + "WHERE h.item_id = i.id AND h.field = 'justification' ORDER BY h.id DESC LIMIT 1), ''))";

    static Replicas r;
    static Process nginx;
    static int lbPort;

    @BeforeAll
    static void setUp() throws Exception {
        Replicas.requireEnvironment("ReplicaFailoverIT");
        Replicas.require(Files.isExecutable(NGINX), "ReplicaFailoverIT needs nginx (apt-get install nginx-light)");
        r = new Replicas("failover-it", 2);
        long t0 = System.currentTimeMillis();
        r.start(0);
        r.awaitReady(0, t0);
        r.start(1);
        r.awaitReady(1, t0);
        lbPort = ChildProcesses.freePort();
        Path conf = r.work.resolve("nginx.conf");
        Path temp = Files.createDirectories(r.work.resolve("nginx-temp"));
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.writeString(conf, nginxConf(r.work, temp, lbPort, r.ports));
        nginx = new ProcessBuilder(NGINX.toString(), "-c", conf.toString(), "-p", r.work.toString())
                .redirectErrorStream(true).redirectOutput(r.work.resolve("nginx.out").toFile()).start();
        long t1 = System.currentTimeMillis();
        while (System.currentTimeMillis() - t1 < 20_000) {
            try {
                if (Replicas.send(lb(), "GET", "/q/health/ready", null, null).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("nginx did not come up: " + Files.readString(r.work.resolve("nginx.out")));
    }

    /**
     * The recommended proxy settings (docs: README "Several replicas"): failed idempotent requests go to the next
     * replica (error, timeout, 502/503); POSTs that reached a replica are never replayed (nginx's default), and a
     * replica that went away mid-request gets a JSON 503 saying so.
     */
    static String nginxConf(Path work, Path temp, int port, int[] replicas) {
        StringBuilder servers = new StringBuilder();
        for (int p : replicas) {
            servers.append("    server 127.0.0.1:").append(p).append(" max_fails=1 fail_timeout=3s;\n");
        }
        return """
                daemon off;
                user root;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/nginx-error.log warn;
                events { worker_connections 1024; }
                http {
                  access_log off;
                  client_body_temp_path %2$s/body;
                  proxy_temp_path %2$s/proxy;
                  fastcgi_temp_path %2$s/fastcgi;
                  uwsgi_temp_path %2$s/uwsgi;
                  scgi_temp_path %2$s/scgi;
                  upstream cakb {
                %3$s    keepalive 16;
                  }
                  server {
                    listen 127.0.0.1:%4$d;
                    client_max_body_size 10m;
                    location / {
                      proxy_pass http://cakb;
                      proxy_http_version 1.1;
                      proxy_set_header Connection "";
                      proxy_set_header Host $host;
                      proxy_set_header X-Forwarded-For $remote_addr;
                      proxy_set_header X-Forwarded-Proto $scheme;
                      proxy_connect_timeout 2s;
                      proxy_read_timeout 60s;
                      proxy_next_upstream error timeout http_502 http_503;
                      proxy_next_upstream_tries 2;
                      proxy_intercept_errors off;
                      error_page 502 504 = @replica_gone;
                    }
                    location @replica_gone {
                      default_type application/json;
                      return 503 '{"status":503,"error":"Service Unavailable","message":"The replica handling this request went away before answering; it may or may not have been applied: check, then retry"}';
                    }
                  }
                }
                """.formatted(work, temp, servers, port);
    }

    @AfterAll
    static void tearDown() throws Exception {
        try {
            if (nginx != null) {
                nginx.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } finally {
            if (r != null) {
                r.close();
            }
        }
    }

    static String lb() {
        return "http://127.0.0.1:" + lbPort;
    }

    /** Tallies answers by class; problems keeps a few examples of what counted as an error. */
    static final class Tally {
        final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
        final List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());

        void count(String key) {
            counts.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
        }

        long get(String key) {
            AtomicLong v = counts.get(key);
            return v == null ? 0 : v.get();
        }

        void problem(String p) {
            if (problems.size() < 10) {
                problems.add(p);
            }
        }

        @Override
        public String toString() {
            return new TreeMap<>(counts).toString();
        }
    }

    static String report(String id) {
        String now = Instant.now().toString();
        return """
                {"reportId": "%s", "agent": "cakb-agent", "agentVersion": "0.1.0-it",
                 "startedAt": "%s", "finishedAt": "%s", "bundle": "it",
                 "system": {"hostname": "failover", "kernel": "6.1.0", "osRelease": "Debian GNU/Linux 12"},
                 "environment": {"vantage": "container", "runtime": "docker"},
                 "results": [
                   {"id": "probe:caps/no-cap-sys-admin", "verifies": ["cm:no-cap-sys-admin"], "status": "pass",
                    "observed": "no CAP_SYS_ADMIN", "expected": "no CAP_SYS_ADMIN", "explanation": "it"}
                 ]}""".formatted(id, now, now);
    }

    @Test
    void sigkillOfOneReplicaBehindNginx() throws Exception {
        // fixtures through the balancer: an assessor with an assessment, and agents with credentials
        Replicas.json(Replicas.send(lb(), "POST", "/api/v1/users", Replicas.admin(), "{\"username\": \"" + ASSESSOR
                + "\", \"password\": \"" + ASSESSOR_PASSWORD + "\", \"roles\": [\"assessor\"]}"), 201, "assessor");
        long assessment = Replicas.json(Replicas.send(lb(), "POST", "/api/v1/assessments", Replicas.admin(),
                "{\"name\": \"it-failover\", \"target\": \"two replicas\", \"scope\": {\"requirements\": [\"nistir8176:req/a1-measured-boot-chain\", \"nistir8176:req/a1-attestation-before-join\"]}, "
                        + "\"assessors\": [\"" + ASSESSOR + "\"]}"), 201, "assessment").path("id").asLong();
        JsonNode items = Replicas.json(Replicas.send(lb(), "GET", "/api/v1/assessments/" + assessment + "/items",
                Replicas.admin(), null), 200, "items");
        List<Long> itemIds = new ArrayList<>();
        items.forEach(i -> itemIds.add(i.path("id").asLong()));
        assertTrue(!itemIds.isEmpty(), "items: " + items);
        List<String> agents = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String token = r.enrollmentToken(0, "it-failover-" + i);
            agents.add(Replicas.json(Replicas.send(lb(), "POST", "/api/v1/agent/enroll", null, "{\"token\": \"" + token + "\"}"),
                    201, "enroll").path("credential").asText());
        }

        AtomicBoolean stop = new AtomicBoolean();
        Tally browse = new Tally();
        Tally saves = new Tally();
        Tally reports = new Tally();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        Set<String> committedMarks = ConcurrentHashMap.newKeySet();
        List<Thread> threads = new ArrayList<>();
        String[] pages = {"/", "/threats/threat:container-to-host-escape", "/api/v1/threats?size=20", "/matrix",
                "/api/v1/requirements/nistir8176:req/a1-measured-boot-chain"};
        for (int t = 0; t < 3; t++) {
            int offset = t;
            threads.add(new Thread(() -> {
                for (int n = offset; !stop.get(); n++) {
                    String path = pages[n % pages.length];
                    try {
                        int s = Replicas.send(lb(), "GET", path, null, null).statusCode();
                        browse.count(s == 200 ? "ok" : "error");
                        if (s != 200) {
                            browse.problem(path + " -> " + s);
                        }
                    } catch (Exception e) {
                        browse.count("error");
                        browse.problem(path + " -> " + e);
                    }
                }
            }));
        }
        String assessor = Replicas.basic(ASSESSOR, ASSESSOR_PASSWORD);
        for (int t = 0; t < 2; t++) {
            long item = itemIds.get(t % itemIds.size());
            String path = "/api/v1/assessments/" + assessment + "/items/" + item;
            int thread = t;
            threads.add(new Thread(() -> {
                for (int n = 1; !stop.get(); n++) {
                    try {
                        HttpResponse<String> cur = Replicas.send(lb(), "GET", path, assessor, null);
                        if (cur.statusCode() != 200) {
                            saves.count("read-" + cur.statusCode());
                            continue;
                        }
                        long version = Replicas.JSON.readTree(cur.body()).path("item").path("version").asLong();
                        String mark = "failover-" + thread + "-" + n;
                        HttpResponse<String> s = Replicas.send(lb(), "PUT", path, assessor, "{\"version\": " + version
                                + ", \"result\": \"satisfied\", \"justification\": \"" + mark + "\", \"evidenceText\": \"" + mark + "\"}");
                        if (s.statusCode() == 200) {
                            saves.count("committed");
                            committedMarks.add(mark);
                        } else {
                            String message = "";
                            try {
                                message = Replicas.JSON.readTree(s.body()).path("message").asText("");
                            } catch (Exception e) {
                                // not JSON: no message
                            }
                            saves.count(message.isBlank() ? "refused-without-message" : "refused-" + s.statusCode());
                            if (message.isBlank() || s.statusCode() >= 500) {
                                saves.problem(s.statusCode() + " " + s.body());
                            }
                        }
                    } catch (Exception e) {
                        saves.count("no-answer");
                        saves.problem(e.toString());
                    }
                }
            }));
        }
        for (String credential : agents) {
            threads.add(new Thread(() -> {
                while (!stop.get()) {
                    String id = UUID.randomUUID().toString();
                    String body = report(id);
                    for (int attempt = 1; attempt <= 30; attempt++) { // the agent's retry: same report, same UUID
                        try {
                            int s = Replicas.send(lb(), "POST", "/api/v1/agent/reports", "Bearer " + credential, body).statusCode();
                            if (s == 201 || s == 200) {
                                acknowledged.add(id);
                                reports.count(attempt == 1 ? "acknowledged" : "acknowledged-after-retry");
                                break;
                            }
                            reports.count("retried-" + s);
                        } catch (Exception e) {
                            reports.count("retried-no-answer");
                        }
                        try {
                            Thread.sleep(200);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        Thread.sleep(8_000);
        long killedAt = System.currentTimeMillis();
        r.kill(0);
        System.out.println("[ReplicaFailoverIT] replica A SIGKILLed under load");
        Thread.sleep(8_000);
        long restart = System.currentTimeMillis();
        r.start(0);
        double rejoin = r.awaitReady(0, restart);
        System.out.printf("[ReplicaFailoverIT] replica A restarted: ready %.1f s after the restart (%.1f s after the kill)%n",
                rejoin, (System.currentTimeMillis() - killedAt) / 1000.0);
        Thread.sleep(5_000); // A takes traffic again
        stop.set(true);
        for (Thread t : threads) {
            t.join(60_000);
        }

        // rejoined and in step: a reload on B reaches A within a second
        Path file = r.home.resolve("content/threats/threat--container-to-host-escape.yaml");
        Files.writeString(file, Files.readString(file).replace("\ntitle: Container-to-host attack (escape)\n",
                "\ntitle: Container-to-host attack (escape) failover-rev\n"));
        Replicas.json(Replicas.send(r.url(1), "POST", "/api/v1/admin/content/reload", Replicas.admin(), "{}"), 200, "reload on B");
        long t0 = System.nanoTime();
        double coherence = -1;
        while (System.nanoTime() - t0 < 5_000_000_000L) {
            if (r.get(0, "/threats/threat:container-to-host-escape", null).body().contains("failover-rev")) {
                coherence = (System.nanoTime() - t0) / 1e6;
                break;
            }
            Thread.sleep(10);
        }

        long stored = r.sql("SELECT count(*) FROM fleet_report r JOIN fleet_host h ON h.id = r.host_id WHERE h.name LIKE 'it-failover-%'");
        long distinct = r.sql("SELECT count(DISTINCT r.id) FROM fleet_report r JOIN fleet_host h ON h.id = r.host_id WHERE h.name LIKE 'it-failover-%'");
        List<String> missing = new ArrayList<>();
        for (String id : acknowledged) {
            if (r.sql("SELECT count(*) FROM fleet_report WHERE id = '" + id + "'") != 1) {
                missing.add(id);
            }
        }
        long missingMarks = 0;
        for (String mark : committedMarks) {
            if (r.sql("SELECT count(*) FROM assessment_history WHERE field = 'justification' AND new_value = '" + mark + "'") != 1) {
                missingMarks++;
            }
        }
        long inconsistent = r.sql(String.format(INCONSISTENT_ITEMS, assessment));
        System.out.printf("[ReplicaFailoverIT] browsing %s; saves %s; reports %s: %d acknowledged, %d stored (%d distinct), "
                        + "%d acknowledged but not stored once; committed saves missing from history %d, inconsistent items %d; "
                        + "reload on B seen on rejoined A after %.0f ms%n", browse, saves, reports, acknowledged.size(), stored, distinct,
                missing.size(), missingMarks, inconsistent, coherence);
        System.out.println("[ReplicaFailoverIT] examples: browsing " + browse.problems + ", saves " + saves.problems);
        r.errors(10).forEach(l -> System.out.println("[ReplicaFailoverIT] " + l));
        assertEquals(0, browse.get("error"), "idempotent requests all succeed through the survivor: " + browse.problems);
        assertTrue(browse.get("ok") > 50, "browsing load ran: " + browse);
        assertEquals(List.of(), missing, "every acknowledged report stored exactly once");
        assertEquals(stored, distinct);
        assertEquals(acknowledged.size(), stored, "no report stored that no agent got an answer for (agents retry until acknowledged)");
        assertTrue(acknowledged.size() > 10, "reporting load ran: " + reports);
        assertEquals(0, saves.get("refused-without-message") + saves.get("no-answer"), "every save committed or refused with a message: "
                + saves.problems);
        assertEquals(0, saves.get("refused-500"), "no save failed with an internal error: " + saves.problems);
        assertTrue(saves.get("committed") > 5, "save load ran: " + saves);
        assertEquals(0, missingMarks, "every save answered 200 is committed");
        assertEquals(0, inconsistent, "no item disagrees with its history");
        assertTrue(coherence >= 0 && coherence <= 1000, "the rejoined replica follows a reload within 1 s: " + coherence + " ms");
    }
}
