package org.cakb.metrics;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.cakb.testing.FleetFixture;
import org.junit.jupiter.api.Test;

import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** /q/metrics: Prometheus text for admins only, with the report, content-load, cluster and pool metrics an operator needs. */
@QuarkusTest
class MetricsTest {

    static Response metrics() {
        Response r = given().auth().preemptive().basic(FleetFixture.ADMIN, FleetFixture.ADMIN_PASSWORD).get("/q/metrics");
        assertEquals(200, r.statusCode(), r.asString());
        return r;
    }

    static double value(String body, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+|NaN)$").matcher(body);
        assertTrue(m.find(), "no series " + series);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void onlyAdminsReadMetrics() {
        int anonymous = given().redirects().follow(false).get("/q/metrics").statusCode();
        assertTrue(anonymous == 401 || anonymous == 302, "anonymous refused: " + anonymous);
        String agent = FleetFixture.enrolledAgent("metrics-agent-host");
        int asAgent = given().redirects().follow(false).header("Authorization", "Bearer " + agent).get("/q/metrics").statusCode();
        assertTrue(asAgent == 401 || asAgent == 403 || asAgent == 302, "agent refused: " + asAgent);
        assertEquals(401, given().auth().preemptive().basic(FleetFixture.ADMIN, "wrong-password").get("/q/metrics").statusCode());
    }

    @Test
    void reportOutcomesLatencyContentPoolAndClusterAreExposed() {
        String credential = FleetFixture.enrolledAgent("metrics-host");
        String before = metrics().asString();
        String stored = "cakb_agent_reports_total{outcome=\"stored\",reason=\"new\"}";
        String duplicate = "cakb_agent_reports_total{outcome=\"duplicate\",reason=\"same-report-again\"}";
        String malformed = "cakb_agent_reports_total{outcome=\"refused\",reason=\"malformed\"}";
        double stored0 = value(before, stored);
        double duplicate0 = value(before, duplicate);
        double malformed0 = value(before, malformed);
        double count0 = value(before, "cakb_agent_report_ingestion_seconds_count");

        String report = FleetFixture.report(UUID.randomUUID().toString(), "pass");
        given().header("Authorization", "Bearer " + credential).contentType(ContentType.JSON).body(report)
                .post("/api/v1/agent/reports").then().statusCode(201);
        given().header("Authorization", "Bearer " + credential).contentType(ContentType.JSON).body(report)
                .post("/api/v1/agent/reports").then().statusCode(200);
        given().header("Authorization", "Bearer " + credential).contentType(ContentType.JSON).body("{not json")
                .post("/api/v1/agent/reports").then().statusCode(400);

        Response after = metrics();
        assertTrue(after.contentType().startsWith("text/plain") || after.contentType().contains("openmetrics"), after.contentType());
        String body = after.asString();
        assertEquals(stored0 + 1, value(body, stored), 0.0);
        assertEquals(duplicate0 + 1, value(body, duplicate), 0.0);
        assertEquals(malformed0 + 1, value(body, malformed), 0.0);
        assertEquals(count0 + 3, value(body, "cakb_agent_report_ingestion_seconds_count"), 0.0);
        assertTrue(value(body, "cakb_agent_report_ingestion_seconds_sum") > 0);
        assertEquals(1.0, value(body, "cakb_content_load_last_success"), 0.0, "the test profile loads content at start");
        assertTrue(value(body, "cakb_content_load_last_duration_seconds") >= 0);
        assertEquals(1.0, value(body, "cakb_cluster_listening"), 0.0);
        assertTrue(body.contains("agroal_active_count"), "connection pool metrics");
        assertTrue(body.contains("http_server_requests_seconds_count"), "HTTP server metrics");
    }
}
