package org.cakb.testing;

import io.restassured.http.ContentType;

import java.time.Instant;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.startsWith;

/** Registers hosts, enrolls agents and builds reports through the real API, as an admin and an agent would. */
public final class FleetFixture {

    public static final String ADMIN = "admin";
    public static final String ADMIN_PASSWORD = "test-admin-password";

    private FleetFixture() {
    }

    public static long registerHost(String name) {
        return registerHost(name, "test host");
    }

    public static long registerHost(String name, String description) {
        return ((Number) given().auth().preemptive().basic(ADMIN, ADMIN_PASSWORD).contentType(ContentType.JSON)
                .body("{\"name\": \"" + name + "\", \"description\": \"" + description + "\", \"labels\": {\"env\": \"test\"}}")
                .post("/api/v1/hosts").then().statusCode(201).extract().path("host.id")).longValue();
    }

    public static String issueToken(long hostId, int hours) {
        return given().auth().preemptive().basic(ADMIN, ADMIN_PASSWORD).contentType(ContentType.JSON)
                .body("{\"lifetimeHours\": " + hours + "}")
                .post("/api/v1/hosts/" + hostId + "/enrollment-tokens").then().statusCode(201)
                .body("token", startsWith("cakb_enroll_")).extract().path("token");
    }

    public static String enroll(String token) {
        return given().contentType(ContentType.JSON).body("{\"token\": \"" + token + "\"}")
                .post("/api/v1/agent/enroll").then().statusCode(201)
                .body("credential", startsWith("cakb_agent_")).extract().path("credential");
    }

    public static String enroll(long hostId) {
        return enroll(issueToken(hostId, 1));
    }

    public static String enrolledAgent(String hostName) {
        return enroll(issueToken(registerHost(hostName), 1));
    }

    /** A two-result report; {@code status} is the first check's status, {@code observed} its observed value (JSON-escaped by the caller). */
    public static String report(String reportId, String status, String observed) {
        return report(reportId, Instant.now(), status, observed);
    }

    /** The same report, finished at a given time (for histories and drift). */
    public static String report(String reportId, Instant finished, String status, String observed) {
        String now = finished.toString();
        return """
                {"reportId": "%s", "agent": "cakb-agent", "agentVersion": "0.1.0-test",
                 "startedAt": "%s", "finishedAt": "%s", "bundle": "test",
                 "system": {"hostname": "web-1", "kernel": "6.1.0", "osRelease": "Debian GNU/Linux 12"},
                 "environment": {"vantage": "container", "runtime": "docker"},
                 "results": [
                   {"id": "probe:caps/no-cap-sys-admin", "verifies": ["cm:no-cap-sys-admin"], "status": "%s",
                    "observed": "%s", "expected": "no CAP_SYS_ADMIN", "explanation": "test"},
                   {"id": "probe:seccomp/filter-mode", "verifies": ["cm:seccomp-filter"], "status": "pass",
                    "observed": "Seccomp: 2", "expected": "2", "explanation": "filter mode"}
                 ]}""".formatted(reportId, now, now, status, observed);
    }

    public static String report(String reportId, String status) {
        return report(reportId, status, "CapEff without CAP_SYS_ADMIN");
    }

    /**
     * A format-2 container entry with two results (caps with {@code capStatus}, seccomp pass). The verifies lists name a
     * countermeasure the probes do not verify in the content: the server must ignore them.
     */
    public static String container(String id, String name, String runtime, String capStatus) {
        return """
                {"id": "%s", "name": "%s", "runtime": "%s", "image": "registry.example/app:1", "pid": 4242,
                 "cgroup": "/docker/%s", "results": [
                   {"id": "probe:caps/no-cap-sys-admin", "verifies": ["cm:made-up-by-agent"], "status": "%s",
                    "observed": "CapEff %s", "expected": "no CAP_SYS_ADMIN", "explanation": "test"},
                   {"id": "probe:seccomp/filter-mode", "verifies": ["cm:made-up-by-agent"], "status": "pass",
                    "observed": "Seccomp: 2", "expected": "2", "explanation": "filter mode"}]}""".formatted(id, name, runtime, id,
                capStatus, capStatus);
    }

    /** A format-2 report: host-vantage results (none when {@code hostStatus} is null), the containers, and a base for a delta. */
    public static String report2(String reportId, Instant finished, String baseReportId, String hostStatus, String... containers) {
        String now = finished.toString();
        String hostResults = hostStatus == null ? "" : """
                {"id": "probe:caps/no-cap-sys-admin", "verifies": ["cm:no-cap-sys-admin"], "status": "%s",
                 "observed": "host", "expected": "no CAP_SYS_ADMIN", "explanation": "test"}""".formatted(hostStatus);
        return """
                {"format": 2, "reportId": "%s", %s "agent": "cakb-agent", "agentVersion": "0.2.0-test",
                 "startedAt": "%s", "finishedAt": "%s", "bundle": "test",
                 "system": {"hostname": "node-1", "kernel": "6.1.0", "osRelease": "Debian GNU/Linux 12"},
                 "environment": {"vantage": "host", "runtime": null},
                 "results": [%s], "containers": [%s]}""".formatted(reportId,
                baseReportId == null ? "" : "\"baseReportId\": \"" + baseReportId + "\",", now, now, hostResults,
                String.join(", ", containers));
    }
}
