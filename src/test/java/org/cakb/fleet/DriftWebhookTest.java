package org.cakb.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.cakb.cluster.ClusterLocks;
import org.cakb.testing.Database;
import org.cakb.testing.FastAdmin;
import org.cakb.testing.FleetFixture;
import org.cakb.testing.PageSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Drift webhooks end to end with a real HTTP receiver (the JDK's HttpServer on a loopback port): agent reports make a
 * pass -> fail transition, the trigger queues it, the sender POSTs it; the receiver checks the HMAC signature the way a
 * customer's would, answers 500 once (retried with backoff), and other receivers refuse (4xx), redirect (not followed)
 * or keep failing (given up after max-attempts).
 */
@QuarkusTest
class DriftWebhookTest {

    @Inject
    DriftWebhookSender sender;
    @Inject
    ClusterLocks locks;
    @Inject
    Database db;
    @Inject
    org.cakb.assessment.Fixtures fixtures;

    private final ObjectMapper json = new ObjectMapper();
    private HttpServer receiver;
    private final Map<String, ArrayDeque<Integer>> answers = new HashMap<>();
    private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    private String credential;
    private String hostName;

    record Received(String path, Map<String, String> headers, byte[] body) {
    }

    @BeforeEach
    void start() throws Exception {
        FastAdmin.ensure();
        disableAll();
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
            String path = exchange.getRequestURI().getPath();
            received.add(new Received(path, headers, body));
            Integer status;
            synchronized (answers) {
                ArrayDeque<Integer> queue = answers.get(path);
                status = queue == null || queue.isEmpty() ? 200 : queue.size() == 1 ? queue.peek() : queue.poll();
            }
            if (status == 302) {
                exchange.getResponseHeaders().add("Location", base() + "/ok");
            }
            byte[] reply = (status == 410 ? "hook removed" : "fine").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, reply.length);
            exchange.getResponseBody().write(reply);
            exchange.close();
        });
        receiver.start();
        hostName = "webhook-host-" + UUID.randomUUID().toString().substring(0, 8);
        credential = FleetFixture.enrolledAgent(hostName);
    }

    @AfterEach
    void stop() {
        disableAll();
        receiver.stop(0);
    }

    /** Webhooks other tests registered would take part in the rounds: only this test's webhooks are enabled. */
    private void disableAll() {
        for (Object id : admin().get("/api/v1/admin/webhooks").then().extract().<List<Object>>path("findAll { it.disabledAt == null }.id")) {
            admin().contentType(ContentType.JSON).body("{}").post("/api/v1/admin/webhooks/" + id + "/disable").then().statusCode(200);
        }
    }

    private String base() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort();
    }

    private static io.restassured.specification.RequestSpecification admin() {
        return given().auth().preemptive().basic(FastAdmin.USERNAME, FastAdmin.PASSWORD);
    }

    private void answer(String path, Integer... statuses) {
        synchronized (answers) {
            answers.put(path, new ArrayDeque<>(List.of(statuses)));
        }
    }

    /** Registers a webhook for the path; returns {id, secret}. */
    private String[] register(String path) {
        var r = admin().contentType(ContentType.JSON).body(Map.of("url", base() + path, "description", "test " + path))
                .post("/api/v1/admin/webhooks").then().statusCode(201)
                .body("signatureHeader", equalTo("X-CAKB-Signature")).extract();
        return new String[]{String.valueOf(r.<Integer>path("webhook.id")), r.path("secret")};
    }

    private void report(String status) {
        given().auth().oauth2(credential).contentType(ContentType.JSON)
                .body(FleetFixture.report(UUID.randomUUID().toString(), Instant.now(), status, "CapEff " + status))
                .post("/api/v1/agent/reports").then().statusCode(201);
    }

    private void makeDue() throws Exception {
        db.execute("UPDATE drift_webhook_delivery SET next_attempt_at = now() WHERE state = 'pending'");
    }

    private Map<String, String> delivery(String webhookId) {
        String row = db.single("SELECT state || '|' || attempts || '|' || coalesce(last_status::text, '') || '|' || coalesce(last_error, '')"
                + " || '|' || coalesce(extract(epoch FROM next_attempt_at - now())::int::text, '') FROM drift_webhook_delivery"
                + " WHERE webhook_id = " + webhookId + " ORDER BY id DESC LIMIT 1");
        String[] p = row.split("\\|", -1);
        return Map.of("state", p[0], "attempts", p[1], "status", p[2], "error", p[3], "dueIn", p[4]);
    }

    static boolean validSignature(String header, byte[] body, String secret, long now) throws Exception {
        Map<String, String> parts = new HashMap<>();
        for (String kv : header.split(",")) {
            String[] p = kv.split("=", 2);
            parts.put(p[0], p[1]);
        }
        long t = Long.parseLong(parts.get("t"));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
        byte[] expected = mac.doFinal(body);
        return Math.abs(now - t) < 300 && MessageDigest.isEqual(expected, HexFormat.of().parseHex(parts.get("v1")));
    }

    @Test
    void aSignedEventIsRetriedAfterA500AndDeliveredOnce() throws Exception {
        String[] hook = register("/hook");
        admin().get("/api/v1/admin/webhooks").then().statusCode(200).body(not(containsString(hook[1])));
        report("pass");
        assertEquals("0", db.single("SELECT count(*) FROM drift_webhook_delivery WHERE webhook_id = " + hook[0]), "a first observation is no drift");
        report("fail");
        assertEquals("pending", delivery(hook[0]).get("state"));

        answer("/hook", 500, 200);
        DriftWebhookSender.Round first = sender.deliverDue();
        assertEquals(0, first.delivered());
        Map<String, String> afterFirst = delivery(hook[0]);
        assertEquals("pending", afterFirst.get("state"));
        assertEquals("1", afterFirst.get("attempts"));
        assertEquals("500", afterFirst.get("status"));
        int dueIn = Integer.parseInt(afterFirst.get("dueIn"));
        assertTrue(dueIn > 20 && dueIn <= 30, "the first retry waits cakb.webhooks.first-retry (30 s), got " + dueIn);
        assertEquals(0, sender.deliverDue().attempted(), "nothing is due before the backoff has passed");

        makeDue();
        assertEquals(1, sender.deliverDue().delivered());
        assertEquals("delivered", delivery(hook[0]).get("state"));
        assertEquals("2", delivery(hook[0]).get("attempts"));
        makeDue();
        assertEquals(0, sender.deliverDue().attempted(), "a delivered event is not sent again");

        List<Received> got = received.stream().filter(r -> r.path().equals("/hook")).toList();
        assertEquals(2, got.size());
        long now = System.currentTimeMillis() / 1000;
        for (Received r : got) {
            assertTrue(validSignature(r.headers().get("x-cakb-signature"), r.body(), hook[1], now), r.headers().toString());
            assertFalse(validSignature(r.headers().get("x-cakb-signature"), (new String(r.body(), StandardCharsets.UTF_8) + " ").getBytes(StandardCharsets.UTF_8),
                    hook[1], now), "a changed body does not verify");
            assertFalse(validSignature(r.headers().get("x-cakb-signature"), r.body(), hook[1] + "x", now), "another secret does not verify");
            assertEquals("application/json", r.headers().get("content-type"));
        }
        assertTrue(java.util.Arrays.equals(got.get(0).body(), got.get(1).body()), "a retry sends the same body");
        JsonNode event = json.readTree(got.get(1).body());
        assertEquals("check.failed", event.get("type").asText());
        assertEquals("pass", event.get("fromStatus").asText());
        assertEquals("fail", event.get("toStatus").asText());
        assertEquals("probe:caps/no-cap-sys-admin", event.get("checkId").asText());
        assertEquals(hostName, event.get("host").asText());
        assertEquals(event.get("id").asText(), got.get(1).headers().get("x-cakb-event-id"));
        assertEquals("check.failed", got.get(1).headers().get("x-cakb-event"));

        report("pass");   // recovery is an event too
        makeDue();
        sender.deliverDue();
        JsonNode recovered = json.readTree(received.get(received.size() - 1).body());
        assertEquals("check.recovered", recovered.get("type").asText());
    }

    @Test
    void refusalsRedirectsAndGivingUpAreRecordedAndShown() throws Exception {
        String[] gone = register("/gone");
        String[] moved = register("/moved");
        String[] broken = register("/broken");
        answer("/gone", 410);
        answer("/moved", 302);
        answer("/broken", 503);
        report("pass");
        report("fail");
        sender.deliverDue();
        Map<String, String> refused = delivery(gone[0]);
        assertEquals("refused", refused.get("state"));
        assertEquals("410", refused.get("status"));
        assertTrue(refused.get("error").contains("hook removed"), refused.get("error"));
        Map<String, String> redirected = delivery(moved[0]);
        assertEquals("refused", redirected.get("state"));
        assertTrue(redirected.get("error").contains("not followed"), redirected.get("error"));
        assertTrue(received.stream().noneMatch(r -> r.path().equals("/ok")), "the redirect was not followed");
        // the broken receiver is retried until max-attempts (3 in tests), then given up
        for (int i = 0; i < 5; i++) {
            makeDue();
            sender.deliverDue();
        }
        assertEquals("failed", delivery(broken[0]).get("state"));
        assertEquals("3", delivery(broken[0]).get("attempts"));
        assertEquals(1, received.stream().filter(r -> r.path().equals("/gone")).count(), "a refused delivery is not retried");

        admin().queryParam("failures", "true").get("/api/v1/admin/webhooks/" + gone[0] + "/deliveries").then().statusCode(200)
                .body("[0].state", equalTo("refused")).body("[0].lastStatus", equalTo(410));
        admin().get("/api/v1/admin/webhooks").then().body("find { it.id == " + broken[0] + " }.failed", equalTo(1));
        PageSession page = PageSession.login(FastAdmin.USERNAME, FastAdmin.PASSWORD);
        page.get("/admin/webhooks").then().statusCode(200).body(containsString("HTTP 410: hook removed"))
                .body(containsString("not followed")).body(not(containsString(gone[1])));
    }

    @Test
    void onlyHttpsIsAcceptedAndAdminsManageWebhooksWithAudit() throws Exception {
        for (String bad : List.of("http://siem.example/hook", "ftp://siem.example/x", "https://user:pw@siem.example/x", "not a url", "/relative")) {
            admin().contentType(ContentType.JSON).body(Map.of("url", bad)).post("/api/v1/admin/webhooks").then().statusCode(400)
                    .body("message", containsString("url"));
        }
        fixtures.users();
        given().auth().preemptive().basic(org.cakb.assessment.Fixtures.VIEWER, org.cakb.assessment.Fixtures.PASSWORD)
                .contentType(ContentType.JSON).body(Map.of("url", base() + "/x")).post("/api/v1/admin/webhooks").then().statusCode(403);
        // the page form, with its CSRF token; the secret is shown once on the answer
        PageSession page = PageSession.login(FastAdmin.USERNAME, FastAdmin.PASSWORD).tokenFrom("/admin/webhooks");
        String html = given().cookies(page.cookies).contentType(ContentType.URLENC).formParam("csrf-token", page.csrfToken)
                .formParam("url", base() + "/paged").formParam("description", "from the page").post("/admin/webhooks")
                .then().statusCode(200).body(containsString("cakb_whsec_")).extract().asString();
        assertTrue(html.contains(base() + "/paged"));
        given().redirects().follow(false).cookies(page.cookies).contentType(ContentType.URLENC).formParam("url", base() + "/forged")
                .post("/admin/webhooks").then().statusCode(org.hamcrest.Matchers.anyOf(equalTo(400), equalTo(403)));
        long id = Long.parseLong(db.single("SELECT id FROM drift_webhook WHERE url = '" + base() + "/paged'"));
        assertEquals("0", db.single("SELECT count(*) FROM drift_webhook WHERE url = '" + base() + "/forged'"));
        assertFalse(db.single("SELECT secret_ciphertext FROM drift_webhook WHERE id = " + id).contains("cakb_whsec_"), "stored encrypted");
        admin().contentType(ContentType.JSON).body("{}").post("/api/v1/admin/webhooks/" + id + "/disable").then().statusCode(200)
                .body("disabledBy", equalTo(FastAdmin.USERNAME));
        report("pass");
        report("fail");
        assertEquals("0", db.single("SELECT count(*) FROM drift_webhook_delivery WHERE webhook_id = " + id), "a disabled webhook gets nothing");
        assertEquals("1", db.single("SELECT count(*) FROM audit_event WHERE action = 'webhook.create' AND target = 'webhook:" + id + "'"));
        assertEquals("1", db.single("SELECT count(*) FROM audit_event WHERE action = 'webhook.disable' AND target = 'webhook:" + id + "'"));
        admin().contentType(ContentType.JSON).body("{}").post("/api/v1/admin/webhooks/99999999/disable").then().statusCode(404);
    }

    @Test
    void oneReplicaDeliversAtATime() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread other = new Thread(() -> locks.withLock(DriftWebhookSender.LOCK, () -> {
            held.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }));
        other.start();
        assertTrue(held.await(30, TimeUnit.SECONDS));
        try {
            assertTrue(sender.deliverDue().skipped(), "another replica holds the sender lock");
        } finally {
            release.countDown();
            other.join(30_000);
        }
        assertFalse(sender.deliverDue().skipped());
    }
}
