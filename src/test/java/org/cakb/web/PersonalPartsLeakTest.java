package org.cakb.web;

import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.cakb.security.AppUser;
import org.cakb.security.Roles;
import org.cakb.testing.FleetFixture;
import org.cakb.testing.PageSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared page cache serves one rendering of a knowledge-base page to everybody; the per-user parts (session box
 * with the CSRF token, admin links, fleet coverage) are added per request. Two people with different roles and an
 * anonymous visitor load the same pages in turn and at the same time: each must see only their own header and
 * counts, never another's.
 */
@QuarkusTest
class PersonalPartsLeakTest {

    private static final String VIEWER = "leak-viewer-" + UUID.randomUUID().toString().substring(0, 8);
    private static final String ADMIN = "leak-admin-" + UUID.randomUUID().toString().substring(0, 8);
    private static final String PASSWORD = "leak-test-password";
    private static final Pattern WHOAMI = Pattern.compile("<strong id=\"whoami\">([^<]*)</strong>");
    private static final Pattern ROLE = Pattern.compile("id=\"whoami-role\">([^<]*)<");
    private static final Pattern TOKEN = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");
    private static final Pattern COVERAGE = Pattern.compile("Verified on (\\d+) hosts?, failing on (\\d+)\\.");
    private static final List<String> PAGES = List.of("/countermeasures/cm:no-cap-sys-admin", "/countermeasures/cm:seccomp-filter",
            "/threats", "/matrix", "/", "/requirements", "/search?q=seccomp");

    private static PageSession viewer;
    private static PageSession admin;

    @BeforeAll
    static void people() {
        QuarkusTransaction.requiringNew().run(() -> {
            for (String[] person : new String[][]{{VIEWER, Roles.VIEWER}, {ADMIN, Roles.ADMIN}}) {
                AppUser user = new AppUser();
                user.username = person[0];
                user.passwordHash = BcryptUtil.bcryptHash(PASSWORD, 4);
                user.roles = person[1];
                user.persist();
            }
        });
    }

    /** Signs both people in and lets one host report (so the coverage line has counts), once. */
    private static synchronized void signedIn() {
        if (viewer != null) {
            return;
        }
        viewer = PageSession.login(VIEWER, PASSWORD);
        admin = PageSession.login(ADMIN, PASSWORD);
        String agent = FleetFixture.enrolledAgent("leak-host-" + UUID.randomUUID().toString().substring(0, 8));
        given().auth().oauth2(agent).contentType(ContentType.JSON).body(FleetFixture.report(UUID.randomUUID().toString(), "fail"))
                .post("/api/v1/agent/reports").then().statusCode(201);
    }

    private static String html(Response r) {
        r.then().statusCode(200);
        return r.asString();
    }

    private static Response as(java.util.Map<String, String> cookies, String path) {
        return given().redirects().follow(false).cookies(cookies).get(path);
    }

    private static String anonymous(String path) {
        return html(given().redirects().follow(false).get(path));
    }

    private static void assertOwnParts(String page, String path, String user, String role, boolean admin) {
        Matcher who = WHOAMI.matcher(page);
        assertTrue(who.find(), path + ": no session box for " + user);
        assertEquals(user, who.group(1), path + ": header names someone else");
        assertFalse(who.find(), path + ": two session boxes");
        Matcher r = ROLE.matcher(page);
        assertTrue(r.find(), path + ": no role in the header");
        assertEquals(role, r.group(1), path + ": header shows another role");
        assertEquals(admin, page.contains("href=\"/admin/users\""), path + ": admin links for " + role);
        assertFalse(page.contains("id=\"sign-in\""), path + ": sign-in link on a signed-in page");
        String other = user.equals(VIEWER) ? ADMIN : VIEWER;
        assertFalse(page.contains(other), path + ": " + user + " sees " + other);
        if (path.startsWith("/countermeasures/")) {
            Matcher c = COVERAGE.matcher(page);
            assertTrue(c.find(), path + ": no fleet coverage for " + role);
            assertTrue(Long.parseLong(c.group(1)) >= 1, path + ": coverage counts no host");
        }
    }

