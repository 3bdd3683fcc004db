package org.cakb.web;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.cakb.testing.Database;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.cakb.testing.FleetFixture.ADMIN;
import static org.cakb.testing.FleetFixture.ADMIN_PASSWORD;
import static org.cakb.testing.FleetFixture.container;
import static org.cakb.testing.FleetFixture.enroll;
import static org.cakb.testing.FleetFixture.report2;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fleet page of a probe pages its rows (100 a page, counts of all, filters kept in the page links) while the CSV
 * has every row; a bad page number is refused with a message. One host with 105 failing containers, isolated by a label.
 */
@QuarkusTest
class FleetPagingTest {

    static final int CONTAINERS = 105;
    static final Pattern ROW = Pattern.compile("<tr><td><a href=\"/hosts/\\d+\">");

    @Inject
    Database db;

    String run;
    long host;
    String credential;
    Map<String, String> filter;

    private static RequestSpecification admin() {
        return given().auth().preemptive().basic(ADMIN, ADMIN_PASSWORD);
    }

    @BeforeEach
    void hostWithManyFailingContainers() {
        run = UUID.randomUUID().toString().substring(0, 8);
        host = ((Number) admin().contentType(ContentType.JSON)
                .body("{\"name\": \"paging-" + run + "\", \"labels\": {\"run\": \"" + run + "\"}}")
                .post("/api/v1/hosts").then().statusCode(201).extract().path("host.id")).longValue();
        credential = enroll(host);
        List<String> containers = new ArrayList<>();
        for (int i = 0; i < CONTAINERS; i++) {
            containers.add(container(String.format("%064x", i + 1), String.format("c%03d-%s", i, run), "docker", "fail"));
        }
        given().auth().oauth2(credential).contentType(ContentType.JSON)
                .body(report2(UUID.randomUUID().toString(), Instant.now().minus(2, ChronoUnit.MINUTES), null, null,
                        containers.toArray(String[]::new)))
                .post("/api/v1/agent/reports").then().statusCode(201);
        filter = Map.of("probe", "probe:caps/no-cap-sys-admin", "status", "fail", "runtime", "docker", "label", "run=" + run);
    }

    private String page(String page) {
        RequestSpecification request = admin().accept("text/html").queryParams(filter);
        if (page != null) {
            request.queryParam("page", page);
        }
        return request.get("/fleet/failing").then().statusCode(200).extract().asString();
    }

    private static int rows(String html) {
        Matcher m = ROW.matcher(html);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void theFirstPageHasAHundredRowsAndTheCountsOfAll() {
        String first = page(null);
        assertEquals(100, rows(first));
        assertTrue(first.contains(CONTAINERS + " result(s) with status fail on 1 host(s), " + CONTAINERS + " of them in containers."),
                "the counts cover every row");
        assertTrue(first.contains("Rows 1–100 are shown (page 1 of 2)"), "the page says which rows it shows");
        assertTrue(first.contains("c000-" + run) && !first.contains("c104-" + run), "ordered by container name");
        // the next-page link keeps every filter
        assertTrue(first.contains("href=\"/fleet/failing?probe=probe%3Acaps%2Fno-cap-sys-admin&amp;status=fail&amp;runtime=docker&amp;label=run%3D"
                + run + "&amp;page=2\" rel=\"next\""), "next link with the filters");
        String second = page("2");
        assertEquals(CONTAINERS - 100, rows(second));
        assertTrue(second.contains("c104-" + run) && !second.contains("c000-" + run), "the rest on page 2");
        assertTrue(second.contains("rel=\"prev\"") && !second.contains("rel=\"next\""), "only a previous link on the last page");
        assertTrue(page("9").contains("No rows on page 9: there are 2 page(s)."), "past the end: an empty page that says so");
    }

    /** The fleet page's counts (fleet_check_host_tally, kept by ingestion) against a count of the current state itself. */
    private void countsMatchTheCurrentState() {
        String kept = db.single("SELECT coalesce(string_agg(check_id || '/' || status || '/' || runtime || '=' || results || ',' || containers, ' '"
                + " ORDER BY check_id, status, runtime), '') FROM fleet_check_host_tally CROSS JOIN LATERAL (VALUES"
                + " ('pass', pass_results, pass_containers), ('fail', fail_results, fail_containers),"
                + " ('not-applicable', not_applicable_results, not_applicable_containers), ('error', error_results, error_containers))"
                + " AS v (status, results, containers) WHERE host_id = " + host + " AND results <> 0");
        String actual = db.single("SELECT coalesce(string_agg(k, ' ' ORDER BY k), '') FROM (SELECT c.check_id || '/' || c.status || '/'"
                + " || s.runtime || '=' || count(*) || ',' || count(*) FILTER (WHERE s.kind = 'container') AS k FROM fleet_check_state c"
                + " JOIN fleet_subject s ON s.id = c.subject_id AND s.gone_at IS NULL WHERE s.host_id = " + host
                + " GROUP BY c.check_id, c.status, s.runtime) x");
        assertEquals(actual, kept);
    }

    @Test
    void theCountsFollowChangesContainersThatLeaveAndComeBackAndDeltas() {
        countsMatchTheCurrentState();
        Instant t = Instant.now().minus(50, ChronoUnit.SECONDS);
        // a full report: containers 0-49 only (55 leave), the host itself now reports, two containers pass now
        List<String> fewer = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            fewer.add(container(String.format("%064x", i + 1), String.format("c%03d-%s", i, run), "docker", i < 2 ? "pass" : "fail"));
        }
        String second = UUID.randomUUID().toString();
        post(report2(second, t, null, "fail", fewer.toArray(String[]::new)));
        countsMatchTheCurrentState();
        assertTrue(page(null).contains("48 result(s) with status fail on 1 host(s), 48 of them in containers."), "the page counts moved");
        // a delta: one container fails again, one gone container is back (with its stored state), the host passes
        post(report2(UUID.randomUUID().toString(), t.plusSeconds(10), second, "pass",
                container(String.format("%064x", 1), String.format("c%03d-%s", 0, run), "docker", "fail"),
                container(String.format("%064x", 100), String.format("c%03d-%s", 99, run), "docker", "fail")));
        countsMatchTheCurrentState();
        assertTrue(page(null).contains("50 result(s) with status fail on 1 host(s), 50 of them in containers."), "the page counts moved");
    }

    private void post(String body) {
        given().auth().oauth2(credential).contentType(ContentType.JSON).body(body).post("/api/v1/agent/reports").then().statusCode(201);
    }

    @Test
    void theCsvHasEveryRow() {
        String csv = admin().queryParams(filter).get("/fleet/failing.csv").then().statusCode(200).extract().asString();
        assertEquals(CONTAINERS + 1, csv.strip().split("\n").length, "header and every row, not one page");
    }

    @Test
    void aBadPageNumberIsRefusedWithAMessage() {
        for (String bad : List.of("0", "-1", "two", "99999999999")) {
            admin().accept("text/html").queryParams(filter).queryParam("page", bad).get("/fleet/failing").then().statusCode(400)
                    .contentType(containsString("text/html")).body(containsString("id=\"bad-request\"")).body(containsString("page")).body(containsString("must be"));
        }
    }
}
