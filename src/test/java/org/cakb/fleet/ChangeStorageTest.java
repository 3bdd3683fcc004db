package org.cakb.fleet;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.cakb.testing.Database;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.cakb.testing.FleetFixture.container;
import static org.cakb.testing.FleetFixture.enroll;
import static org.cakb.testing.FleetFixture.registerHost;
import static org.cakb.testing.FleetFixture.report;
import static org.cakb.testing.FleetFixture.report2;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Format-2 ingestion and storage by change: state, transitions, receipts, deltas, gone containers. */
@QuarkusTest
class ChangeStorageTest {

    private static final String A = "a".repeat(64), B = "b".repeat(64);

    @Inject
    Database db;

    private static String post(String credential, String body, int status) {
        given().auth().oauth2(credential).contentType(ContentType.JSON).body(body).post("/api/v1/agent/reports").then()
                .statusCode(status);
        return body;
    }

    private long states(long host) {
        return db.count("SELECT count(*) FROM fleet_check_state c JOIN fleet_subject s ON s.id = c.subject_id WHERE s.host_id = " + host);
    }

    private long transitions(long host) {
        return db.count("SELECT count(*) FROM fleet_transition t JOIN fleet_subject s ON s.id = t.subject_id WHERE s.host_id = " + host);
    }

    @Test
    void format2StoresEachContainerWithTheServersCountermeasures() {
        long host = registerHost("f2-containers");
        String credential = enroll(host);
        String id = UUID.randomUUID().toString();
        post(credential, report2(id, Instant.now(), null, "pass", container(A, "web", "docker", "fail"),
                container(B, "db", "containerd", "pass")), 201);
        assertEquals(3, db.count("SELECT count(*) FROM fleet_subject WHERE host_id = " + host));
        assertEquals(5, states(host));
        assertEquals(5, transitions(host), "first observations start the history");
        assertEquals("{cm:capabilities-minimal,cm:no-cap-sys-admin}", db.single("SELECT countermeasures::text FROM fleet_current_result WHERE host_id = " + host
                + " AND container_name = 'web' AND check_id = 'probe:caps/no-cap-sys-admin'"), "the agent's verifies list is ignored");
        assertEquals(0, db.count("SELECT count(*) FROM fleet_current_result WHERE 'cm:made-up-by-agent' = ANY (countermeasures)"));
        assertEquals("fail|4242|registry.example/app:1", db.single("SELECT concat_ws('|', c.status, s.pid, s.image) FROM fleet_check_state c"
                + " JOIN fleet_subject s ON s.id = c.subject_id WHERE s.host_id = " + host + " AND s.container_id = '" + A
                + "' AND c.check_id = 'probe:caps/no-cap-sys-admin'"));
        given().auth().preemptive().basic("admin", "test-admin-password").get("/api/v1/hosts/" + host).then().statusCode(200)
                .body("host.containers", equalTo(2)).body("host.failed", equalTo(1)).body("host.passed", equalTo(4));
    }

    /** Texts travel in binary array parameters: quotes, backslashes, braces, commas and non-ASCII arrive unchanged. */
    @Test
    void theReportAndItsTextsAreStoredAsReceived() {
        long host = registerHost("f2-texts");
        String credential = enroll(host);
        String name = "web \\\"quoted\\\" \\\\ {a,b} NULL é漢";
        Instant t = Instant.now().minus(10, ChronoUnit.MINUTES);
        post(credential, report2(UUID.randomUUID().toString(), t, null, "pass", container(A, "web", "docker", "fail")), 201);
        String id = UUID.randomUUID().toString(); // a change: the subject's update, the states and the payload are array rows
        String body = post(credential, report2(id, t.plusSeconds(60), null, "pass", container(A, name, "docker", "pass")), 201);
        assertEquals("web \"quoted\" \\ {a,b} NULL é漢", db.single("SELECT name FROM fleet_subject WHERE host_id = " + host
                + " AND container_id = '" + A + "'"));
        assertEquals("true", db.single("SELECT (payload = '" + body.replace("'", "''") + "'::jsonb)::text FROM fleet_report WHERE id = '" + id + "'"),
                "the payload is the body as sent");
    }

    @Test
    void anUnchangedReportAddsNoResultRowsAndNoPayload() {
        long host = registerHost("f2-unchanged");
        String credential = enroll(host);
        Instant t = Instant.now().minus(10, ChronoUnit.MINUTES);
        post(credential, report2(UUID.randomUUID().toString(), t, null, "pass", container(A, "web", "docker", "pass")), 201);
        long states = states(host), transitions = transitions(host);
        String again = UUID.randomUUID().toString();
        post(credential, report2(again, t.plusSeconds(60), null, "pass", container(A, "web", "docker", "pass")), 201);
        assertEquals(states, states(host));
        assertEquals(transitions, transitions(host));
        assertEquals(2, db.count("SELECT count(*) FROM fleet_report WHERE host_id = " + host), "every report has its receipt");
        assertNull(db.single("SELECT payload::text FROM fleet_report WHERE id = '" + again + "'"), "no payload for an unchanged report");
        assertEquals(again, db.single("SELECT state_report_id::text FROM fleet_host WHERE id = " + host));
        given().auth().preemptive().basic("admin", "test-admin-password").get("/api/v1/hosts/" + host + "/reports/" + again).then()
                .statusCode(200).body("unchanged", equalTo(true));
    }

