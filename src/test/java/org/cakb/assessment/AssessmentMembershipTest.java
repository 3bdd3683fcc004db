package org.cakb.assessment;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.cakb.testing.Database;
import org.cakb.testing.FastAdmin;
import org.cakb.testing.PageSession;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Viewers see only the assessments an admin granted them, assessors the ones they are assigned to (or granted); anyone
 * else gets the same 404 as for an assessment that does not exist, in the API, the pages, the exports and downloads.
 */
@QuarkusTest
class AssessmentMembershipTest {

    @Inject
    Fixtures fixtures;
    @Inject
    Database db;

    /** Every read of one assessment: API, exports, attachment downloads (API and page), pages. */
    private static List<String> reads(long id, long itemId, long attachmentId) {
        String a = "/api/v1/assessments/" + id;
        String p = "/assessments/" + id;
        return List.of(a, a + "/items", a + "/items/" + itemId, a + "/history", a + "/items/" + itemId + "/history",
                a + "/hosts", a + "/items/" + itemId + "/probe-evidence", a + "/checklist.csv", a + "/oscal/assessment-results",
                a + "/items/" + itemId + "/attachments/" + attachmentId,
                p, p + "/items/" + itemId, p + "/history", p + "/items/" + itemId + "/history", p + "/report",
                p + "/items/" + itemId + "/attachments/" + attachmentId);
    }

    private static Response read(String user, PageSession pages, String path) {
        return path.startsWith("/api/") ? Fixtures.as(user).get(path) : given().redirects().follow(false).cookies(pages.cookies).get(path);
    }

    @Test
    void aViewerSeesOnlyGrantedAssessmentsAndOthersLookMissing() {
        AssessmentViews.Detail d = fixtures.assessment("membership");
        long itemId = fixtures.items(d.id()).get(0).id();
        long attachmentId = fixtures.attachment(d.id(), itemId);
        PageSession outsider = PageSession.login(Fixtures.OTHER_VIEWER, Fixtures.PASSWORD);
        PageSession granted = PageSession.login(Fixtures.VIEWER, Fixtures.PASSWORD);
        PageSession unassigned = PageSession.login(Fixtures.OTHER_ASSESSOR, Fixtures.PASSWORD);

        for (String path : reads(d.id(), itemId, attachmentId)) {
            assertEquals(404, read(Fixtures.OTHER_VIEWER, outsider, path).statusCode(), "not granted: " + path);
            assertEquals(404, read(Fixtures.OTHER_ASSESSOR, unassigned, path).statusCode(), "not assigned: " + path);
            int ok = read(Fixtures.VIEWER, granted, path).statusCode();
            assertEquals(200, ok, "granted: " + path);
        }
        // the answer for a hidden assessment is the answer for a missing one
        String hidden = Fixtures.as(Fixtures.OTHER_VIEWER).get("/api/v1/assessments/" + d.id()).then().statusCode(404).extract().path("message");
        String missing = Fixtures.as(Fixtures.OTHER_VIEWER).get("/api/v1/assessments/99999999").then().statusCode(404).extract().path("message");
        assertEquals(missing.replace("99999999", String.valueOf(d.id())), hidden);
        // writes of a role that may never write stay 403 (which reveals nothing: a missing assessment answers 403 too)
        Fixtures.as(Fixtures.OTHER_VIEWER).contentType(ContentType.JSON).body(Map.of("version", 0, "result", "satisfied"))
                .put("/api/v1/assessments/" + d.id() + "/items/" + itemId).then().statusCode(403);
        // lists: only what the caller may read
        Fixtures.as(Fixtures.OTHER_VIEWER).get("/api/v1/assessments?size=200").then().statusCode(200)
                .body("items.id", not(hasItem((int) d.id())));
        Fixtures.as(Fixtures.VIEWER).get("/api/v1/assessments?size=200").then().statusCode(200).body("items.id", hasItem((int) d.id()));
        outsider.get("/assessments").then().statusCode(200).body(not(containsString("/assessments/" + d.id() + "\"")));
        granted.get("/assessments").then().statusCode(200).body(containsString("/assessments/" + d.id() + "\""));
        // admins and api-read tokens read all
        Fixtures.as(Fixtures.apiToken("membership")).get("/api/v1/assessments/" + d.id()).then().statusCode(200);
    }

