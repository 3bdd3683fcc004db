package org.cakb.security;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.cakb.testing.Database;
import org.cakb.testing.FastAdmin;
import org.cakb.testing.FleetFixture;
import org.cakb.testing.PageSession;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue #17 over HTTP against the real application and PostgreSQL: forgery rules, throttling, account lifecycle, sessions, audit, tokens. */
@QuarkusTest
class AccountSecurityTest {

    @Inject
    Database db;
    @Inject
    LoginThrottle throttleProxy;
    @Inject
    SessionGuard guardProxy;
    LoginThrottle throttle;
    SessionGuard guard;

    @org.junit.jupiter.api.BeforeEach
    void unwrap() {
        throttle = io.quarkus.arc.ClientProxy.unwrap(throttleProxy);
        guard = io.quarkus.arc.ClientProxy.unwrap(guardProxy);
    }

    private static RequestSpecification admin() {
        FastAdmin.ensure();
        return given().auth().preemptive().basic(FastAdmin.USERNAME, FastAdmin.PASSWORD);
    }

    private static long user(String name, String password, String... roles) {
        String list = String.join("\", \"", roles);
        return ((Number) admin().contentType(ContentType.JSON)
                .body("{\"username\": \"" + name + "\", \"password\": \"" + password + "\", \"roles\": [\"" + list + "\"]}")
                .post("/api/v1/users").then().statusCode(201).extract().path("id")).longValue();
    }

    // ------------------------------------------------------------------ forgery

