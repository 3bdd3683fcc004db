package org.cakb.fleet;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.cakb.testing.Database;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static org.cakb.testing.FleetFixture.ADMIN;
import static org.cakb.testing.FleetFixture.ADMIN_PASSWORD;
import static org.cakb.testing.FleetFixture.enroll;
import static org.cakb.testing.FleetFixture.enrolledAgent;
import static org.cakb.testing.FleetFixture.issueToken;
import static org.cakb.testing.FleetFixture.registerHost;
import static org.cakb.testing.FleetFixture.report;

import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Enrollment, agent authentication and report ingestion against the real database. */
@QuarkusTest
class FleetTest {

    @Inject
    Database db;

    @Test
    void tokensAreSingleUseAndStoredOnlyAsHashes() {
        long host = registerHost("enroll-once");
        String token = issueToken(host, 1);
        enroll(token);
        given().contentType(ContentType.JSON).body("{\"token\": \"" + token + "\"}").post("/api/v1/agent/enroll").then()
                .statusCode(401).body("message", containsString("already used"));
        assertEquals(0, db.count("SELECT count(*) FROM fleet_enrollment_token WHERE token_hash = '" + token + "'"));
        assertEquals(0, db.count("SELECT count(*) FROM fleet_credential WHERE credential_hash LIKE 'cakb_%'"));
    }

    @Test
    void expiredAndUnknownTokensAreRefused() {
        long host = registerHost("enroll-expired");
        String token = issueToken(host, 1);
        db.single("UPDATE fleet_enrollment_token SET expires_at = now() - interval '1 minute' RETURNING 1");
        given().contentType(ContentType.JSON).body("{\"token\": \"" + token + "\"}").post("/api/v1/agent/enroll").then()
                .statusCode(401).body("message", containsString("expired"));
        given().contentType(ContentType.JSON).body("{\"token\": \"cakb_enroll_guess\"}").post("/api/v1/agent/enroll").then()
                .statusCode(401).body("message", containsString("unknown"));
        given().auth().preemptive().basic(ADMIN, ADMIN_PASSWORD).contentType(ContentType.JSON).body("{\"lifetimeHours\": 1000}")
                .post("/api/v1/hosts/" + host + "/enrollment-tokens").then().statusCode(400);
    }

    @Test
    void aReportIsStoredOnceAndShowsOnTheHost() {
        String credential = enrolledAgent("report-once");
        String reportId = UUID.randomUUID().toString();
        String body = report(reportId, "fail");
        given().auth().oauth2(credential).contentType(ContentType.JSON).body(body)
                .post("/api/v1/agent/reports").then().statusCode(201).body("outcome", equalTo("stored"));
        given().auth().oauth2(credential).contentType(ContentType.JSON).body(body)
                .post("/api/v1/agent/reports").then().statusCode(200).body("outcome", equalTo("duplicate"));
        assertEquals(1, db.count("SELECT count(*) FROM fleet_report WHERE id = '" + reportId + "'"));
        assertEquals(2, db.count("SELECT count(*) FROM fleet_current_result WHERE report_id = '" + reportId + "'"));
        assertEquals("probe:caps/no-cap-sys-admin|{cm:capabilities-minimal,cm:no-cap-sys-admin}|fail|CapEff without CAP_SYS_ADMIN|no CAP_SYS_ADMIN|test",
                db.single("SELECT concat_ws('|', check_id, countermeasures::text, status, observed, expected, explanation)"
                        + " FROM fleet_current_result WHERE report_id = '" + reportId + "' AND check_id = 'probe:caps/no-cap-sys-admin'"),
                "each result is stored field by field as the agent sent it; the countermeasures come from the server's content");
        assertEquals("web-1|6.1.0|container|docker|0.1.0-test", db.single("SELECT concat_ws('|', h.hostname, h.kernel, h.vantage,"
                + " h.runtime, h.agent_version) FROM fleet_host h JOIN fleet_report r ON r.host_id = h.id WHERE r.id = '" + reportId + "'"));

        given().auth().oauth2(credential).contentType(ContentType.JSON).body(report(reportId, "pass"))
                .post("/api/v1/agent/reports").then().statusCode(409).body("message", containsString("different content"));

        given().auth().preemptive().basic(ADMIN, ADMIN_PASSWORD).queryParam("size", 200).get("/api/v1/hosts").then().statusCode(200)
                .body("items.find { it.name == 'report-once' }.failed", equalTo(1))
                .body("items.find { it.name == 'report-once' }.vantage", equalTo("container"));
    }