    @Test
    void aChangeAddsExactlyItsTransitions() {
        long host = registerHost("f2-change");
        String credential = enroll(host);
        Instant t = Instant.now().minus(10, ChronoUnit.MINUTES);
        String first = UUID.randomUUID().toString();
        post(credential, report2(first, t, null, "pass", container(A, "web", "docker", "pass"), container(B, "db", "docker", "pass")), 201);
        long transitions = transitions(host);
        String second = UUID.randomUUID().toString();
        post(credential, report2(second, t.plusSeconds(60), null, "pass", container(A, "web", "docker", "fail"),
                container(B, "db", "docker", "pass")), 201);
        assertEquals(transitions + 1, transitions(host));
        assertEquals("pass|fail|" + second, db.single("SELECT concat_ws('|', t.from_status, t.to_status, t.report_id) FROM fleet_transition t"
                + " JOIN fleet_subject s ON s.id = t.subject_id WHERE s.host_id = " + host + " AND t.from_status IS NOT NULL"));
        assertEquals(second, db.single("SELECT c.since_report_id::text FROM fleet_check_state c JOIN fleet_subject s ON s.id = c.subject_id"
                + " WHERE s.container_id = '" + A + "' AND s.host_id = " + host + " AND c.check_id = 'probe:caps/no-cap-sys-admin'"));
        assertEquals("1", db.single("SELECT changes::text FROM fleet_report WHERE id = '" + second + "'"));
    }

    @Test
    void deltaReportsApplyOnlyAgainstTheStateTheServerHolds() {
        long host = registerHost("f2-delta");
        String credential = enroll(host);
        Instant t = Instant.now().minus(10, ChronoUnit.MINUTES);
        String full = UUID.randomUUID().toString();
        post(credential, report2(full, t, null, "pass", container(A, "web", "docker", "pass"), container(B, "db", "docker", "pass")), 201);
        given().auth().oauth2(credential).contentType(ContentType.JSON)
                .body(report2(UUID.randomUUID().toString(), t.plusSeconds(30), UUID.randomUUID().toString(), null))
                .post("/api/v1/agent/reports").then().statusCode(409).body("fullReportRequired", equalTo(true))
                .body("message", containsString("send a full report"));
        String unchanged = UUID.randomUUID().toString();
        post(credential, report2(unchanged, t.plusSeconds(60), full, null), 201);
        String delta = UUID.randomUUID().toString();
        long states = states(host), transitions = transitions(host);
        String onlyTheChange = """
                {"id": "%s", "name": "db", "runtime": "docker", "image": "registry.example/app:1", "pid": 4242, "cgroup": "/docker/%s",
                 "results": [{"id": "probe:caps/no-cap-sys-admin", "verifies": [], "status": "fail", "observed": "CapEff fail",
                              "expected": "no CAP_SYS_ADMIN", "explanation": "test"}]}""".formatted(B, B);
        post(credential, report2(delta, t.plusSeconds(120), unchanged, null, onlyTheChange), 201);
        assertEquals(states, states(host), "a delta keeps the results it does not mention");
        assertEquals(transitions + 1, transitions(host));
        assertEquals(2, db.count("SELECT count(*) FROM fleet_subject WHERE host_id = " + host + " AND kind = 'container' AND gone_at IS NULL"));
        assertEquals("1", db.single("SELECT failed::text FROM fleet_subject WHERE host_id = " + host + " AND container_id = '" + B + "'"));
    }

    @Test
    void aFullReportWithoutAContainerMarksItGone() {
        long host = registerHost("f2-gone");
        String credential = enroll(host);
        Instant t = Instant.now().minus(10, ChronoUnit.MINUTES);
        post(credential, report2(UUID.randomUUID().toString(), t, null, "pass", container(A, "web", "docker", "fail"),
                container(B, "db", "docker", "pass")), 201);
        post(credential, report2(UUID.randomUUID().toString(), t.plusSeconds(60), null, "pass", container(B, "db", "docker", "pass")), 201);
        assertEquals(1, db.count("SELECT count(*) FROM fleet_subject WHERE host_id = " + host + " AND gone_at IS NOT NULL"));
        assertEquals(0, db.count("SELECT count(*) FROM fleet_current_result WHERE host_id = " + host + " AND container_id = '" + A + "'"));
        assertEquals(0, db.count("SELECT count(*) FROM fleet_current_result WHERE host_id = " + host + " AND status = 'fail'"));
    }

    @Test
    void format1StillWorksAndAnOlderReportDoesNotOverwriteNewerState() {
        long host = registerHost("f1-order");
        String credential = enroll(host);
        Instant t = Instant.now().minus(10, ChronoUnit.MINUTES);
        String newer = UUID.randomUUID().toString();
        post(credential, report(newer, t, "pass", "x"), 201);
        String older = UUID.randomUUID().toString();
        post(credential, report(older, t.minusSeconds(120), "fail", "x"), 201);
        assertEquals(newer, db.single("SELECT state_report_id::text FROM fleet_host WHERE id = " + host));
        assertEquals("f", db.single("SELECT applied::text FROM fleet_report WHERE id = '" + older + "'").substring(0, 1));
        assertEquals(0, db.count("SELECT count(*) FROM fleet_current_result WHERE host_id = " + host + " AND status = 'fail'"));
        given().auth().oauth2(credential).contentType(ContentType.JSON)
                .body(report(UUID.randomUUID().toString(), "pass").replace("\"results\"", "\"containers\": [], \"results\""))
                .post("/api/v1/agent/reports").then().statusCode(422).body("message", containsString("format"));
    }
}
