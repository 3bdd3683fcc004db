package org.cakb.resilience;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.cakb.assessment.Fixtures;
import org.cakb.testing.Database;
import org.cakb.testing.FleetFixture;
import org.cakb.testing.RawHttp;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Security headers on pages and API, cookie flags, request size limits and login throttling. */
@QuarkusTest
class HttpHardeningTest {

    @Inject
    Database db;

    @Test
    void everyKindOfResponseCarriesTheSecurityHeaders() {
        List<Response> responses = List.of(
                given().get("/"),
                given().get("/threats/threat:container-to-host-escape"),
                given().get("/no-such-page"),
                given().get("/login"),
                given().get("/api/v1/threats"),
                given().get("/api/v1/threats/threat:no-such"),
                given().get("/api/v1/assessments"),
                given().auth().preemptive().basic(Fixtures.ADMIN, Fixtures.ADMIN_PASSWORD).get("/api/v1/hosts"),
                given().get("/q/health/ready"),
                given().auth().preemptive().basic(Fixtures.ADMIN, Fixtures.ADMIN_PASSWORD).get("/q/metrics"),
                given().redirects().follow(false).get("/q/metrics"),
                given().get("/static/app.css"));
        for (Response r : responses) {
            String csp = r.header("Content-Security-Policy");
            assertNotNull(csp, "CSP on " + r.statusCode() + " " + r.contentType());
            assertFalse(csp.contains("unsafe-inline") || csp.contains("unsafe-eval"), csp);
            assertTrue(csp.contains("frame-ancestors 'none'"), csp);
            assertTrue(csp.contains("default-src"), csp);
            assertEquals("nosniff", r.header("X-Content-Type-Options"));
            assertEquals("DENY", r.header("X-Frame-Options"));
            assertEquals("same-origin", r.header("Referrer-Policy"));
            assertEquals("same-origin", r.header("Cross-Origin-Opener-Policy"));
            assertNotNull(r.header("Permissions-Policy"));
        }
        assertTrue(given().get("/").header("Content-Security-Policy").contains("script-src 'self'"), "pages may load their own scripts");
        assertTrue(given().get("/api/v1/threats").header("Content-Security-Policy").startsWith("default-src 'none'"),
                "an API answer is never a document that loads anything");
    }

    @Test
    void sessionAndCsrfCookiesAreHttpOnlyAndStrictAndSecureInProduction() throws IOException {
        Response login = given().redirects().follow(false).formParam("j_username", Fixtures.ADMIN)
                .formParam("j_password", Fixtures.ADMIN_PASSWORD).post("/j_security_check");
        String session = setCookie(login, "quarkus-credential");
        assertTrue(session.toLowerCase().contains("httponly"), session);
        assertTrue(session.contains("SameSite=Strict"), session);
        Response page = given().cookies(login.getCookies()).get("/admin/users");
        String csrf = setCookie(page, "cakb-csrf");
        assertTrue(csrf.toLowerCase().contains("httponly"), csrf);

        // production: the CSRF cookie is always Secure; the session cookie is Secure whenever the request came over
        // TLS, directly or through a proxy that says so (X-Forwarded-Proto), which production trusts
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            p.load(in);
        }
        assertEquals("true", p.getProperty("%prod.quarkus.rest-csrf.cookie-force-secure"));
        assertEquals("true", p.getProperty("%prod.quarkus.http.proxy.proxy-address-forwarding"));
        assertEquals("true", p.getProperty("%prod.quarkus.http.proxy.allow-x-forwarded"));
        assertNotNull(p.getProperty("%prod.quarkus.http.proxy.trusted-proxies"));
        Response behindTls = given().redirects().follow(false).header("X-Forwarded-Proto", "https")
                .formParam("j_username", Fixtures.ADMIN).formParam("j_password", Fixtures.ADMIN_PASSWORD).post("/j_security_check");
        assertEquals(302, behindTls.statusCode());
    }

    private static String setCookie(Response r, String name) {
        return r.headers().getValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "=")).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " cookie in " + r.headers().getValues("Set-Cookie")));
    }

    @Test
    void anOversizedBodyGets413WithAMessageAndNothingIsStored() {
        String agent = FleetFixture.enrolledAgent("oversized-agent");
        long before = db.count("SELECT count(*) FROM fleet_report");
        byte[] big = new byte[11 * 1024 * 1024];
        Arrays.fill(big, (byte) ' ');
        RawHttp.Answer api = RawHttp.announce("/api/v1/agent/reports", "application/json", big.length, "Authorization", "Bearer " + agent);
        assertEquals(413, api.status(), api.body());
        assertTrue(api.contentType().startsWith("application/json"), api.contentType());
        assertTrue(api.body().contains("larger than the limit"), api.body());
        RawHttp.Answer page = RawHttp.announce("/j_security_check", "application/x-www-form-urlencoded", big.length);
        assertEquals(413, page.status(), page.body());
        assertTrue(page.contentType().startsWith("text/html"), page.contentType());
        assertTrue(page.body().contains("larger than the limit"), page.body());
        assertEquals(before, db.count("SELECT count(*) FROM fleet_report"));
    }

    @Test
    void loginThrottlingLocksAfterRepeatedFailuresOnTheFormAndTheApi() {
        // the throttle is covered in depth by AssessmentApiTest; here: failures at the form lock the API door too
        String user = "throttle-" + System.nanoTime() % 100000;
        String password = "throttle-password-1";
        given().auth().preemptive().basic(Fixtures.ADMIN, Fixtures.ADMIN_PASSWORD).contentType(ContentType.JSON)
                .body("{\"username\": \"" + user + "\", \"password\": \"" + password + "\", \"roles\": [\"viewer\"]}")
                .post("/api/v1/users").then().statusCode(201);
        given().auth().preemptive().basic(user, password).get("/api/v1/assessments").then().statusCode(200);
        for (int i = 0; i < 5; i++) {
            given().redirects().follow(false).formParam("j_username", user).formParam("j_password", "wrong-" + i)
                    .post("/j_security_check").then().statusCode(302).header("Location", containsString("error"));
        }
        assertEquals(1, db.count("SELECT count(*) FROM login_failure WHERE username = '" + user + "' AND locked_until > now()"));
        given().auth().preemptive().basic(user, password).get("/api/v1/assessments").then().statusCode(401);
    }
}