    @Test
    void invalidReportsAreRefusedWithAReasonAndNothingIsStored() {
        String credential = enrolledAgent("report-invalid");
        long before = db.count("SELECT count(*) FROM fleet_report") + db.count("SELECT count(*) FROM fleet_check_state");
        String id = UUID.randomUUID().toString();
        record Case(String body, int status, String message) {
        }
        for (Case c : new Case[]{
                new Case("{not json", 400, "not valid JSON"),
                new Case("[]", 400, "JSON object"),
                new Case(report(id, "fail").replace("\"cakb-agent\"", "\"other\""), 422, "schema"),
                new Case(report(id, "maybe"), 422, "schema"),
                new Case(report("not-a-uuid", "fail"), 422, "schema"),
                new Case(report(id, "fail").replace("probe:seccomp/filter-mode", "probe:made/up"), 422, "unknown check id 'probe:made/up'"),
                new Case(report(id, "fail").replace("probe:seccomp/filter-mode", "probe:caps/no-cap-sys-admin"), 422, "appears twice"),
                new Case(report(id, "fail").replaceFirst("\"finishedAt\": \"[^\"]+\"", "\"finishedAt\": \"2000-01-01T00:00:00Z\""), 422, "before startedAt"),
                new Case(report(id, "fail").replaceFirst("\"finishedAt\": \"[^\"]+\"", "\"finishedAt\": \"2999-01-01T00:00:00Z\""), 422, "future"),
                new Case("{\"reportId\": \"" + id + "\", \"padding\": \"" + "x".repeat(ReportIngestion.MAX_REPORT_BYTES) + "\"}", 413, "limit")}) {
            given().auth().oauth2(credential).contentType(ContentType.JSON).body(c.body())
                    .post("/api/v1/agent/reports").then().statusCode(c.status()).body("message", containsString(c.message()));
        }
        assertEquals(before, db.count("SELECT count(*) FROM fleet_report") + db.count("SELECT count(*) FROM fleet_check_state"));
    }

    @Test
    void agentsAreConfinedAndRevocationLocksThemOut() {
        long host = registerHost("revoked-agent");
        String credential = enroll(issueToken(host, 1));
        given().auth().oauth2(credential).get("/api/v1/hosts").then().statusCode(403);
        given().auth().oauth2(credential).post("/api/v1/admin/content/reload").then().statusCode(403);
        given().auth().oauth2("cakb_agent_forged").contentType(ContentType.JSON).body(report(UUID.randomUUID().toString(), "pass"))
                .post("/api/v1/agent/reports").then().statusCode(401);
        given().contentType(ContentType.JSON).body(report(UUID.randomUUID().toString(), "pass"))
                .post("/api/v1/agent/reports").then().statusCode(401);

        given().auth().preemptive().basic(ADMIN, ADMIN_PASSWORD).contentType("application/json").body("{}").post("/api/v1/hosts/" + host + "/revoke").then()
                .statusCode(200).body("revoked", equalTo(1));
        given().auth().oauth2(credential).contentType(ContentType.JSON).body(report(UUID.randomUUID().toString(), "pass"))
                .post("/api/v1/agent/reports").then().statusCode(401);
        given().auth().preemptive().basic(ADMIN, ADMIN_PASSWORD).get("/api/v1/hosts/" + host).then()
                .statusCode(200).body("host.enrolled", equalTo(false));
    }

    @Test
    void agentsFetchTheProbeSet() {
        String credential = enrolledAgent("fetch-probes");
        given().auth().oauth2(credential).get("/api/v1/agent/probes").then().statusCode(200)
                .body("probes.id", hasItem("probe:seccomp/filter-mode"));
        given().get("/api/v1/agent/probes").then().statusCode(401);
    }

    @Test
    void hostNamesAreValidatedAndUnique() {
        given().auth().preemptive().basic(ADMIN, ADMIN_PASSWORD).contentType(ContentType.JSON).body("{\"name\": \"../etc\"}")
                .post("/api/v1/hosts").then().statusCode(400).body("message", containsString("name must be"));
        registerHost("unique-host");
        given().auth().preemptive().basic(ADMIN, ADMIN_PASSWORD).contentType(ContentType.JSON).body("{\"name\": \"unique-host\"}")
                .post("/api/v1/hosts").then().statusCode(409);
        given().auth().preemptive().basic(ADMIN, ADMIN_PASSWORD).queryParam("size", 200).get("/api/v1/hosts").then()
                .body("items.name", hasItem("unique-host"));
    }
}
