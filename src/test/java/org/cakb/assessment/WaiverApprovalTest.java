package org.cakb.assessment;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.cakb.testing.Database;
import org.cakb.testing.FastAdmin;
import org.cakb.testing.PageSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Waivers (issue #17): requested by an assessor, decided in the application by an admin who did not request them, the
 * approver being the signed-in account; every step in the item history and the audit trail; API and page forms.
 */
@QuarkusTest
class WaiverApprovalTest {

    @Inject
    Fixtures fixtures;
    @Inject
    Database db;

    private AssessmentViews.Detail a;
    private AssessmentViews.Item item;

    @BeforeEach
    void setUp() {
        FastAdmin.ensure();
        a = fixtures.assessment("waiver approval " + System.nanoTime());
        item = fixtures.items(a.id()).get(0);
    }

    private String path() {
        return "/api/v1/assessments/" + a.id() + "/items/" + item.id() + "/waiver";
    }

    private int request(String who, long version) {
        return Fixtures.as(who).contentType(ContentType.JSON)
                .body(Map.of("version", version, "reason", "legacy kernel on batch nodes", "expires", LocalDate.now().plusDays(60).toString(),
                        "compensatingControls", "batch nodes have no inbound network"))
                .put(path()).then().statusCode(200)
                .body("waiver.state", equalTo("requested"))
                .body("waiver.requestedBy", equalTo(who))
                .body("waiver.approver", equalTo(null))
                .body("waiver.compensatingControls", equalTo("batch nodes have no inbound network"))
                .extract().path("version");
    }

    @Test
    void aTypedApproverIsRefusedAndARequestIsNotAnApproval() {
        Fixtures.as(Fixtures.ASSESSOR).contentType(ContentType.JSON)
                .body(Map.of("version", item.version(), "reason", "r", "approver", "CISO", "expires", "2099-01-01"))
                .put(path()).then().statusCode(400).body("message", containsString("approver: is no longer typed"));
        int v = request(Fixtures.ASSESSOR, item.version());
        // while requested it counts nowhere: progress, CSV, OSCAL
        Fixtures.as(Fixtures.VIEWER).get("/api/v1/assessments/" + a.id()).then().body("progress.waived", equalTo(0));
        Fixtures.as(Fixtures.VIEWER).get("/api/v1/assessments/" + a.id() + "/checklist.csv").then().statusCode(200)
                .body(not(containsString("legacy kernel")));
        Fixtures.as(Fixtures.VIEWER).get("/api/v1/assessments/" + a.id() + "/oscal/assessment-results").then().statusCode(200)
                .body(not(containsString("legacy kernel")));
        // a second request while one is pending: 409
        Fixtures.as(Fixtures.ASSESSOR).contentType(ContentType.JSON)
                .body(Map.of("version", v, "reason", "again", "expires", "2099-01-01")).put(path()).then().statusCode(409);
        // assessors cannot decide
        Fixtures.as(Fixtures.ASSESSOR).contentType(ContentType.JSON).body(Map.of("version", v))
                .post(path() + "/approve").then().statusCode(403);
        // the admins' queue lists it
        Fixtures.as(Fixtures.ADMIN).get("/api/v1/assessments/waiver-requests").then().statusCode(200)
                .body("find { it.itemId == " + item.id() + " }.waiver.requestedBy", equalTo(Fixtures.ASSESSOR));
    }

    @Test
    void anAdminCannotApproveTheirOwnRequestAnotherAdminCanAndEveryStepIsRecorded() {
        int v = request(Fixtures.ADMIN, item.version());
        long auditBefore = db.count("SELECT count(*) FROM audit_event WHERE action = 'waiver.decision' AND target = 'assessment:"
                + a.id() + "/item:" + item.id() + "'");
        Fixtures.as(Fixtures.ADMIN).contentType(ContentType.JSON).body(Map.of("version", v))
                .post(path() + "/approve").then().statusCode(403).body("message", containsString("another admin"));
        // the database refuses it too, whatever the application does
        try {
            db.execute("UPDATE checklist_item SET waiver_state = 'approved', waiver_approver = waiver_requested_by WHERE id = " + item.id());
            throw new AssertionError("the database accepted a self-approval");
        } catch (java.sql.SQLException expected) {
            assertTrue(expected.getMessage().contains("checklist_item_waiver_approver"), expected.getMessage());
        }
        given().auth().preemptive().basic(FastAdmin.USERNAME, FastAdmin.PASSWORD).contentType(ContentType.JSON)
                .body(Map.of("version", v, "note", "accepted until the Q1 migration")).post(path() + "/approve").then().statusCode(200)
                .body("waiver.state", equalTo("approved"))
                .body("waiver.approver", equalTo(FastAdmin.USERNAME))
                .body("waiver.decidedBy", equalTo(FastAdmin.USERNAME))
                .body("waiver.decisionNote", equalTo("accepted until the Q1 migration"));
        Fixtures.as(Fixtures.VIEWER).get("/api/v1/assessments/" + a.id()).then().body("progress.waived", equalTo(1));
        Fixtures.as(Fixtures.VIEWER).get("/api/v1/assessments/" + a.id() + "/checklist.csv").then().statusCode(200)
                .body(containsString("approved by " + FastAdmin.USERNAME + ": legacy kernel"));
        assertEquals(auditBefore + 2, db.count("SELECT count(*) FROM audit_event WHERE action = 'waiver.decision' AND target = 'assessment:"
                + a.id() + "/item:" + item.id() + "'"), "the refused self-approval and the approval are both audited");
        assertEquals(1, db.count("SELECT count(*) FROM audit_event WHERE action = 'waiver.decision' AND outcome = 'success' AND actor = '"
                + FastAdmin.USERNAME + "' AND target = 'assessment:" + a.id() + "/item:" + item.id() + "'"));
        List<String> history = Fixtures.as(Fixtures.VIEWER).get("/api/v1/assessments/" + a.id() + "/items/" + item.id() + "/history?size=200")
                .then().statusCode(200).extract().path("items.collect { it.actor + ' ' + it.field + ' ' + it.newValue }");
        assertTrue(history.contains(Fixtures.ADMIN + " waiverState requested"), history.toString());
        assertTrue(history.contains(FastAdmin.USERNAME + " waiverState approved"), history.toString());
        assertTrue(history.contains(FastAdmin.USERNAME + " waiverDecisionNote accepted until the Q1 migration"), history.toString());

        // withdrawing the approved waiver takes it out of the counts again
        int after = Fixtures.as(Fixtures.ASSESSOR).get("/api/v1/assessments/" + a.id() + "/items/" + item.id()).then().extract().path("item.version");
        Fixtures.as(Fixtures.ASSESSOR).queryParam("version", after).delete(path()).then().statusCode(200)
                .body("waiver.state", equalTo("withdrawn")).body("waiver.approver", equalTo(null));
        Fixtures.as(Fixtures.VIEWER).get("/api/v1/assessments/" + a.id()).then().body("progress.waived", equalTo(0));
        assertEquals(1, db.count("SELECT count(*) FROM audit_event WHERE action = 'waiver.withdraw' AND target = 'assessment:"
                + a.id() + "/item:" + item.id() + "'"));
    }

    @Test
    void aRefusalNeedsAReasonAndAllowsANewRequest() {
        int v = request(Fixtures.ASSESSOR, item.version());
        Fixtures.as(Fixtures.ADMIN).contentType(ContentType.JSON).body(Map.of("version", v))
                .post(path() + "/refuse").then().statusCode(400).body("message", containsString("note"));
        int refused = Fixtures.as(Fixtures.ADMIN).contentType(ContentType.JSON).body(Map.of("version", v, "note", "patch instead"))
                .post(path() + "/refuse").then().statusCode(200)
                .body("waiver.state", equalTo("refused")).body("waiver.decidedBy", equalTo(Fixtures.ADMIN))
                .body("waiver.decisionNote", equalTo("patch instead")).extract().path("version");
        // deciding again: nothing is pending
        Fixtures.as(Fixtures.ADMIN).contentType(ContentType.JSON).body(Map.of("version", refused))
                .post(path() + "/approve").then().statusCode(409);
        request(Fixtures.ASSESSOR, refused);
    }

    @Test
    void pageFormsRequestAndDecideWithTheSignedInAccount() {
        String itemPage = "/assessments/" + a.id() + "/items/" + item.id();
        PageSession assessor = PageSession.login(Fixtures.ASSESSOR, Fixtures.PASSWORD).tokenFrom(itemPage);
        Response r = given().redirects().follow(false).cookies(assessor.cookies).contentType(ContentType.URLENC)
                .formParam("csrf-token", assessor.csrfToken).formParam("version", item.version())
                .formParam("reason", "vendor appliance").formParam("controls", "segmented VLAN")
                .formParam("expires", LocalDate.now().plusDays(10).toString()).post(itemPage + "/waiver");
        assertEquals(303, r.statusCode(), r.asString());
        // without the CSRF token nothing happens
        long version = fixtures.items(a.id()).get(0).version();
        given().redirects().follow(false).cookies(assessor.cookies).contentType(ContentType.URLENC)
                .formParam("version", version).formParam("decision", "approve").post(itemPage + "/waiver/decision")
                .then().statusCode(org.hamcrest.Matchers.anyOf(equalTo(400), equalTo(403)));

        PageSession admin = PageSession.login(FastAdmin.USERNAME, FastAdmin.PASSWORD).tokenFrom(itemPage);
        admin.get(itemPage).then().statusCode(200).body(containsString("id=\"waiver-approve\""))
                .body(not(containsString("id=\"w-approver\"")));
        admin.tokenFrom(itemPage);
        r = given().redirects().follow(false).cookies(admin.cookies).contentType(ContentType.URLENC)
                .formParam("csrf-token", admin.csrfToken).formParam("version", version).formParam("decision", "approve")
                .formParam("approver", "somebody else").post(itemPage + "/waiver/decision");
        assertEquals(303, r.statusCode(), r.asString());
        AssessmentViews.Item now = fixtures.items(a.id()).get(0);
        assertEquals("approved", now.waiver().state());
        assertEquals(FastAdmin.USERNAME, now.waiver().approver(), "the approver is the signed-in admin, whatever the form says");
        assertEquals("segmented VLAN", now.waiver().compensatingControls());
        admin.get(itemPage).then().body(containsString("Approved by <strong>" + FastAdmin.USERNAME + "</strong>"));
        admin.get("/admin/waivers").then().statusCode(200).body(not(containsString(itemPage + "\"")));
    }
}