    @Test
    void adminsGrantAndRevokeThroughTheApiAndThePageAndEveryChangeIsAudited() {
        FastAdmin.ensure();
        AssessmentViews.Detail d = fixtures.assessment("membership grants");
        String members = "/api/v1/assessments/" + d.id() + "/members";
        Fixtures.as(Fixtures.OTHER_VIEWER).get("/api/v1/assessments/" + d.id()).then().statusCode(404);
        Fixtures.as(Fixtures.ADMIN).contentType(ContentType.JSON).body(Map.of("members", List.of(Fixtures.VIEWER, Fixtures.OTHER_VIEWER)))
                .put(members).then().statusCode(200).body("granted.username", hasItem(Fixtures.OTHER_VIEWER))
                .body("assessors", hasItem(Fixtures.ASSESSOR));
        Fixtures.as(Fixtures.OTHER_VIEWER).get("/api/v1/assessments/" + d.id()).then().statusCode(200);
        assertEquals(1, db.count("SELECT count(*) FROM audit_event WHERE action = 'membership.grant' AND target = 'assessment:" + d.id()
                + "' AND details LIKE '%" + Fixtures.OTHER_VIEWER + "'"));
        Fixtures.as(Fixtures.ADMIN).contentType(ContentType.JSON).body(Map.of("members", List.of("nobody-such")))
                .put(members).then().statusCode(400).body("message", containsString("no user 'nobody-such'"));
        Fixtures.as(Fixtures.VIEWER).contentType(ContentType.JSON).body(Map.of("members", List.of(Fixtures.VIEWER)))
                .put(members).then().statusCode(403);

        // the page form (with CSRF) revokes the other viewer again
        String page = "/assessments/" + d.id();
        PageSession admin = PageSession.login(FastAdmin.USERNAME, FastAdmin.PASSWORD).tokenFrom(page);
        admin.get(page).then().body(containsString("id=\"members-form\""));
        admin.tokenFrom(page);
        Response r = given().redirects().follow(false).cookies(admin.cookies).contentType(ContentType.URLENC)
                .formParam("csrf-token", admin.csrfToken).formParam("members", Fixtures.VIEWER).post("/admin/assessments/" + d.id() + "/members");
        assertEquals(303, r.statusCode(), r.asString());
        given().redirects().follow(false).cookies(admin.cookies).contentType(ContentType.URLENC)
                .formParam("members", "").post("/admin/assessments/" + d.id() + "/members").then()
                .statusCode(org.hamcrest.Matchers.anyOf(equalTo(400), equalTo(403)));
        Fixtures.as(Fixtures.OTHER_VIEWER).get("/api/v1/assessments/" + d.id()).then().statusCode(404);
        Fixtures.as(Fixtures.VIEWER).get("/api/v1/assessments/" + d.id()).then().statusCode(200);
        assertEquals(1, db.count("SELECT count(*) FROM audit_event WHERE action = 'membership.revoke' AND actor = '" + FastAdmin.USERNAME
                + "' AND target = 'assessment:" + d.id() + "'"));
        List<String> fields = Fixtures.as(Fixtures.ADMIN).get("/api/v1/assessments/" + d.id() + "/history?size=200").then()
                .extract().path("items.field");
        assertTrue(fields.contains("members"), fields.toString());
        assertFalse(Fixtures.as(Fixtures.ADMIN).get(members).then().extract().<List<String>>path("granted.username").contains(Fixtures.OTHER_VIEWER));
    }
}
