package org.cakb.assessment.browser;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.cakb.assessment.AssessmentViews;
import org.cakb.assessment.Fixtures;
import org.cakb.testing.Database;
import org.cakb.testing.FastAdmin;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.chrome.ChromeDriver;

import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cross-origin request forgery in a real Chromium. An admin is signed in through the login form (session cookie) and
 * the browser also sends the admin's Basic credentials on every request (Chrome DevTools extra headers: stronger than a
 * Basic-credential cache, which only answers the app's own origin). The admin then opens a page served by a second
 * HTTP server on another port (another origin of the same site, so even SameSite=Strict cookies go along) that tries
 * every forgery a page can send: form posts (text/plain with a JSON-looking body, url-encoded, multipart), fetch in
 * no-cors mode (text/plain and body-less), and image/link loads. Afterwards PostgreSQL shows that nothing changed, and
 * the admin is still signed in (the forged logout failed too).
 */
@QuarkusTest
class ForgeryBrowserTest {

    static final String VICTIM = "forgery-victim-admin";
    static final String VICTIM_PASSWORD = "forgery-victim-password";

    @TestHTTPResource("/")
    URL root;
    @Inject
    Fixtures fixtures;
    @Inject
    Database db;

    @Test
    void aPageFromAnotherOriginCannotActForASignedInAdmin() throws Exception {
        FastAdmin.ensure();
        fixtures.users();
        given().auth().preemptive().basic(FastAdmin.USERNAME, FastAdmin.PASSWORD).contentType(ContentType.JSON)
                .body("{\"username\": \"" + VICTIM + "\", \"password\": \"" + VICTIM_PASSWORD + "\", \"roles\": [\"admin\"]}")
                .post("/api/v1/users").then().statusCode(201);
        long target = ((Number) given().auth().preemptive().basic(FastAdmin.USERNAME, FastAdmin.PASSWORD).contentType(ContentType.JSON)
                .body("{\"username\": \"forgery-target\", \"password\": \"forgery-target-password\", \"roles\": [\"viewer\"]}")
                .post("/api/v1/users").then().statusCode(201).extract().path("id")).longValue();
        AssessmentViews.Detail a = fixtures.assessment("forgery target " + System.nanoTime());
        long item = fixtures.items(a.id()).get(0).id();

        String app = root.toString().replaceAll("/$", "");
        HttpServer attacker = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] page = attackPage(app, target, a.id(), item).getBytes(StandardCharsets.UTF_8);
        attacker.createContext("/", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        attacker.start();
        try (Person admin = Person.login(root, VICTIM, VICTIM_PASSWORD)) {
            String basic = "Basic " + Base64.getEncoder().encodeToString((VICTIM + ":" + VICTIM_PASSWORD).getBytes(StandardCharsets.UTF_8));
            ChromeDriver chrome = (ChromeDriver) admin.driver;
            chrome.executeCdpCommand("Network.enable", Map.of());
            chrome.executeCdpCommand("Network.setExtraHTTPHeaders", Map.of("headers", Map.of("Authorization", basic)));

            long epoch = db.count("SELECT session_epoch FROM app_user WHERE username = '" + VICTIM + "'");
            Map<String, String> before = db.everyTableFingerprint(false);
            long loads = db.count("SELECT count(*) FROM kb_content_load");
            long audited = db.count("SELECT count(*) FROM audit_event WHERE action <> 'auth.sign-in'");

            String attackUrl = "http://localhost:" + attacker.getAddress().getPort() + "/attack.html";
            // navigate without waiting for the frames' loads (a loaded machine makes chromedriver's page-load wait time out)
            ((org.openqa.selenium.JavascriptExecutor) admin.driver).executeScript("window.location.href = arguments[0]", attackUrl);
            new org.openqa.selenium.support.ui.WebDriverWait(admin.driver, java.time.Duration.ofSeconds(120))
                    .until(d -> "forgeries sent".equals(d.getTitle()));
            Thread.sleep(3000); // let the last form posts land
            admin.screenshot("forgery-attacker-page");

            assertEquals(before, db.everyTableFingerprint(false), "a forged request changed a table");
            assertEquals(loads, db.count("SELECT count(*) FROM kb_content_load"), "no content reload");
            assertEquals(audited, db.count("SELECT count(*) FROM audit_event WHERE action <> 'auth.sign-in'"), "no audited action");
            assertEquals(0, db.count("SELECT count(*) FROM app_user WHERE username LIKE 'forged%'"));
            assertEquals(0, db.count("SELECT count(*) FROM fleet_host WHERE name LIKE 'forged%'"));
            assertEquals(0, db.count("SELECT count(*) FROM api_token WHERE name LIKE 'forged%'"));
            assertEquals(0, db.count("SELECT count(*) FROM app_user WHERE id = " + target + " AND disabled_at IS NOT NULL"));
            assertEquals(epoch, db.count("SELECT session_epoch FROM app_user WHERE username = '" + VICTIM + "'"), "the forged logout did nothing");
            // the forgeries really carried the admin's credentials: the browser's Basic sign-in from the image load is audited
            assertTrue(db.count("SELECT count(*) FROM audit_event WHERE action = 'auth.sign-in' AND actor = '" + VICTIM
                    + "' AND outcome = 'success' AND details = 'basic'") >= 1, "the attack page's requests were authenticated");

            // and the admin is still signed in and can act from the app's own pages
            admin.open("/admin/users");
            assertTrue(admin.driver.getPageSource().contains("forgery-target"), "still signed in after the forged logout");
        } finally {
            attacker.stop(0);
        }
    }

