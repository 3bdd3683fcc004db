package org.cakb.assessment;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.cakb.testing.Database;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** History (assessment and item) pages with since filters and ETag; items with updated-since and ETag. */
@QuarkusTest
class HistoryApiPagingTest {

    @Inject
    Fixtures fixtures;
    @Inject
    Database db;

    @BeforeEach
    void users() {
        fixtures.users();
    }

    private String now() {
        return db.single("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");
    }

    private void setResult(long assessment, AssessmentViews.Item item, String result) {
        Fixtures.as(Fixtures.ASSESSOR).contentType(ContentType.JSON).body(Map.of("version", item.version(), "result", result, "justification", "checked",
                "evidenceText", "seen"))
                .put("/api/v1/assessments/" + assessment + "/items/" + item.id()).then().statusCode(200);
    }

    @Test
    void historyPagesInIdOrderAndSinceKeepsNewerEntries() {
        AssessmentViews.Detail a = fixtures.assessment("history paging");
        String base = "/api/v1/assessments/" + a.id();
        AssessmentViews.Item item = fixtures.items(a.id()).get(0);
        setResult(a.id(), item, "satisfied");
        String since = now();
        setResult(a.id(), fixtures.items(a.id()).get(0), "not-satisfied");

        int total = Fixtures.as(Fixtures.VIEWER).get(base + "/history?size=1").then().statusCode(200)
                .body("size", equalTo(1)).extract().path("total");
        assertTrue(total >= 2);
        List<Integer> ids = new ArrayList<>();
        for (int page = 1; page <= total; page++) {
            ids.addAll(Fixtures.as(Fixtures.VIEWER).get(base + "/history?size=1&page=" + page).then().extract().path("items.id"));
        }
        assertEquals(total, ids.size());
        assertEquals(ids.stream().sorted().toList(), ids);

        Fixtures.as(Fixtures.VIEWER).get(base + "/history?since=" + since).then().statusCode(200)
                .body("total", equalTo(1)).body("items[0].newValue", equalTo("not-satisfied"));
        Fixtures.as(Fixtures.VIEWER).get(base + "/items/" + item.id() + "/history?updated-since=" + since).then().statusCode(200)
                .body("total", equalTo(1)).body("items[0].oldValue", equalTo("satisfied"));
        // the first save also recorded the justification and the evidence (a result needs them), the second only the result
        Fixtures.as(Fixtures.VIEWER).get(base + "/items/" + item.id() + "/history").then().statusCode(200)
                .body("total", equalTo(4));
    }

    @Test
    void historyAndItemsCarryAnEtagThatChangesWithThem() {
        AssessmentViews.Detail a = fixtures.assessment("history etag");
        String base = "/api/v1/assessments/" + a.id();
        String token = Fixtures.apiToken("history-etag");
        String history = Fixtures.as(token).get(base + "/history").then().statusCode(200).extract().header("ETag");
        String items = Fixtures.as(token).get(base + "/items").then().statusCode(200).extract().header("ETag");
        Fixtures.as(token).header("If-None-Match", history).get(base + "/history").then().statusCode(304);
        Fixtures.as(token).header("If-None-Match", items).get(base + "/items").then().statusCode(304);

        setResult(a.id(), fixtures.items(a.id()).get(0), "satisfied");
        assertNotEquals(history, Fixtures.as(token).header("If-None-Match", history).get(base + "/history").then().statusCode(200)
                .extract().header("ETag"));
        Fixtures.as(token).header("If-None-Match", items).get(base + "/items").then().statusCode(200);
    }

    @Test
    void itemsKeepTheirFiltersAndGainUpdatedSince() {
        AssessmentViews.Detail a = fixtures.assessment("items since");
        String base = "/api/v1/assessments/" + a.id();
        String since = now();
        AssessmentViews.Item changed = fixtures.items(a.id()).get(1);
        setResult(a.id(), changed, "not-applicable");
        Fixtures.as(Fixtures.VIEWER).get(base + "/items?updated-since=" + since).then().statusCode(200)
                .body("size()", equalTo(1)).body("[0].id", equalTo((int) changed.id()));
        Fixtures.as(Fixtures.VIEWER).get(base + "/items?result=not-applicable").then().statusCode(200).body("size()", equalTo(1));
        Fixtures.as(Fixtures.VIEWER).get(base + "/items?area=no-such-area").then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void badParametersAreRefusedNamingTheParameter() {
        AssessmentViews.Detail a = fixtures.assessment("history bad");
        String base = "/api/v1/assessments/" + a.id();
        Fixtures.as(Fixtures.VIEWER).get(base + "/history?size=500").then().statusCode(400).body("message", containsString("size"));
        Fixtures.as(Fixtures.VIEWER).get(base + "/history?since=soon").then().statusCode(400).body("message", containsString("since"));
        Fixtures.as(Fixtures.VIEWER).get(base + "/items/" + fixtures.items(a.id()).get(0).id() + "/history?page=-1").then()
                .statusCode(400).body("message", containsString("page"));
        Fixtures.as(Fixtures.VIEWER).get(base + "/items?updated-since=2026-13-01").then().statusCode(400)
                .body("message", containsString("updated-since"));
    }
}
