package org.cakb.web;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.cakb.testing.FastAdmin;
import org.cakb.testing.PageSession;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cached knowledge-base pages answered to signed-in people before the REST layer (issue #21, {@link SignedInPages}):
 * the path is taken, the page is the person's own, its log-out form works (the CSRF pair it issues is the one the
 * REST layer verifies), and what it must not answer falls through (forced password change, pages not cached).
 * PersonalPartsLeakTest checks, across people and roles, that nobody sees anybody else's parts.
 */
@QuarkusTest
class SignedInPagesTest {

    private static final Pattern TOKEN = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");

    @Inject
    SignedInPages direct;

    private static long user(String name, String password, String role) {
        FastAdmin.ensure();
        return ((Number) given().auth().preemptive().basic(FastAdmin.USERNAME, FastAdmin.PASSWORD).contentType(ContentType.JSON)
                .body("{\"username\": \"" + name + "\", \"password\": \"" + password + "\", \"roles\": [\"" + role + "\"]}")
                .post("/api/v1/users").then().statusCode(201).extract().path("id")).longValue();
    }

    private static Response get(Map<String, String> cookies, String path) {
        return given().redirects().follow(false).cookies(cookies).get(path);
    }

    @Test
    void aCachedPageIsAnsweredDirectlyAndItsLogOutFormWorks() {
        user("direct-viewer", "direct-viewer-password", "viewer");
        PageSession s = PageSession.login("direct-viewer", "direct-viewer-password");
        String path = "/threats/threat:container-to-host-escape";
        get(s.cookies, path).then().statusCode(200); // cached by now, whichever way it was answered
        long before = io.quarkus.arc.ClientProxy.unwrap(direct).served();
        Response page = get(s.cookies, path);
        page.then().statusCode(200);
        assertEquals(before + 1, io.quarkus.arc.ClientProxy.unwrap(direct).served(), "answered before the REST layer");
        assertEquals("hit", page.header("X-Page-Cache"));
        assertEquals("private, no-store", page.header("Cache-Control"));
        assertTrue(page.header("Content-Security-Policy").contains("script-src 'self'"), "security headers as on every page");
        String html = page.asString();
        assertTrue(html.contains("<strong id=\"whoami\">direct-viewer</strong>"), "the person's own session box");
        assertTrue(html.contains("container-to-host") || html.contains("Container"), "the page itself");

        String setCookie = page.headers().getValues("Set-Cookie").stream().filter(c -> c.startsWith("cakb-csrf=")).findFirst().orElseThrow();
        assertTrue(setCookie.toLowerCase().contains("httponly") && setCookie.contains("SameSite=Strict") && setCookie.contains("Path=/"), setCookie);
        Matcher token = TOKEN.matcher(html);
        assertTrue(token.find(), "the log-out form carries a CSRF token");
        Map<String, String> cookies = new HashMap<>(s.cookies);
        cookies.put("cakb-csrf", page.cookie("cakb-csrf"));

        Map<String, String> wrongPair = new HashMap<>(cookies);
        wrongPair.put("cakb-csrf", s.cookies.get("cakb-csrf"));
        if (!wrongPair.get("cakb-csrf").equals(cookies.get("cakb-csrf"))) {
            assertEquals(400, given().redirects().follow(false).cookies(wrongPair).contentType(ContentType.URLENC)
                    .formParam("csrf-token", token.group(1)).post("/logout").statusCode(), "the token belongs to its own cookie only");
        }
        given().redirects().follow(false).cookies(cookies).contentType(ContentType.URLENC).formParam("csrf-token", token.group(1))
                .post("/logout").then().statusCode(303);
        Response after = get(s.cookies, "/assessments");
        assertEquals(302, after.statusCode(), "logged out with the directly answered page's form");
    }

    @Test
    void whatItMustNotAnswerFallsThrough() {
        long id = user("direct-reset", "direct-reset-password", "viewer");
        PageSession s = PageSession.login("direct-reset", "direct-reset-password");
        String path = "/threats/threat:container-to-host-escape";
        get(s.cookies, path).then().statusCode(200);
        // an admin's reset forces a password change; the person's next page must be the change page, not a cached one
        given().auth().preemptive().basic(FastAdmin.USERNAME, FastAdmin.PASSWORD).contentType(ContentType.JSON)
                .body("{\"temporaryPassword\": \"temporary-reset-1\"}").post("/api/v1/users/" + id + "/password-reset").then().statusCode(200);
        PageSession again = PageSession.login("direct-reset", "temporary-reset-1");
        long before = io.quarkus.arc.ClientProxy.unwrap(direct).served();
        Response page = get(again.cookies, path);
        assertEquals(303, page.statusCode(), "must change the password first");
        assertTrue(page.header("Location").contains("/account/password"));
        assertEquals(before, io.quarkus.arc.ClientProxy.unwrap(direct).served());

        // requests with credentials of their own (Basic, bearer) never take this path
        given().redirects().follow(false).auth().preemptive().basic(FastAdmin.USERNAME, FastAdmin.PASSWORD).get(path);
        assertEquals(before, io.quarkus.arc.ClientProxy.unwrap(direct).served());
    }
}
