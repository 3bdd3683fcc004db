package org.cakb.fleet;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.cakb.assessment.Fixtures;
import org.cakb.testing.Database;
import org.cakb.testing.FleetFixture;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /api/v1/hosts and /api/v1/hosts/{id}: pages by id, updated-since, ETag/304, and 400 for bad parameters. */
@QuarkusTest
class HostApiPagingTest {

    @Inject
    Database db;

    private String now() {
        return db.single("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");
    }

    private static List<Integer> ids(String query) {
        return Fixtures.as(Fixtures.ADMIN).get("/api/v1/hosts?" + query).then().statusCode(200).extract().path("items.id");
    }

    @Test
    void pagesListEveryHostOnceInIdOrder() {
        for (int i = 0; i < 3; i++) {
            FleetFixture.registerHost("paged-host-" + i);
        }
        int total = Fixtures.as(Fixtures.ADMIN).get("/api/v1/hosts?size=2").then().statusCode(200)
                .body("page", equalTo(1)).body("size", equalTo(2)).extract().path("total");
        assertTrue(total >= 3);
        List<Integer> all = new ArrayList<>();
        for (int page = 1; page <= (total + 1) / 2; page++) {
            List<Integer> ids = ids("size=2&page=" + page);
            assertTrue(ids.size() <= 2);
            all.addAll(ids);
        }
        assertEquals(total, all.size());
        assertEquals(all.stream().sorted().toList(), all, "ordered by id");
        assertEquals(total, all.stream().distinct().count(), "no host twice");
    }

    @Test
    void updatedSinceKeepsHostsRegisteredOrReportingAfterIt() {
        long old = FleetFixture.registerHost("since-old");
        String credential = FleetFixture.enroll(old);
        String since = now();
        long fresh = FleetFixture.registerHost("since-new");
        List<Integer> ids = ids("size=200&updated-since=" + since);
        assertTrue(ids.contains((int) fresh));
        assertFalse(ids.contains((int) old), "registered before and no report since");

        given().auth().oauth2(credential).contentType(ContentType.JSON).body(FleetFixture.report(UUID.randomUUID().toString(), "pass"))
                .post("/api/v1/agent/reports").then().statusCode(201);
        assertTrue(ids("size=200&updated-since=" + since).contains((int) old), "its new report counts");
    }

    @Test
    void etagGivesNotModifiedUntilSomethingChanges() {
        long host = FleetFixture.registerHost("etag-host");
        String token = Fixtures.apiToken("hosts-etag");
        String list = Fixtures.as(token).get("/api/v1/hosts?size=200").then().statusCode(200).extract().header("ETag");
        String one = Fixtures.as(token).get("/api/v1/hosts/" + host).then().statusCode(200).extract().header("ETag");
        Fixtures.as(token).header("If-None-Match", list).get("/api/v1/hosts?size=200").then().statusCode(304);
        Fixtures.as(token).header("If-None-Match", one).get("/api/v1/hosts/" + host).then().statusCode(304);

        String credential = FleetFixture.enroll(host);
        given().auth().oauth2(credential).contentType(ContentType.JSON).body(FleetFixture.report(UUID.randomUUID().toString(), "fail"))
                .post("/api/v1/agent/reports").then().statusCode(201);
        String changed = Fixtures.as(token).header("If-None-Match", one).get("/api/v1/hosts/" + host).then().statusCode(200)
                .body("host.failed", equalTo(1)).extract().header("ETag");
        assertNotEquals(one, changed);
        Fixtures.as(token).header("If-None-Match", list).get("/api/v1/hosts?size=200").then().statusCode(200);
    }

    @Test
    void badParametersAreRefusedNamingTheParameter() {
        Fixtures.as(Fixtures.ADMIN).get("/api/v1/hosts?size=201").then().statusCode(400).body("message", containsString("size"));
        Fixtures.as(Fixtures.ADMIN).get("/api/v1/hosts?page=0").then().statusCode(400).body("message", containsString("page"));
        Fixtures.as(Fixtures.ADMIN).get("/api/v1/hosts?page=x").then().statusCode(400).body("message", containsString("page"));
        Fixtures.as(Fixtures.ADMIN).get("/api/v1/hosts?updated-since=yesterday").then().statusCode(400)
                .body("message", containsString("updated-since"));
    }
}