    private static String attackPage(String app, long targetUser, long assessment, long item) {
        String json = "<input type='hidden' name='{\"name\": \"forged-host\", \"x\": \"' value='\"}'>";
        return """
                <!DOCTYPE html><html><head><meta charset="utf-8"><title>attacking</title></head><body>
                <h1>Win a prize</h1>
                <iframe name="f1"></iframe><iframe name="f2"></iframe><iframe name="f3"></iframe><iframe name="f4"></iframe>
                <iframe name="f5"></iframe><iframe name="f6"></iframe><iframe name="f7"></iframe><iframe name="f8"></iframe>
                <form id="p1" target="f1" method="post" enctype="text/plain" action="APP/api/v1/hosts">JSON</form>
                <form id="p2" target="f2" method="post" enctype="text/plain" action="APP/api/v1/admin/content/reload"><input name="a" value="b"></form>
                <form id="p3" target="f3" method="post" action="APP/admin/users">
                  <input name="username" value="forged-admin"><input name="password" value="forged-password-1"><input name="roles" value="admin"></form>
                <form id="p4" target="f4" method="post" enctype="multipart/form-data" action="APP/admin/users">
                  <input name="username" value="forged-admin2"><input name="password" value="forged-password-1"><input name="roles" value="admin"></form>
                <form id="p5" target="f5" method="post" action="APP/logout"><input name="x" value="1"></form>
                <form id="p6" target="f6" method="post" action="APP/admin/users/TARGET/disable"><input name="x" value="1"></form>
                <form id="p7" target="f7" method="post" enctype="multipart/form-data" action="APP/api/v1/assessments/ASSESSMENT/items/ITEM/attachments?filename=forged.txt">
                  <input name="file" value="forged evidence"></form>
                <form id="p8" target="f8" method="post" enctype="application/x-www-form-urlencoded" action="APP/api/v1/users/TARGET/disable"><input name="x" value="1"></form>
                <img src="APP/api/v1/users">
                <img src="APP/admin/users/TARGET/disable">
                <link rel="prefetch" href="APP/api/v1/admin/content/reload">
                <script>
                  window.addEventListener('load', () => {
                  const sent = [];
                  const opts = (body) => ({method: 'POST', mode: 'no-cors', credentials: 'include', body: body});
                  sent.push(fetch('APP/api/v1/admin/api-tokens', opts('{"name": "forged-token"}')));
                  sent.push(fetch('APP/api/v1/users', opts('{"username": "forged-fetch", "password": "forged-password-1", "roles": ["admin"]}')));
                  sent.push(fetch('APP/api/v1/users/TARGET/disable', {method: 'POST', mode: 'no-cors', credentials: 'include'}));
                  sent.push(fetch('APP/api/v1/admin/content/reload', {method: 'POST', mode: 'no-cors', credentials: 'include'}));
                  sent.push(fetch('APP/admin/users', opts(new URLSearchParams({username: 'forged-fetch2', password: 'forged-password-1', roles: 'admin'}))));
                  for (const id of ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8']) { document.getElementById(id).submit(); }
                  Promise.allSettled(sent).then(() => setTimeout(() => { document.title = 'forgeries sent'; }, 1500));
                  });
                </script>
                </body></html>"""
                .replace("JSON", json).replace("APP", app).replace("TARGET", String.valueOf(targetUser))
                .replace("ASSESSMENT", String.valueOf(assessment)).replace("ITEM", String.valueOf(item));
    }
}
