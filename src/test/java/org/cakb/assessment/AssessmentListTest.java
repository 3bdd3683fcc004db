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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /api/v1/assessments: pages in a stable order, filters, ETag and 304. */
@QuarkusTest
class AssessmentListTest {

    @Inject
    Fixtures fixtures;
    @Inject
    Database db;

    @BeforeEach
    void users() {
        fixtures.users();
    }

    /** As an admin, who sees every assessment (viewers see only granted ones: AssessmentMembershipTest). */
    private static List<Integer> ids(String query) {
        return Fixtures.as(Fixtures.ADMIN).get("/api/v1/assessments?" + query).then().statusCode(200).extract().path("items.id");
    }

    /** Every id the query lists, across all pages (other tests share the database, so there may be many). */
    private static List<Integer> allIds(String query) {
        List<Integer> all = new ArrayList<>();
        for (int page = 1; ; page++) {
            List<Integer> ids = ids(query + "&size=200&page=" + page);
            if (ids.isEmpty()) {
                return all;
            }
            all.addAll(ids);
        }
    }

    private String now() {
        return db.single("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");
    }

    @Test
    void pagesCoverEveryAssessmentOnceInIdOrderAndStayPutWhenOneIsAdded() {
        for (int i = 0; i < 3; i++) {
            fixtures.assessment("paged " + i);
        }
        int total = Fixtures.as(Fixtures.ADMIN).get("/api/v1/assessments?size=2").then().statusCode(200)
                .body("page", equalTo(1)).body("size", equalTo(2)).extract().path("total");
        int pages = (total + 1) / 2;
        List<Integer> all = new ArrayList<>();
        for (int page = 1; page <= pages; page++) {
            all.addAll(ids("size=2&page=" + page));
        }
        assertEquals(total, all.size());
        assertEquals(all.stream().distinct().sorted().toList(), all, "each assessment once, ordered by id");
        assertEquals(List.of(), ids("size=2&page=" + (pages + 1)));

        List<Integer> firstPage = ids("size=2&page=1");
        fixtures.assessment("paged late");
        assertEquals(firstPage, ids("size=2&page=1"), "adding an assessment does not move earlier pages");
    }

    @Test
    void filtersByStatusAndUpdatedSince() {
        AssessmentViews.Detail done = fixtures.completed("filter completed");
        AssessmentViews.Detail draft = fixtures.assessment("filter draft");
        assertTrue(allIds("status=completed").contains((int) done.id()));
        assertFalse(allIds("status=completed").contains((int) draft.id()));

        String since = now();
        AssessmentViews.Detail edited = fixtures.assessment("filter edited");
        db.single("UPDATE assessment SET updated_at = now() - interval '1 day' WHERE id = " + edited.id() + " RETURNING 1");
        assertFalse(allIds("updated-since=" + since).contains((int) edited.id()));
        AssessmentViews.Item item = fixtures.items(edited.id()).get(0);
        Fixtures.as(Fixtures.ASSESSOR).contentType(ContentType.JSON)
                .body(Map.of("version", item.version(), "result", "satisfied", "justification", "changed later",
                        "evidenceText", "seen"))
                .put("/api/v1/assessments/" + edited.id() + "/items/" + item.id()).then().statusCode(200);
        List<Integer> changed = allIds("updated-since=" + since);
        assertTrue(changed.contains((int) edited.id()), "a changed item counts as a change of its assessment");
        assertFalse(changed.contains((int) draft.id()));
    }

    @Test
    void badParametersAreExplained() {
        Fixtures.as(Fixtures.ADMIN).get("/api/v1/assessments?page=0").then().statusCode(400).body("message", containsString("page"));
        Fixtures.as(Fixtures.ADMIN).get("/api/v1/assessments?size=201").then().statusCode(400).body("message", containsString("size"));
        Fixtures.as(Fixtures.ADMIN).get("/api/v1/assessments?page=x").then().statusCode(400).body("message", containsString("whole number"));
        Fixtures.as(Fixtures.ADMIN).get("/api/v1/assessments?status=done").then().statusCode(400);
        Fixtures.as(Fixtures.ADMIN).get("/api/v1/assessments?updated-since=yesterday").then().statusCode(400)
                .body("message", containsString("ISO 8601"));
    }

    @Test
    void unchangedPagesAnswer304AndChangesGiveANewETag() {
        String since = now();
        AssessmentViews.Detail a = fixtures.assessment("etag");
        String token = Fixtures.apiToken("etag-reader");
        String query = "/api/v1/assessments?updated-since=" + since;
        String etag = Fixtures.as(token).get(query).then().statusCode(200).extract().header("ETag");
        Fixtures.as(token).header("If-None-Match", etag).get(query).then().statusCode(304);

        AssessmentViews.Item item = fixtures.items(a.id()).get(0);
        Fixtures.as(Fixtures.ASSESSOR).contentType(ContentType.JSON)
                .body(Map.of("version", item.version(), "result", "not-satisfied", "justification", "found a gap"))
                .put("/api/v1/assessments/" + a.id() + "/items/" + item.id()).then().statusCode(200);
        String changed = Fixtures.as(token).header("If-None-Match", etag).get(query).then().statusCode(200).extract().header("ETag");
        assertNotEquals(etag, changed);
    }
}
