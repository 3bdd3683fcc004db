package org.cakb.assessment;

import io.quarkus.narayana.jta.QuarkusTransaction;

import org.cakb.security.AccountViews;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.cakb.testing.Database;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class AssessmentApiTest {

    @Inject
    Fixtures fixtures;
    @Inject
    Database db;

    @BeforeEach
    void users() {
        fixtures.users();
    }

    private static String itemPath(long id, long itemId) {
        return "/api/v1/assessments/" + id + "/items/" + itemId;
    }

    @Test
    void secondOfTwoConflictingSavesGets409WithBothVersionsAndNothingIsOverwritten() {
        fixtures.users();
        AssessmentViews.Detail a = fixtures.assessment("conflict");
        // the other assessor is assigned too
        Fixtures.as(Fixtures.ADMIN).contentType(ContentType.JSON).body(Map.of("assessors", List.of(Fixtures.ASSESSOR, Fixtures.OTHER_ASSESSOR)))
                .put("/api/v1/assessments/" + a.id() + "/assessors").then().statusCode(200);
        AssessmentViews.Item item = fixtures.items(a.id()).get(0);

        Fixtures.as(Fixtures.ASSESSOR).contentType(ContentType.JSON)
                .body(Map.of("version", item.version(), "result", "satisfied", "justification", "first", "evidenceText", "mine"))
                .put(itemPath(a.id(), item.id())).then().statusCode(200).body("version", equalTo((int) item.version() + 1));

        Fixtures.as(Fixtures.OTHER_ASSESSOR).contentType(ContentType.JSON)
                .body(Map.of("version", item.version(), "result", "not-satisfied", "justification", "second"))
                .put(itemPath(a.id(), item.id())).then().statusCode(409)
                .body("message", containsString("changed by " + Fixtures.ASSESSOR))
                .body("yours.result", equalTo("not-satisfied"))
                .body("yours.justification", equalTo("second"))
                .body("yours.version", equalTo((int) item.version()))
                .body("current.result", equalTo("satisfied"))
                .body("current.justification", equalTo("first"))
                .body("current.updatedBy", equalTo(Fixtures.ASSESSOR))
                .body("current.version", equalTo((int) item.version() + 1));

        Fixtures.as(Fixtures.VIEWER).get(itemPath(a.id(), item.id())).then().statusCode(200)
                .body("item.result", equalTo("satisfied")).body("item.justification", equalTo("first"));
        assertEquals(0, db.count("SELECT count(*) FROM assessment_history WHERE item_id = " + item.id() + " AND new_value = 'second'"));
    }

    @Test
    void invalidInputGets400WithFieldMessages() {
        Fixtures.as(Fixtures.ADMIN).contentType(ContentType.JSON)
                .body(Map.of("name", "", "target", "t", "scope", Map.of("requirements", List.of("no:such-record"))))
                .post("/api/v1/assessments").then().statusCode(400)
                .body("details", hasItem("Name: is required"));
        Fixtures.as(Fixtures.ADMIN).contentType(ContentType.JSON)
                .body(Map.of("name", "x", "target", "t", "scope", Map.of("requirements", List.of("no:such-record"))))
                .post("/api/v1/assessments").then().statusCode(400)
                .body("details", hasItem("scope.requirements: no record with id 'no:such-record'"));
        AssessmentViews.Detail a = fixtures.assessment("invalid");
        AssessmentViews.Item item = fixtures.items(a.id()).get(0);
        Fixtures.as(Fixtures.ASSESSOR).contentType(ContentType.JSON)
                .body(Map.of("version", item.version(), "result", "great", "evidenceLinks", List.of("javascript:alert(1)")))
                .put(itemPath(a.id(), item.id())).then().statusCode(400)
                .body("details", hasItem(containsString("Result: must be one of")))
                .body("details", hasItem(containsString("Evidence link 1: each link must be an http(s) URL")))
                .body("details", org.hamcrest.Matchers.not(hasItem(containsString("<list element>"))));
    }

    @Test
    void waiverCountsOnlyOnceApprovedAndUntilItExpires() {
        AssessmentViews.Detail a = fixtures.assessment("waiver");
        AssessmentViews.Item item = fixtures.items(a.id()).get(0);
        Fixtures.as(Fixtures.ASSESSOR).contentType(ContentType.JSON)
                .body(Map.of("version", item.version(), "reason", "legacy host", "expires", LocalDate.now().minusDays(1).toString()))
                .put(itemPath(a.id(), item.id()) + "/waiver").then().statusCode(400)
                .body("message", containsString("expires: must be today or later"));
        AssessmentViews.Item other = fixtures.items(a.id()).get(1);
        int version = Fixtures.as(Fixtures.ASSESSOR).contentType(ContentType.JSON)
                .body(Map.of("version", other.version(), "reason", "r", "expires", LocalDate.now().plusDays(30).toString()))
                .put(itemPath(a.id(), other.id()) + "/waiver").then().statusCode(200)
                .body("waiver.state", equalTo("requested")).extract().path("version");
        Fixtures.as(Fixtures.VIEWER).get("/api/v1/assessments/" + a.id()).then().statusCode(200).body("progress.waived", equalTo(0));
        Fixtures.as(Fixtures.ADMIN).contentType(ContentType.JSON).body(Map.of("version", version))
                .post(itemPath(a.id(), other.id()) + "/waiver/approve").then().statusCode(200).body("waiver.state", equalTo("approved"));
        Fixtures.as(Fixtures.VIEWER).get("/api/v1/assessments/" + a.id()).then().statusCode(200).body("progress.waived", equalTo(1));
        // time passes: the approved waiver's expiry is yesterday now (set in the database; the API refuses past dates)
        QuarkusTransaction.requiringNew().run(() -> ChecklistItem.update("waiverExpires = ?1 where id = ?2",
                LocalDate.now().minusDays(1), other.id()));
        Fixtures.as(Fixtures.VIEWER).get("/api/v1/assessments/" + a.id() + "/items").then().statusCode(200)
                .body("find { it.id == " + other.id() + " }.waiver.state", equalTo("expired"));
        Fixtures.as(Fixtures.VIEWER).get("/api/v1/assessments/" + a.id()).then().statusCode(200).body("progress.waived", equalTo(0));
        Session viewer = Session.login(Fixtures.VIEWER, Fixtures.PASSWORD);
        viewer.get("/assessments/" + a.id() + "/items/" + other.id()).then().statusCode(200).body(containsString("expired"));
    }

    @Test
    void tooLargeOrWrongTypeAttachmentIsRefusedClearlyAndNothingIsStored() {
        AssessmentViews.Detail a = fixtures.assessment("attachments");
        AssessmentViews.Item item = fixtures.items(a.id()).get(0);
        String counts = "SELECT (SELECT count(*) FROM item_attachment) || '/' || (SELECT count(*) FROM assessment_history)";
        String before = db.single(counts);

        byte[] big = new byte[Attachments.MAX_BYTES + 1];
        Arrays.fill(big, (byte) 'a');
        Fixtures.as(Fixtures.ASSESSOR).contentType("application/octet-stream").queryParam("filename", "big.txt").body(big)
                .post(itemPath(a.id(), item.id()) + "/attachments").then().statusCode(413)
                .body("message", containsString("file too large"))
                .body("message", containsString("5 MiB"));
        Fixtures.as(Fixtures.ASSESSOR).contentType("application/octet-stream").queryParam("filename", "tool.elf")
                .body(new byte[]{0x7F, 'E', 'L', 'F', 2, 1, 1, 0})
                .post(itemPath(a.id(), item.id()) + "/attachments").then().statusCode(415)
                .body("message", containsString("file type not allowed"));
        Fixtures.as(Fixtures.ASSESSOR).contentType("image/png").queryParam("filename", "fake.png").body("%PDF-1.7 fake".getBytes())
                .post(itemPath(a.id(), item.id()) + "/attachments").then().statusCode(415)
                .body("message", containsString("sent as image/png but its content is application/pdf"));
        assertEquals(before, db.single(counts), "no attachment and no history row was written");

        // the browser form gets the same rule
        Session s = Session.login(Fixtures.ASSESSOR, Fixtures.PASSWORD);
        String page = s.get("/assessments/" + a.id() + "/items/" + item.id()).asString();
        s.multipart("/assessments/" + a.id() + "/items/" + item.id() + "/attachments", Session.token(page), "big.txt", big)
                .then().statusCode(413).body(containsString("file too large"));
        assertEquals(before, db.single(counts));

        // and a good file is stored, downloadable, with its detected type
        Response ok = Fixtures.as(Fixtures.ASSESSOR).contentType("application/pdf").queryParam("filename", "../../report.pdf")
                .body("%PDF-1.4 evidence".getBytes()).post(itemPath(a.id(), item.id()) + "/attachments");
        ok.then().statusCode(201).body("filename", equalTo("report.pdf")).body("contentType", equalTo("application/pdf"));
        Fixtures.as(Fixtures.VIEWER).get(itemPath(a.id(), item.id()) + "/attachments/" + ok.path("id")).then().statusCode(200)
                .header("Content-Type", containsString("application/pdf"))
                .header("X-Content-Type-Options", "nosniff")
                .body(equalTo("%PDF-1.4 evidence"));
    }

    @Test
    void completedAssessmentIsReadOnlyUntilAnAdminReopensItAndTheReopeningIsInTheHistory() {
        AssessmentViews.Detail a = fixtures.assessment("complete");
        List<AssessmentViews.Item> items = fixtures.items(a.id());
        AssessmentViews.Item first = items.get(0);
        Fixtures.as(Fixtures.ASSESSOR).contentType(ContentType.JSON)
                .body(Map.of("version", first.version(), "result", "satisfied", "justification", "checked", "evidenceText", "config seen"))
                .put(itemPath(a.id(), first.id())).then().statusCode(200);
        long version = fixtures.detail(a.id()).version();
        Fixtures.as(Fixtures.ASSESSOR).contentType(ContentType.JSON).body(Map.of("version", version, "status", "completed"))
                .post("/api/v1/assessments/" + a.id() + "/status").then().statusCode(400)
                .body("message", containsString("1 item(s) are still not assessed"));
        a = fixtures.complete(a.id());
        assertEquals("completed", a.status());

        AssessmentViews.Item item = fixtures.items(a.id()).get(0);
        Fixtures.as(Fixtures.ASSESSOR).contentType(ContentType.JSON)
                .body(Map.of("version", item.version(), "result", "not-satisfied", "justification", "gap found"))
                .put(itemPath(a.id(), item.id())).then().statusCode(409)
                .body("message", containsString("read-only until an admin reopens it"));
        Fixtures.as(Fixtures.ASSESSOR).contentType(ContentType.JSON).body(Map.of("version", a.version(), "reason", "x"))
                .post("/api/v1/assessments/" + a.id() + "/reopen").then().statusCode(403);
        Fixtures.as(Fixtures.ADMIN).contentType(ContentType.JSON).body(Map.of("version", a.version(), "reason", "new evidence arrived"))
                .post("/api/v1/assessments/" + a.id() + "/reopen").then().statusCode(200).body("status", equalTo("in-progress"));
        Fixtures.as(Fixtures.VIEWER).get("/api/v1/assessments/" + a.id() + "/history").then().statusCode(200)
                .body("items.findAll { it.field == 'status' }.newValue", hasItem("completed"))
                .body("items.find { it.newValue != null && it.newValue.contains('reopened') }.actor", equalTo(Fixtures.ADMIN))
                .body("items.find { it.newValue != null && it.newValue.contains('reopened') }.newValue", containsString("new evidence arrived"));
        item = fixtures.items(a.id()).get(0);
        Fixtures.as(Fixtures.ASSESSOR).contentType(ContentType.JSON)
                .body(Map.of("version", item.version(), "result", "not-satisfied", "justification", "gap found"))
                .put(itemPath(a.id(), item.id())).then().statusCode(200);
        Fixtures.as(Fixtures.VIEWER).get(itemPath(a.id(), item.id()) + "/history").then().statusCode(200)
                .body("items.find { it.field == 'result' && it.newValue == 'not-satisfied' }.oldValue", equalTo("satisfied"));
    }

    @Test
    void historyIsAppendOnlyInTheDatabase() {
        AssessmentViews.Detail a = fixtures.assessment("append-only");
        long rows = db.count("SELECT count(*) FROM assessment_history WHERE assessment_id = " + a.id());
        assertTrue(rows > 0);
        RuntimeException update = assertThrows(RuntimeException.class,
                () -> db.single("UPDATE assessment_history SET actor = 'mallory' WHERE assessment_id = " + a.id() + " RETURNING id"));
        assertTrue(String.valueOf(update.getCause()).contains("append-only"), String.valueOf(update.getCause()));
        assertThrows(RuntimeException.class, () -> db.single("DELETE FROM assessment_history WHERE assessment_id = " + a.id() + " RETURNING id"));
        assertThrows(RuntimeException.class, () -> db.single("TRUNCATE assessment_history; SELECT 1"));
        assertEquals(rows, db.count("SELECT count(*) FROM assessment_history WHERE assessment_id = " + a.id()));
        assertEquals(0, db.count("SELECT count(*) FROM assessment_history WHERE actor = 'mallory'"));
    }

    @Test
    void formWithoutCsrfTokenIsRejectedAndWithTheTokenAccepted() {
        AssessmentViews.Detail a = fixtures.assessment("csrf");
        AssessmentViews.Item item = fixtures.items(a.id()).get(0);
        Session s = Session.login(Fixtures.ASSESSOR, Fixtures.PASSWORD);
        String page = s.get("/assessments/" + a.id() + "/items/" + item.id()).then().statusCode(200).extract().asString();
        String path = "/assessments/" + a.id() + "/items/" + item.id();
        Map<String, String> form = Map.of("version", String.valueOf(item.version()), "result", "satisfied", "justification", "via form",
                "evidenceText", "seen on the console");

        s.form(path, form, null).then().statusCode(400);
        s.form(path, form, "forged-token-value").then().statusCode(400);
        assertEquals("not-assessed", fixtures.items(a.id()).get(0).result());

        s.form(path, form, Session.token(page)).then().statusCode(303);
        assertEquals("satisfied", fixtures.items(a.id()).get(0).result());
    }

    @Test
    void itemFormSetsTheEvidenceMethod() {
        AssessmentViews.Detail a = fixtures.assessment("evidence method form");
        AssessmentViews.Item item = fixtures.items(a.id()).get(0);
        assertEquals("EXAMINE", item.evidenceMethod());
        Session s = Session.login(Fixtures.ASSESSOR, Fixtures.PASSWORD);
        String path = "/assessments/" + a.id() + "/items/" + item.id();
        String page = s.get(path).then().statusCode(200).body(containsString("<option value=\"EXAMINE\" selected>"))
                .extract().asString();
        s.form(path, Map.of("version", String.valueOf(item.version()), "result", "satisfied", "justification", "asked the team",
                "evidenceText", "interview notes", "evidenceMethod", "INTERVIEW"), Session.token(page)).then().statusCode(303);
        AssessmentViews.Item saved = fixtures.items(a.id()).get(0);
        assertEquals("INTERVIEW", saved.evidenceMethod());
        page = s.get(path).then().statusCode(200).body(containsString("<option value=\"INTERVIEW\" selected>")).extract().asString();
        Fixtures.as(Fixtures.VIEWER).get(itemPath(a.id(), item.id()) + "/history").then().statusCode(200)
                .body("items.find { it.field == 'evidenceMethod' }.newValue", equalTo("INTERVIEW"));

        s.form(path, Map.of("version", String.valueOf(saved.version()), "result", "satisfied", "evidenceMethod", "GUESS"),
                Session.token(page)).then().statusCode(400).body(containsString("must be EXAMINE or INTERVIEW"));
        assertEquals("INTERVIEW", fixtures.items(a.id()).get(0).evidenceMethod());
    }

    @Test
    void pagesNeedALoginAndAViewerCannotEdit() {
        AssessmentViews.Detail a = fixtures.assessment("pages");
        AssessmentViews.Item item = fixtures.items(a.id()).get(0);
        given().redirects().follow(false).get("/assessments").then().statusCode(302).header("Location", containsString("/login"));
        Session viewer = Session.login(Fixtures.VIEWER, Fixtures.PASSWORD);
        String page = viewer.get("/assessments/" + a.id() + "/items/" + item.id()).then().statusCode(200).extract().asString();
        assertTrue(!page.contains("id=\"item-form\""), "no edit form for a viewer");
        viewer.form("/assessments/" + a.id() + "/items/" + item.id(),
                        Map.of("version", String.valueOf(item.version()), "result", "satisfied"), Session.token(page))
                .then().statusCode(403).body(containsString("may not edit item"));
        viewer.get("/admin/users").then().statusCode(403);
        Session admin = Session.login(Fixtures.ADMIN, Fixtures.ADMIN_PASSWORD);
        admin.get("/admin/users").then().statusCode(200).body(containsString(Fixtures.VIEWER)).body(not(containsString("$2a$")));
    }

    @Test
    void repeatedFailedLoginsDelayTheUsernameForAWhile() {
        fixtures.accounts().createUser(new AccountViews.NewUser("lockme", "lockme-password-1", List.of("viewer")));
        Fixtures.as(null).auth().preemptive().basic("lockme", "lockme-password-1").get("/api/v1/assessments").then().statusCode(200);
        for (int i = 0; i < 5; i++) {
            given().auth().preemptive().basic("lockme", "wrong-" + i).get("/api/v1/assessments").then().statusCode(401);
        }
        // the throttle set a delay after the free failures (attempts made while it runs are refused without counting)
        assertEquals(1, db.count("SELECT count(*) FROM login_failure_account WHERE username = 'lockme' AND failures >= 3 "
                + "AND next_attempt_at > last_failure"));
        // hold that delay long enough for a slow machine to observe it
        db.single("UPDATE login_failure_account SET next_attempt_at = now() + interval '1 minute' WHERE username = 'lockme' RETURNING 1");
        // delayed: even the right password is refused for now, through Basic and through the login form
        given().auth().preemptive().basic("lockme", "lockme-password-1").get("/api/v1/assessments").then().statusCode(401);
        org.cakb.testing.PageSession.attempt("lockme", "lockme-password-1", new java.util.HashMap<>()).then().statusCode(302)
                .header("Location", containsString("error"));
        // the delay ends
        db.single("UPDATE login_failure_account SET next_attempt_at = now() - interval '1 second' WHERE username = 'lockme' RETURNING 1");
        given().auth().preemptive().basic("lockme", "lockme-password-1").get("/api/v1/assessments").then().statusCode(200);
        assertEquals(0, db.count("SELECT count(*) FROM login_failure_account WHERE username = 'lockme'"));
    }

    /** A browser-like session: form login cookie plus the CSRF cookie. */
    record Session(Map<String, String> cookies) {
        static final Pattern TOKEN = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");

        static Session login(String user, String password) {
            java.util.Map<String, String> cookies = new java.util.HashMap<>();
            Response r = org.cakb.testing.PageSession.attempt(user, password, cookies);
            r.then().statusCode(302).header("Location", not(containsString("error")));
            return new Session(cookies);
        }

        static String token(String html) {
            Matcher m = TOKEN.matcher(html);
            assertTrue(m.find(), "page has a CSRF token field");
            return m.group(1);
        }

        Response get(String path) {
            Response r = given().redirects().follow(false).cookies(cookies).get(path);
            cookies.putAll(r.getCookies());
            return r;
        }

        Response form(String path, Map<String, String> fields, String token) {
            var spec = given().redirects().follow(false).cookies(cookies).contentType(ContentType.URLENC).formParams(fields);
            if (token != null) {
                spec = spec.formParam("csrf-token", token);
            }
            return spec.post(path);
        }

        Response multipart(String path, String token, String filename, byte[] data) {
            return given().redirects().follow(false).cookies(cookies).multiPart("csrf-token", token)
                    .multiPart("file", filename, data, "text/plain").post(path);
        }
    }
}