    /** A request exactly as given (REST Assured adds a form content type to body-less POSTs and cannot send raw bytes as a form). */
    static java.net.http.HttpResponse<String> raw(String method, String path, String contentType, String body, String... headers) throws Exception {
        var b = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + io.restassured.RestAssured.port + path))
                .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody() : java.net.http.HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return java.net.http.HttpClient.newHttpClient().send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    static String basicAdmin() {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((FastAdmin.USERNAME + ":" + FastAdmin.PASSWORD).getBytes());
    }

    @Test
    void apiWritesWithBasicNeedJsonUnlessBearer() throws Exception {
        long loadsBefore = db.count("SELECT count(*) FROM kb_content_load");
        FastAdmin.ensure();
        for (String type : java.util.Arrays.asList("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=b", null)) {
            var r = raw("POST", "/api/v1/admin/content/reload", type, type == null ? null : "x=1", "Authorization", basicAdmin());
            assertEquals(415, r.statusCode(), type + ": " + r.body());
            assertTrue(r.body().contains("bearer token"), r.body());
        }
        admin().contentType(ContentType.JSON).post("/api/v1/admin/content/reload").then().statusCode(415); // JSON type, empty body
        assertEquals(loadsBefore, db.count("SELECT count(*) FROM kb_content_load"), "no reload ran");
        // a browser saying the write comes from another site is refused even with JSON
        admin().contentType(ContentType.JSON).body("{}").header("Sec-Fetch-Site", "cross-site").post("/api/v1/admin/content/reload")
                .then().statusCode(403);
        admin().contentType(ContentType.JSON).body("{}").header("Origin", "http://evil.example").post("/api/v1/admin/content/reload")
                .then().statusCode(403);
        assertEquals(loadsBefore, db.count("SELECT count(*) FROM kb_content_load"));
        // bearer callers (no browser can attach one) keep body-less posts
        String agent = FleetFixture.enrolledAgent("forgery-rotate-host");
        given().auth().oauth2(agent).post("/api/v1/agent/credential/rotate").then().statusCode(201);
    }

    @Test
    void browsersGetNoBasicChallenge() {
        Response nav = given().header("Accept", "text/html,application/xhtml+xml").header("Sec-Fetch-Mode", "navigate")
                .get("/api/v1/users");
        assertEquals(401, nav.statusCode());
        assertNull(nav.header("WWW-Authenticate"), "a browser must never be prompted for Basic credentials");
        Response curl = given().accept(ContentType.JSON).get("/api/v1/users");
        assertEquals(401, curl.statusCode());
        assertTrue(curl.header("WWW-Authenticate").startsWith("Basic"), "API clients still get the challenge");
    }

    @Test
    void pagePostsMustBeFormsWithAValidToken() throws Exception {
        FastAdmin.ensure();
        PageSession s = PageSession.login(FastAdmin.USERNAME, FastAdmin.PASSWORD).tokenFrom("/admin/users");
        long users = db.count("SELECT count(*) FROM app_user");
        String cookie = String.join("; ", s.cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
        var noType = raw("POST", "/admin/users", null, "username=forged-u&password=forged-password-1&roles=admin&csrf-token=" + s.csrfToken,
                "Cookie", cookie);
        assertEquals(415, noType.statusCode(), noType.body());
        Response plain = given().redirects().follow(false).cookies(s.cookies).contentType("text/plain")
                .body("username=forged-u&password=forged-password-1&roles=admin").post("/admin/users");
        assertEquals(415, plain.statusCode());
        Response noToken = given().redirects().follow(false).cookies(s.cookies).contentType(ContentType.URLENC)
                .formParam("username", "forged-u").formParam("password", "forged-password-1").formParam("roles", "admin").post("/admin/users");
        assertEquals(400, noToken.statusCode());
        assertEquals(users, db.count("SELECT count(*) FROM app_user"), "no account was created");
    }

    @Test
    void theLoginFormNeedsItsCsrfToken() {
        FastAdmin.ensure();
        Response r = given().redirects().follow(false).formParam("j_username", FastAdmin.USERNAME).formParam("j_password", FastAdmin.PASSWORD)
                .post("/j_security_check");
        assertEquals(302, r.statusCode());
        assertTrue(r.header("Location").contains("error"), "a login post without the form's token is refused: " + r.header("Location"));
        assertNull(r.getCookie("quarkus-credential"));
        PageSession.login(FastAdmin.USERNAME, FastAdmin.PASSWORD); // with it: fine
    }

    // ------------------------------------------------------------------ throttling

    @Test
    void clientAddressIsTheRightmostUntrustedHop() {
        ClientAddress a = new ClientAddress("127.0.0.1, 10.0.0.0/8, fd00::/8");
        assertEquals("203.0.113.9", a.resolve("127.0.0.1", List.of("1.2.3.4, 203.0.113.9")), "leftmost entries are the client's own words");
        assertEquals("203.0.113.9", a.resolve("127.0.0.1", List.of("6.6.6.6", "203.0.113.9, 10.1.2.3")), "trusted hops are skipped");
        assertEquals("198.51.100.7", a.resolve("198.51.100.7", List.of("1.2.3.4")), "an untrusted peer's header is ignored");
        assertEquals("127.0.0.1", a.resolve("127.0.0.1", List.of("not-an-ip")), "garbage: the nearest trusted hop, never null");
        assertEquals("10.1.2.3", a.resolve("127.0.0.1", List.of("garbage, 10.1.2.3")));
        assertEquals("2001:db8:0:0:0:0:0:1", a.resolve("127.0.0.1", List.of("[2001:db8::1]:443")));
        assertEquals("127.0.0.1", a.resolve("127.0.0.1", List.of()));
        assertNull(ClientAddress.literal("localhost"), "never a name lookup");
    }

    @Test
    void perAccountDelayGrowsAndTheRightPasswordWorksAfterIt() {
        user("delay-me", "delay-me-password", "viewer");
        for (int i = 0; i < 3; i++) {
            given().auth().preemptive().basic("delay-me", "wrong-" + i).get("/api/v1/assessments").then().statusCode(401)
                    .header("WWW-Authenticate", org.hamcrest.Matchers.startsWith("Basic"))
                    .body("message", org.hamcrest.Matchers.startsWith("Authentication failed: wrong username or password"));
        }
        // three failures: a delay now applies (held here, so a slow machine cannot outrun it), even to the right
        // password, from any address; the caller is told to wait, and for how long
        db.single("UPDATE login_failure_account SET next_attempt_at = now() + interval '1 minute' WHERE username = 'delay-me' RETURNING 1");
        given().header("X-Forwarded-For", "192.0.2.50").auth().preemptive().basic("delay-me", "delay-me-password")
                .get("/api/v1/assessments").then().statusCode(401)
                .header("Retry-After", org.hamcrest.Matchers.matchesPattern("[0-9]+"))
                .body("message", org.hamcrest.Matchers.startsWith("Too many failed sign-ins for this account; try again in"));
        assertEquals(1, db.count("SELECT count(*) FROM login_failure_account WHERE username = 'delay-me' AND next_attempt_at > now()"));
        assertEquals(java.time.Duration.ofSeconds(1), throttle.delayAfter(3));
        assertEquals(java.time.Duration.ofSeconds(8), throttle.delayAfter(6));
        assertEquals(throttle.maxDelay, throttle.delayAfter(60), "capped: never a permanent lock");
        db.single("UPDATE login_failure_account SET next_attempt_at = now() - interval '1 second' WHERE username = 'delay-me' RETURNING 1");
        given().auth().preemptive().basic("delay-me", "delay-me-password").get("/api/v1/assessments").then().statusCode(200);
        assertEquals(0, db.count("SELECT count(*) FROM login_failure_account WHERE username = 'delay-me'"), "success clears the count");
    }

    @Test
    void perAddressLimitStopsSprayingAndRotatingForwardedForDoesNotHelp() {
        int saved = throttle.addressMaxFailures;
        throttle.addressMaxFailures = 5;
        try {
            for (int i = 0; i < 5; i++) {
                given().header("X-Forwarded-For", "6.6.6." + i + ", 198.51.100.77").auth().preemptive().basic("spray-" + i, "Winter2026!!")
                        .get("/api/v1/assessments").then().statusCode(401);
            }
            assertEquals(5, db.count("SELECT failures FROM login_failure_address WHERE client_address = '198.51.100.77'"));
            // the sixth account from the same address: refused before any password check, audited as throttled
            given().header("X-Forwarded-For", "9.9.9.9, 198.51.100.77").auth().preemptive().basic(FastAdmin.USERNAME, FastAdmin.PASSWORD)
                    .get("/api/v1/assessments").then().statusCode(401);
            assertTrue(db.count("SELECT count(*) FROM audit_event WHERE action = 'auth.sign-in' AND outcome = 'failure' AND actor_address = '198.51.100.77'"
                    + " AND details LIKE '%from your address%'") >= 1);
            // another address is not affected
            given().header("X-Forwarded-For", "198.51.100.78").auth().preemptive().basic(FastAdmin.USERNAME, FastAdmin.PASSWORD)
                    .get("/api/v1/assessments").then().statusCode(200);
        } finally {
            throttle.addressMaxFailures = saved;
        }
    }

    @Test
    void expiredFailureRowsArePruned() {
        db.single("INSERT INTO login_failure_address VALUES ('192.0.2.200', 3, now() - interval '2 hours', now() - interval '2 hours') RETURNING 1");
        db.single("INSERT INTO login_failure_account VALUES ('old-failure', 9, now() - interval '3 hours', now() - interval '2 hours') RETURNING 1");
        assertTrue(throttle.prune() >= 2);
        assertEquals(0, db.count("SELECT count(*) FROM login_failure_address WHERE client_address = '192.0.2.200'"));
        assertEquals(0, db.count("SELECT count(*) FROM login_failure_account WHERE username = 'old-failure'"));
    }

    // ------------------------------------------------------------------ accounts and sessions

    @Test
    void logoutEndsACopiedCookieServerSide() {
        user("leaver", "leaver-password-1", "viewer");
        PageSession s = PageSession.login("leaver", "leaver-password-1").tokenFrom("/account/password");
        Map<String, String> copy = new HashMap<>(s.cookies);
        given().redirects().follow(false).cookies(copy).get("/assessments").then().statusCode(200);
        given().redirects().follow(false).cookies(s.cookies).contentType(ContentType.URLENC).formParam("csrf-token", s.csrfToken)
                .post("/logout").then().statusCode(303);
        Response after = given().redirects().follow(false).cookies(copy).get("/assessments");
        assertEquals(302, after.statusCode(), "the copied cookie no longer works");
        assertTrue(after.header("Location").contains("/login"));
        assertEquals(1, db.count("SELECT count(*) FROM audit_event WHERE action = 'auth.sign-out' AND actor = 'leaver'"));
    }

    @Test
    void disablingEndsSessionsAndRefusesSignIn() {
        long id = user("disable-me", "disable-me-password", "viewer");
        PageSession s = PageSession.login("disable-me", "disable-me-password");
        s.get("/assessments").then().statusCode(200);
        admin().contentType(ContentType.JSON).body("{}").post("/api/v1/users/" + id + "/disable").then().statusCode(200).body("disabled", org.hamcrest.Matchers.is(true));
        assertEquals(302, given().redirects().follow(false).cookies(s.cookies).get("/assessments").statusCode());
        given().auth().preemptive().basic("disable-me", "disable-me-password").get("/api/v1/assessments").then().statusCode(401);
        assertEquals(302, PageSession.attempt("disable-me", "disable-me-password", new HashMap<>()).statusCode());
        admin().contentType(ContentType.JSON).body("{}").post("/api/v1/users/" + id + "/enable").then().statusCode(200);
        given().auth().preemptive().basic("disable-me", "disable-me-password").get("/api/v1/assessments").then().statusCode(200);
        assertEquals(1, db.count("SELECT count(*) FROM audit_event WHERE action = 'account.disable' AND target = 'user:disable-me' AND actor = '"
                + FastAdmin.USERNAME + "'"));
        // an admin cannot disable themself
        long self = ((Number) db.count("SELECT id FROM app_user WHERE username = '" + FastAdmin.USERNAME + "'")).longValue();
        admin().contentType(ContentType.JSON).body("{}").post("/api/v1/users/" + self + "/disable").then().statusCode(409);
    }

    @Test
    void rolesChangeAndTheLastAdminStays() {
        long id = user("promote-me", "promote-me-password", "viewer");
        admin().contentType(ContentType.JSON).body("{\"roles\": [\"assessor\", \"viewer\"]}").put("/api/v1/users/" + id + "/roles")
                .then().statusCode(200).body("roles", org.hamcrest.Matchers.contains("assessor", "viewer"));
        admin().contentType(ContentType.JSON).body("{\"roles\": [\"root\"]}").put("/api/v1/users/" + id + "/roles").then().statusCode(400);
        assertEquals("assessor,viewer", db.single("SELECT roles FROM app_user WHERE id = " + id));
        given().auth().preemptive().basic("promote-me", "promote-me-password").contentType(ContentType.JSON).body("{\"roles\": [\"admin\"]}")
                .put("/api/v1/users/" + id + "/roles").then().statusCode(403);
    }

    @Test
    void resetForcesAChangeAndOwnChangeNeedsTheCurrentPassword() {
        long id = user("reset-me", "reset-me-password", "viewer");
        admin().contentType(ContentType.JSON).body("{\"temporaryPassword\": \"temporary-pass-1\"}").post("/api/v1/users/" + id + "/password-reset")
                .then().statusCode(200).body("mustChangePassword", org.hamcrest.Matchers.is(true));
        given().auth().preemptive().basic("reset-me", "reset-me-password").get("/api/v1/assessments").then().statusCode(401);
        given().auth().preemptive().basic("reset-me", "temporary-pass-1").get("/api/v1/assessments").then().statusCode(403)
                .body("message", containsString("change it first"));
        PageSession s = PageSession.login("reset-me", "temporary-pass-1");
        Response page = s.get("/assessments");
        assertEquals(303, page.statusCode());
        assertTrue(page.header("Location").contains("/account/password"));
        given().auth().preemptive().basic("reset-me", "temporary-pass-1").contentType(ContentType.JSON)
                .body("{\"currentPassword\": \"wrong-current-1\", \"newPassword\": \"my-own-password-1\"}").put("/api/v1/account/password")
                .then().statusCode(403);
        given().auth().preemptive().basic("reset-me", "temporary-pass-1").contentType(ContentType.JSON)
                .body("{\"currentPassword\": \"temporary-pass-1\", \"newPassword\": \"my-own-password-1\"}").put("/api/v1/account/password")
                .then().statusCode(200);
        given().auth().preemptive().basic("reset-me", "my-own-password-1").get("/api/v1/assessments").then().statusCode(200);
        assertEquals(302, given().redirects().follow(false).cookies(s.cookies).get("/assessments").statusCode(), "other sessions ended");
        assertEquals("f", db.single("SELECT must_change_password::text FROM app_user WHERE id = " + id).substring(0, 1));
    }

    @Test
    void sessionsHaveAnAbsoluteLifetime() {
        user("old-session", "old-session-password", "viewer");
        PageSession s = PageSession.login("old-session", "old-session-password");
        String cookie = s.cookies.get(SessionGuard.COOKIE);
        assertNotNull(cookie);
        SessionGuard.Claims claims = guard.verify(cookie);
        assertEquals("old-session", claims.username());
        assertNotNull(guard.restore("old-session", cookie));
        long saved = guard.absoluteLifetime.toSeconds();
        guard.absoluteLifetime = java.time.Duration.ofSeconds(0);
        try {
            assertThrows(io.quarkus.security.AuthenticationFailedException.class, () -> guard.restore("old-session", cookie + ""),
                    "however active");
        } finally {
            guard.absoluteLifetime = java.time.Duration.ofSeconds(saved);
        }
        assertNull(guard.verify(cookie.substring(0, cookie.length() - 2) + "xx"), "a forged signature is refused");
        assertEquals(java.time.Duration.ofHours(12), java.time.Duration.parse(org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("cakb.session.absolute-lifetime", String.class)), "default 12 h");
    }

    // ------------------------------------------------------------------ audit, tokens, agents, HSTS, health

    @Test
    void theAuditTrailIsAppendOnlyAndReadableByAdminsOnly() {
        admin().contentType(ContentType.JSON).body("{}").post("/api/v1/admin/content/reload").then().statusCode(200);
        Response page = admin().get("/api/v1/admin/audit?action=content&size=5");
        page.then().statusCode(200).body("items[0].action", org.hamcrest.Matchers.equalTo("content.reload"))
                .body("items[0].actor", org.hamcrest.Matchers.equalTo(FastAdmin.USERNAME));
        admin().get("/api/v1/admin/audit?since=yesterday").then().statusCode(400);
        user("audit-viewer", "audit-viewer-password", "viewer");
        given().auth().preemptive().basic("audit-viewer", "audit-viewer-password").get("/api/v1/admin/audit").then().statusCode(403);
        SQLException update = assertThrows(SQLException.class, () -> db.execute("UPDATE audit_event SET actor = 'someone-else'"));
        assertTrue(update.getMessage().contains("append-only"), update.getMessage());
        assertThrows(SQLException.class, () -> db.execute("DELETE FROM audit_event"));
        assertThrows(SQLException.class, () -> db.execute("TRUNCATE audit_event"));
        FastAdmin.ensure();
        PageSession s = PageSession.login(FastAdmin.USERNAME, FastAdmin.PASSWORD);
        Response html = s.get("/admin/audit?action=content.reload");
        assertEquals(200, html.statusCode());
        assertTrue(html.asString().contains("content.reload"));
    }

    @Test
    void apiTokensExpireWithinTheMaximumAndRotate() {
        Response created = admin().contentType(ContentType.JSON).body("{\"name\": \"lifetime\"}").post("/api/v1/admin/api-tokens");
        created.then().statusCode(201);
        assertNotNull(created.path("expiresAt"), "a default expiry");
        admin().contentType(ContentType.JSON).body("{\"name\": \"forever\", \"expiresAt\": \"2099-01-01T00:00:00Z\"}")
                .post("/api/v1/admin/api-tokens").then().statusCode(400).body("message", containsString("at most"));
        long id = ((Number) created.path("id")).longValue();
        String old = created.path("token");
        Response rotated = admin().contentType(ContentType.JSON).body("{}").post("/api/v1/admin/api-tokens/" + id + "/rotate");
        rotated.then().statusCode(201);
        given().auth().oauth2(old).get("/api/v1/hosts").then().statusCode(401);
        given().auth().oauth2((String) rotated.path("token")).get("/api/v1/hosts").then().statusCode(200);
        admin().contentType(ContentType.JSON).body("{}").post("/api/v1/admin/api-tokens/" + id + "/rotate").then().statusCode(409);
        assertEquals(1, db.count("SELECT count(*) FROM audit_event WHERE action = 'token.rotate' AND target LIKE 'api-token:" + id + " %'"));
    }

    @Test
    void agentsRotateTheirCredentialWithoutReEnrolling() {
        String old = FleetFixture.enrolledAgent("rotating-agent-host");
        Response r = given().auth().oauth2(old).post("/api/v1/agent/credential/rotate");
        r.then().statusCode(201);
        String fresh = r.path("credential");
        assertFalse(fresh.equals(old));
        given().auth().oauth2(old).get("/api/v1/agent/probes").then().statusCode(200); // overlap: the old one still works
        given().auth().oauth2(old).post("/api/v1/agent/credential/rotate").then().statusCode(409);
        given().auth().oauth2(fresh).get("/api/v1/agent/probes").then().statusCode(200); // first use of the new one...
        given().auth().oauth2(old).get("/api/v1/agent/probes").then().statusCode(401);  // ...retires the old one
    }

    @Inject
    org.cakb.assessment.Fixtures fixtures;

    @Test
    void evidenceDownloadsAreRecorded() {
        fixtures.users();
        long a = fixtures.assessment("download record").id();
        long item = fixtures.items(a).get(0).id();
        long file = fixtures.attachment(a, item);
        org.cakb.assessment.Fixtures.as(org.cakb.assessment.Fixtures.VIEWER)
                .get("/api/v1/assessments/" + a + "/items/" + item + "/attachments/" + file).then().statusCode(200);
        assertEquals(1, db.count("SELECT count(*) FROM audit_event WHERE action = 'evidence.download' AND actor = '"
                + org.cakb.assessment.Fixtures.VIEWER + "' AND target = 'assessment:" + a + "/item:" + item + "/attachment:" + file + "'"));
    }

    @Test
    void hstsOnlyOverTls() {
        assertNull(given().get("/").header("Strict-Transport-Security"));
        assertEquals("max-age=31536000; includeSubDomains",
                given().header("X-Forwarded-Proto", "https").get("/").header("Strict-Transport-Security"));
    }
}
