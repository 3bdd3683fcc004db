package org.cakb.fleet;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.cakb.testing.Database;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Import of measured platform defaults (bin/measure-defaults records): validation, idempotency, listing, access. */
@QuarkusTest
class MeasuredDefaultsTest {

    private static final String ADMIN = "admin";
    private static final String ADMIN_PASSWORD = "test-admin-password";

    @Inject
    Database db;
    @Inject
    MeasuredDefaults measured;

    static String measurement(String id, String runtime, String seccompState) {
        return """
                {"format": 1, "measurementId": "%s", "status": "measured", "runtime": "%s", "platform": "platform:docker",
                 "runtimeVersion": "Docker version 28.2.2, build e6534b4", "kernel": "6.1.0", "measuredAt": "%s",
                 "sourceReport": "%s", "agentVersion": "0.1.0-test", "invocation": "docker run --rm IMAGE java -jar agent.jar run",
                 "raw": {"CapBnd": "00000000a80425fb", "capBndCount": 14, "Seccomp": "2", "NoNewPrivs": "0", "uid_map": "0 0 4294967295"},
                 "countermeasures": [
                   {"id": "cm:seccomp-filter", "state": "%s", "basis": "container",
                    "checks": [{"id": "probe:seccomp/filter-mode", "status": "pass", "observed": "Seccomp: 2", "role": "primary"}]},
                   {"id": "cm:namespace-user", "state": "disabled", "basis": "container",
                    "checks": [{"id": "probe:ns/user-separate", "status": "fail", "observed": "user:[4026531837]"}]}
                 ]}""".formatted(id, runtime, Instant.now().minusSeconds(60), UUID.randomUUID(), seccompState);
    }

    @Test
    void importIsIdempotentAndListed() {
        String id = UUID.randomUUID().toString();
        String body = measurement(id, "docker", "enabled");
        given().auth().preemptive().basic(ADMIN, ADMIN_PASSWORD).contentType(ContentType.JSON).body(body)
                .post("/api/v1/admin/measured-defaults").then().statusCode(201).body("imported", equalTo(1));
        given().auth().preemptive().basic(ADMIN, ADMIN_PASSWORD).contentType(ContentType.JSON).body(body)
                .post("/api/v1/admin/measured-defaults").then().statusCode(200).body("duplicates", equalTo(1));
        assertEquals(1, db.count("SELECT count(*) FROM measured_run WHERE id = '" + id + "'"));
        assertEquals(2, db.count("SELECT count(*) FROM measured_platform_default WHERE run_id = '" + id + "'"));
        given().auth().preemptive().basic(ADMIN, ADMIN_PASSWORD).contentType(ContentType.JSON)
                .body(measurement(id, "docker", "disabled"))
                .post("/api/v1/admin/measured-defaults").then().statusCode(409).body("message", containsString("different content"));

        given().auth().preemptive().basic(ADMIN, ADMIN_PASSWORD).get("/api/v1/measured-defaults?runtime=docker").then()
                .statusCode(200).body("id", hasItem(id))
                .body("find { it.id == '" + id + "' }.raw.capBndCount", equalTo(14))
                .body("find { it.id == '" + id + "' }.defaults.find { it.countermeasure == 'cm:seccomp-filter' }.state", equalTo("enabled"));
        given().auth().preemptive().basic(ADMIN, ADMIN_PASSWORD).get("/api/v1/measured-defaults?latest=true").then()
                .statusCode(200).body("runtime", hasItem("docker"));

        Map<String, MeasuredDefaults.MeasuredDefault> latest = measured.latestForPlatform("platform:docker");
        assertTrue(latest.containsKey("cm:namespace-user"));
        assertEquals("disabled", latest.get("cm:namespace-user").state());
    }

    @Test
    void skippedRuntimesAreRecordedWithTheirReason() {
        String id = UUID.randomUUID().toString();
        String body = """
                {"format": 1, "measurementId": "%s", "status": "skipped", "runtime": "lxc", "platform": "platform:lxc",
                 "runtimeVersion": null, "kernel": "6.1.0", "measuredAt": "%s", "reason": "lxc not installed", "countermeasures": []}"""
                .formatted(id, Instant.now());
        given().auth().preemptive().basic(ADMIN, ADMIN_PASSWORD).contentType(ContentType.JSON).body(body)
                .post("/api/v1/admin/measured-defaults").then().statusCode(201);
        assertEquals("skipped", db.single("SELECT status FROM measured_run WHERE id = '" + id + "'"));
    }

    @Test
    void invalidMeasurementsAreRefusedAndNothingIsStored() {
        long before = db.count("SELECT count(*) FROM measured_run") + db.count("SELECT count(*) FROM measured_platform_default");
        String good = measurement(UUID.randomUUID().toString(), "docker", "enabled");
        record Case(String body, int status, String message) {
        }
        for (Case c : new Case[]{
                new Case("{not json", 400, "not valid JSON"),
                new Case("[]", 400, "no measurement"),
                new Case(good.replace("cm:namespace-user", "cm:made-up"), 422, "unknown countermeasure 'cm:made-up'"),
                new Case(good.replace("\"state\": \"disabled\"", "\"state\": \"maybe\""), 422, "state"),
                new Case(good.replace("\"runtime\": \"docker\"", "\"runtime\": \"Docker Engine\""), 422, "runtime"),
                new Case(good.replace("\"format\": 1", "\"format\": 2"), 422, "format"),
                new Case(good.replaceFirst("\"measuredAt\": \"[^\"]+\"", "\"measuredAt\": \"yesterday\""), 422, "measuredAt"),
                // one bad item in an array: the good one is not stored either
                new Case("[" + measurement(UUID.randomUUID().toString(), "runc", "enabled") + ","
                        + good.replace("\"status\": \"measured\"", "\"status\": \"guessed\"") + "]", 422, "[1].status")}) {
            given().auth().preemptive().basic(ADMIN, ADMIN_PASSWORD).contentType(ContentType.JSON).body(c.body())
                    .post("/api/v1/admin/measured-defaults").then().statusCode(c.status()).body("message", containsString(c.message()));
        }
        assertEquals(before, db.count("SELECT count(*) FROM measured_run") + db.count("SELECT count(*) FROM measured_platform_default"));
    }

    @Test
    void onlyAdminsImport() {
        String body = measurement(UUID.randomUUID().toString(), "docker", "enabled");
        given().contentType(ContentType.JSON).body(body).post("/api/v1/admin/measured-defaults").then().statusCode(401);
        given().get("/api/v1/measured-defaults").then().statusCode(401);
        given().auth().oauth2("cakb_agent_forged").contentType(ContentType.JSON).body(body)
                .post("/api/v1/admin/measured-defaults").then().statusCode(401);
    }
}
