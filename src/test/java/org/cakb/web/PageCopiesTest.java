package org.cakb.web;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.cakb.assessment.AssessmentViews;
import org.cakb.assessment.Fixtures;
import org.cakb.testing.Database;
import org.cakb.testing.FastAdmin;
import org.cakb.testing.FleetFixture;
import org.cakb.testing.PageSession;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dynamic pages answered from rendered copies (org.cakb.pagecopies, issues #18/#21): a copy is used, it is the
 * person's own (header, CSRF tokens in every form), people with other permissions get their own, a change is seen
 * on the very next page when a person made it through the application and within moments when it was written
 * straight into the database (the V91 announcement), and losing access takes effect the same way.
 */
@QuarkusTest
class PageCopiesTest {

    private static final Pattern TOKENS = Pattern.compile("name=\"csrf-token\" value=\"([^\"]*)\"");
    private static final Pattern WHOAMI = Pattern.compile("<strong id=\"whoami\">([^<]*)</strong>");

    @Inject
    Fixtures fixtures;
    @Inject
    Database db;

    private static Response get(PageSession s, String path) {
        return given().redirects().follow(false).cookies(s.cookies).get(path);
    }

    /** Gets the page until {@code wanted} holds (a change announced by the database arrives within milliseconds). */
    private static Response until(PageSession s, String path, Predicate<Response> wanted) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            Response r = get(s, path);
            if (wanted.test(r) || System.nanoTime() > deadline) {
                return r;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The person named in the header, and every form token on the page, which must all be one. */
    private static String[] owner(String html) {
        Matcher who = WHOAMI.matcher(html);
        assertTrue(who.find(), "a session box");
        String name = who.group(1);
        assertFalse(who.find(), "one session box");
        Matcher t = TOKENS.matcher(html);
        Set<String> tokens = new java.util.HashSet<>();
        while (t.find()) {
            tokens.add(t.group(1));
        }
        assertEquals(1, tokens.size(), "every form carries this request's token: " + tokens);
        assertFalse(html.contains("<!--cakb:"), "no slot marker left");
        return new String[]{name, tokens.iterator().next()};
    }

    @Test
    void checklistAndItemCopiesAreSharedOnlyByEqualPermissionsAndFollowChanges() {
        AssessmentViews.Detail d = fixtures.assessment("page copies");
        long itemId = fixtures.items(d.id()).get(0).id();
        String checklist = "/assessments/" + d.id();
        String item = checklist + "/items/" + itemId;
        String second = "copy-viewer-" + d.id();
        FastAdmin.ensure();
        given().auth().preemptive().basic(FastAdmin.USERNAME, FastAdmin.PASSWORD).contentType(ContentType.JSON)
                .body(Map.of("username", second, "password", "copy-viewer-password", "roles", java.util.List.of("viewer")))
                .post("/api/v1/users").then().statusCode(201);
        Fixtures.as(Fixtures.ADMIN).contentType(ContentType.JSON).body(Map.of("members", java.util.List.of(Fixtures.VIEWER, second)))
                .put("/api/v1/assessments/" + d.id() + "/members").then().statusCode(200);
        PageSession viewer = PageSession.login(Fixtures.VIEWER, Fixtures.PASSWORD);
        PageSession viewer2 = PageSession.login(second, "copy-viewer-password");
        PageSession assessor = PageSession.login(Fixtures.ASSESSOR, Fixtures.PASSWORD);
        PageSession outsider = PageSession.login(Fixtures.OTHER_VIEWER, Fixtures.PASSWORD);

        for (String path : new String[]{checklist, item}) {
            Response first = get(viewer, path);
            assertEquals(200, first.statusCode(), path);
            assertNull(first.header("X-Page-Cache"), "rendered by the resource the first time: " + path);
            Response copy = get(viewer, path);
            assertEquals(200, copy.statusCode());
            assertEquals("hit", copy.header("X-Page-Cache"), "the second view is the copy: " + path);
            assertEquals("private, no-store", copy.header("Cache-Control"));
            String[] own = owner(copy.asString());
            assertEquals(Fixtures.VIEWER, own[0]);
            assertNotEquals(owner(first.asString())[1], own[1], "a fresh token pair per answer, never the renderer's");

            if (path.equals(checklist)) { // the checklist shows nobody's name: people with equal permissions share its copy
                get(viewer2, path).then().statusCode(200); // their permissions are read once by the resource
                Response shared = get(viewer2, path);
                assertEquals("hit", shared.header("X-Page-Cache"));
                String[] theirs = owner(shared.asString());
                assertEquals(second, theirs[0], "their own header on the shared copy");
                assertFalse(shared.asString().contains(own[1]), "none of the other person's tokens");
                assertFalse(shared.asString().contains("id=\"whoami\">" + Fixtures.VIEWER + "<"));
            }

            get(assessor, path).then().statusCode(200);
            Response theirs = get(assessor, path);
            assertEquals("hit", theirs.header("X-Page-Cache"));
            String[] other = owner(theirs.asString());
            assertEquals(Fixtures.ASSESSOR, other[0], "the assessor's own header on " + path);
            assertNotEquals(own[1], other[1]);
            assertNotEquals(copy.asString().replace(own[1], ""), theirs.asString().replace(other[1], "").replace(Fixtures.ASSESSOR, Fixtures.VIEWER)
                    .replace(">assessor<", ">viewer<"), "the assigned assessor's page differs (edit controls): its own copy");

            for (int i = 0; i < 2; i++) {
                assertEquals(404, get(outsider, path).statusCode(), "never a copy for someone without access: " + path);
            }
        }

        // a change through the application: the very next page shows it, for everybody on this replica
        AssessmentViews.Item stored = fixtures.items(d.id()).get(0);
        Fixtures.as(Fixtures.ASSESSOR).contentType(ContentType.JSON)
                .body(Map.of("version", stored.version(), "result", "not-satisfied", "justification", "copied-page-change-one"))
                .put("/api/v1/assessments/" + d.id() + "/items/" + itemId).then().statusCode(200);
        Response afterApi = get(viewer, item);
        assertTrue(afterApi.asString().contains("copied-page-change-one"), "no stale copy after the write");
        assertTrue(get(viewer, checklist).asString().contains("not-satisfied"), "the checklist too");

        // a change written straight into the database reaches the copies through its announcement
        get(viewer, item).then().statusCode(200);
        assertEquals("hit", get(viewer, item).header("X-Page-Cache"));
        long before = System.nanoTime();
        db.count("WITH u AS (UPDATE checklist_item SET justification = 'copied-page-change-two', version = version + 1 WHERE id = "
                + itemId + " RETURNING 1) SELECT count(*) FROM u");
        Response afterSql = until(viewer, item, r -> r.asString().contains("copied-page-change-two"));
        assertTrue(afterSql.asString().contains("copied-page-change-two"), "the database's announcement drops the copy");
        long millis = (System.nanoTime() - before) / 1_000_000;
        assertTrue(millis < 10_000, "seen after " + millis + " ms");

        // losing access in the database: refused, not served a copy
        get(viewer, checklist).then().statusCode(200);
        assertEquals("hit", get(viewer, checklist).header("X-Page-Cache"));
        db.count("WITH u AS (DELETE FROM assessment_member m USING app_user u WHERE m.assessment_id = " + d.id()
                + " AND m.user_id = u.id AND u.username = '" + Fixtures.VIEWER + "' RETURNING 1) SELECT count(*) FROM u");
        assertEquals(404, until(viewer, checklist, r -> r.statusCode() == 404).statusCode(), "membership revoked");
        assertEquals(404, get(viewer, item).statusCode());
    }

    @Test
    void aHostPageCopyFollowsItsReports() {
        String host = "copies-" + UUID.randomUUID().toString().substring(0, 8);
        long hostId = FleetFixture.registerHost(host);
        String credential = FleetFixture.enroll(hostId);
        submit(credential, FleetFixture.report(UUID.randomUUID().toString(), Instant.now().minusSeconds(120), "pass", "copy-observed-pass"));
        PageSession viewer = PageSession.login(Fixtures.VIEWER, Fixtures.PASSWORD);
        String path = "/hosts/" + hostId;
        get(viewer, path).then().statusCode(200);
        Response copy = get(viewer, path);
        assertEquals("hit", copy.header("X-Page-Cache"));
        assertEquals(Fixtures.VIEWER, owner(copy.asString())[0]);

        submit(credential, FleetFixture.report(UUID.randomUUID().toString(), Instant.now().minusSeconds(60), "fail", "copy-observed-fail"));
        Response after = get(viewer, path);
        assertNull(after.header("X-Page-Cache"), "a report that changed the host's state drops its copy at once");
        assertTrue(after.asString().contains("copy-observed-fail"), "the new failure is on the page");
        Response drift = get(viewer, "/fleet/drift"); // not a copy, but the same header
        assertEquals(200, drift.statusCode());
        assertEquals(Fixtures.VIEWER, owner(drift.asString())[0]);
    }

    private static void submit(String credential, String body) {
        given().auth().oauth2(credential).contentType(ContentType.JSON).body(body)
                .post("/api/v1/agent/reports").then().statusCode(201);
    }
}