    private static void assertAnonymous(String page, String path) {
        assertFalse(page.contains("id=\"whoami\""), path + ": anonymous page has a session box");
        assertFalse(page.contains(VIEWER) || page.contains(ADMIN), path + ": anonymous page names a user");
        assertFalse(page.contains("href=\"/admin/users\""), path + ": anonymous page has admin links");
        assertFalse(page.contains("fleet-coverage") || page.contains("Verified on"), path + ": anonymous page has fleet counts");
        assertFalse(page.contains("csrf-token"), path + ": anonymous page has a CSRF token");
        assertTrue(page.contains("id=\"sign-in\""), path + ": anonymous page without sign-in link");
    }

    /** What the page looks like with every per-user part cut out: must be the same for everybody. */
    private static String shared(String page) {
        return page.replaceAll("(?s)<form class=\"session\".*?</form>", "")
                .replace(PersonalParts.SIGN_IN, "").replaceAll("<li class=\"nav-admin\">.*?</li>", "")
                .replaceAll("(?s)<p class=\"notice fleet-coverage\".*?</p>", "").replaceAll("\\s+", " ");
    }

    @Test
    void eachPersonSeesOnlyTheirOwnPartsInTurn() {
        signedIn();
        for (String path : PAGES) {
            String anon1 = anonymous(path);
            Response v = viewer.get(path);
            String viewerPage = html(v);
            v.then().header("X-Page-Cache", equalTo("hit")).header("Cache-Control", equalTo("private, no-store"));
            String adminPage = html(admin.get(path));
            String viewerAgain = html(viewer.get(path));
            String anon2 = anonymous(path);

            assertAnonymous(anon1, path);
            assertAnonymous(anon2, path);
            assertOwnParts(viewerPage, path, VIEWER, Roles.VIEWER, false);
            assertOwnParts(viewerAgain, path, VIEWER, Roles.VIEWER, false);
            assertOwnParts(adminPage, path, ADMIN, Roles.ADMIN, true);
            assertEquals(shared(anon1), shared(viewerPage), path + ": shared part differs between anonymous and viewer");
            assertEquals(shared(anon1), shared(adminPage), path + ": shared part differs between anonymous and admin");
            assertEquals(anon1, anon2, path);
        }
    }

    @Test
    void eachPersonGetsTheirOwnCsrfTokenAndItWorks() {
        signedIn();
        String path = "/countermeasures/cm:seccomp-filter";
        Matcher v = TOKEN.matcher(html(viewer.get(path)));
        Matcher a = TOKEN.matcher(html(admin.get(path)));
        assertTrue(v.find() && a.find(), "log-out forms carry a CSRF token");
        assertNotEquals(v.group(1), a.group(1), "two sessions share a CSRF token");
        PageSession other = PageSession.login(VIEWER, PASSWORD);
        Matcher o = TOKEN.matcher(html(other.get(path)));
        assertTrue(o.find());
        // the token from the shared page is accepted for that session's log-out; another account's session is unaffected
        // (log-out ends every session of the account that logs out, by design: issue 17's session epoch)
        given().redirects().follow(false).cookies(other.cookies).formParam("csrf-token", o.group(1)).post("/logout")
                .then().statusCode(org.hamcrest.Matchers.anyOf(equalTo(302), equalTo(303)));
        assertOwnParts(html(admin.get(path)), path, ADMIN, Roles.ADMIN, true);
        viewer.get(path).then().statusCode(302);
        viewer = PageSession.login(VIEWER, PASSWORD);
        assertOwnParts(html(viewer.get(path)), path, VIEWER, Roles.VIEWER, false);
    }

    @Test
    void concurrentRequestsNeverMixParts() throws Exception {
        signedIn();
        viewer.get("/"); // both sessions hold their CSRF cookie before the parallel part
        admin.get("/");
        java.util.Map<String, String> viewerCookies = java.util.Map.copyOf(viewer.cookies);
        java.util.Map<String, String> adminCookies = java.util.Map.copyOf(admin.cookies);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int round = 0; round < 10; round++) {
                for (String path : PAGES) {
                    done.add(pool.submit(() -> assertOwnParts(html(as(viewerCookies, path)), path, VIEWER, Roles.VIEWER, false)));
                    done.add(pool.submit(() -> assertOwnParts(html(as(adminCookies, path)), path, ADMIN, Roles.ADMIN, true)));
                    done.add(pool.submit(() -> assertAnonymous(anonymous(path), path)));
                }
            }
            for (Future<?> f : done) {
                assertNotNull(f);
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
