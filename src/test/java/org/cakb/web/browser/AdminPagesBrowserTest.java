package org.cakb.web.browser;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.cakb.assessment.AssessmentViews;
import org.cakb.assessment.Fixtures;
import org.cakb.assessment.Scope;
import org.cakb.testing.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin's and assessor's day without curl, in a real headless Chromium: an admin registers a host and an API
 * token from pages only, the agent enrolls with the command copied from the page, an admin edits an assessment's
 * scope and assessors, and an assessor's typed input survives the end of their session. Every page touched is saved
 * at 1366 and 390 px under target/screenshots.
 */
@QuarkusTest
class AdminPagesBrowserTest {

    @TestHTTPResource("/")
    URL root;
    @Inject
    Fixtures fixtures;
    @Inject
    Database db;

    private final List<WebDriver> drivers = new ArrayList<>();

    @AfterEach
    void close() {
        drivers.forEach(WebDriver::quit);
        drivers.clear();
    }

    private String url(String path) {
        return root.toString().replaceAll("/$", "") + path;
    }

    private WebDriver login(String user, String password) throws Exception {
        WebDriver d = Browser.start();
        drivers.add(d);
        d.get(url("/login"));
        d.findElement(By.id("j_username")).sendKeys(user);
        d.findElement(By.id("j_password")).sendKeys(password);
        d.findElement(By.id("login")).click();
        waiting(d).until(ExpectedConditions.urlContains("/assessments"));
        assertEquals(user, d.findElement(By.id("whoami")).getText());
        return d;
    }

    private static WebDriverWait waiting(WebDriver d) {
        return new WebDriverWait(d, Duration.ofSeconds(20));
    }

    private static String text(WebDriver d, String css) {
        return d.findElement(By.cssSelector(css)).getText();
    }

    private static void type(WebDriver d, String id, String value) {
        WebElement field = d.findElement(By.id(id));
        field.clear();
        field.sendKeys(value);
    }

    /** Clicks and waits until the next page has replaced this one. */
    private static void submit(WebDriver d, WebElement button) {
        WebElement html = d.findElement(By.tagName("html"));
        button.click();
        org.cakb.testing.PageLoads.waitUntilReplaced(waiting(d), html);
    }

    /** Saves the page at 1366 and 390 px and checks that nothing is wider than a 390 px phone screen. */
    private static void shots(WebDriver d, String name) throws IOException {
        d.manage().window().setSize(new Dimension(1366, 1000));
        Browser.screenshot(d, "ui-" + name + "-1366");
        d.manage().window().setSize(new Dimension(390, 844));
        Browser.screenshot(d, "ui-" + name + "-390");
        long width = ((Number) ((JavascriptExecutor) d).executeScript("return document.documentElement.scrollWidth")).longValue();
        long viewport = ((Number) ((JavascriptExecutor) d).executeScript("return document.documentElement.clientWidth")).longValue();
        Object wide = ((JavascriptExecutor) d).executeScript("""
                var w = document.documentElement.clientWidth, out = [];
                function clipped(e) {
                  for (var p = e.parentElement; p && p !== document.body; p = p.parentElement) {
                    var o = getComputedStyle(p).overflowX;
                    if (o === 'auto' || o === 'hidden' || o === 'scroll') { return true; }
                  }
                  return false;
                }
                document.querySelectorAll('body *').forEach(function (e) {
                  var r = e.getBoundingClientRect();
                  if (r.right > w + 1 && out.length < 6 && !clipped(e)) {
                    out.push(e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(r.right));
                  }
                });
                return out.join(', ');""");
        assertTrue(width <= viewport + 1, name + " is " + width + " px wide on a " + viewport + " px screen: " + wide);
        d.manage().window().setSize(new Dimension(1366, 1000));
    }

    /** The same header on every page: who is signed in, log-out, and the admin links for an admin. */
    private static void assertHeader(WebDriver d, String user, boolean admin) {
        assertEquals(user, text(d, "#whoami"), d.getCurrentUrl());
        assertFalse(d.findElements(By.cssSelector("form.session button#logout")).isEmpty(), "log-out on " + d.getCurrentUrl());
        assertEquals(admin, !d.findElements(By.linkText("Manage hosts")).isEmpty(), "admin links on " + d.getCurrentUrl());
        assertEquals(admin, !d.findElements(By.linkText("API tokens")).isEmpty(), "admin links on " + d.getCurrentUrl());
        assertEquals("/q/openapi?format=json", d.findElement(By.id("api-link")).getDomAttribute("href"));
    }

    @Test
    void adminRegistersAHostFromPagesAndTheAgentEnrollsWithTheCopiedCommand() throws Exception {
        fixtures.users();
        WebDriver admin = login(Fixtures.ADMIN, Fixtures.ADMIN_PASSWORD);
        for (String page : List.of("/", "/countermeasures", "/hosts", "/assessments")) {
            admin.get(url(page));
            assertHeader(admin, Fixtures.ADMIN, true);
            shots(admin, "layout" + (page.equals("/") ? "-home" : page.replace('/', '-')));
        }
        submit(admin, admin.findElement(By.linkText("Manage hosts")));
        assertEquals("Manage hosts", text(admin, "h1"));
        shots(admin, "admin-hosts");

        // a refused form keeps what was typed and says what is wrong
        String name = "browser-host-" + System.nanoTime();
        type(admin, "host-name", name);
        type(admin, "host-group", "web-tier");
        type(admin, "host-labels", "env=e2e region");
        submit(admin, admin.findElement(By.id("register")));
        assertTrue(text(admin, "#error").contains("write labels as key=value"), text(admin, "#error"));
        assertEquals(name, admin.findElement(By.id("host-name")).getDomProperty("value"));

        type(admin, "host-labels", "env=e2e region=eu");
        submit(admin, admin.findElement(By.id("register")));
        assertEquals("Enroll " + name, text(admin, "h1"));
        assertTrue(text(admin, ".notice.warn").contains("shown once"));
        String command = text(admin, "#enroll-command");
        shots(admin, "enrollment-token");
        String base = url("");
        assertTrue(command.startsWith("java -jar cakb-agent.jar enroll --server " + base + " --token cakb_enroll_"), command);
        assertTrue(text(admin, "#run-command").startsWith("java -jar cakb-agent.jar run --server " + base), text(admin, "#run-command"));

        // the agent, built from this build's classes exactly as the cakb-agent.jar assembly is, runs the copied command
        Path work = Files.createTempDirectory("cakb-ui-agent-");
        agentJar(work);
        Path credential = work.resolve("credential");
        Run enroll = run(work, command, "--credential-file", credential.toString());
        assertEquals(0, enroll.code, enroll.output);
        assertTrue(Files.exists(credential), "the agent wrote its credential");
        assertEquals(1, Long.parseLong(db.single("SELECT count(*) FROM fleet_credential c JOIN fleet_host h ON h.id = c.host_id "
                + "WHERE h.name = '" + name + "' AND c.revoked_at IS NULL")));
        assertEquals("{\"env\": \"e2e\", \"group\": \"web-tier\", \"region\": \"eu\"}",
                db.single("SELECT labels::text FROM fleet_host WHERE name = '" + name + "'"));
        // the same token cannot be used twice
        Run again = run(work, command, "--credential-file", work.resolve("second").toString());
        assertEquals(3, again.code, again.output);

        admin.get(url("/admin/hosts"));
        WebElement row = admin.findElement(By.cssSelector("tr[data-host-name='" + name + "']"));
        assertEquals("ENROLLED", row.findElement(By.cssSelector(".badge")).getText().toUpperCase());

        // rotate: the old credential is revoked at once, a new token with enroll --force is shown
        submit(admin, row.findElement(By.cssSelector("button.rotate")));
        String rotated = text(admin, "#enroll-command");
        assertTrue(rotated.endsWith("--force"), rotated);
        Run reenroll = run(work, rotated, "--credential-file", credential.toString());
        assertEquals(0, reenroll.code, reenroll.output);
        assertEquals(1, Long.parseLong(db.single("SELECT count(*) FROM fleet_credential c JOIN fleet_host h ON h.id = c.host_id "
                + "WHERE h.name = '" + name + "' AND c.revoked_at IS NULL")), "only the new credential works");

        admin.get(url("/admin/hosts"));
        submit(admin, admin.findElement(By.cssSelector("tr[data-host-name='" + name + "'] button.revoke")));
        assertTrue(text(admin, "#message").contains("Credentials revoked for " + name), text(admin, "#message"));
        assertEquals("NOT ENROLLED OR REVOKED", text(admin, "tr[data-host-name='" + name + "'] .badge").toUpperCase());
        assertEquals(0, Long.parseLong(db.single("SELECT count(*) FROM fleet_credential c JOIN fleet_host h ON h.id = c.host_id "
                + "WHERE h.name = '" + name + "' AND c.revoked_at IS NULL")));
    }

    @Test
    void adminCreatesAnApiTokenFromPagesAndRevokesIt() throws Exception {
        fixtures.users();
        WebDriver admin = login(Fixtures.ADMIN, Fixtures.ADMIN_PASSWORD);
        admin.get(url("/"));
        submit(admin, admin.findElement(By.linkText("API tokens")));
        assertEquals("API tokens", text(admin, "h1"));
        String max = admin.findElement(By.id("token-expires")).getDomAttribute("max");
        assertEquals(max, admin.findElement(By.id("token-expires")).getDomProperty("value"), "the longest lifetime is the default");

        // beyond the longest lifetime the API allows: refused with the reason, typed name kept
        String name = "grc-browser-" + System.nanoTime();
        type(admin, "token-name", name);
        ((JavascriptExecutor) admin).executeScript("var f = document.getElementById('token-expires'); f.removeAttribute('max'); f.value = '2999-01-01';");
        submit(admin, admin.findElement(By.id("create-token-button")));
        assertTrue(text(admin, "#error").contains("expiresAt may be at most"), text(admin, "#error"));
        assertEquals(name, admin.findElement(By.id("token-name")).getDomProperty("value"));

        admin.findElement(By.id("token-expires")).clear();
        String in30Days = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(30).toString();
        ((JavascriptExecutor) admin).executeScript("document.getElementById('token-expires').value = arguments[0];", in30Days);
        submit(admin, admin.findElement(By.id("create-token-button")));
        assertEquals("API token " + name, text(admin, "h1"));
        String secret = text(admin, "#token-secret");
        assertTrue(secret.startsWith("cakb_api_"), secret);
        assertTrue(text(admin, "#token-usage").contains(url("/api/v1/assessments")), text(admin, "#token-usage"));
        shots(admin, "api-token-created");

        HttpClient http = HttpClient.newHttpClient();
        assertEquals(200, get(http, "/api/v1/assessments", secret));
        admin.get(url("/admin/api-tokens"));
        WebElement row = admin.findElement(By.cssSelector("tr[data-token-name='" + name + "']"));
        assertFalse(row.findElement(By.cssSelector(".last-used")).getText().equals("never"), "last use is shown");
        assertTrue(row.findElements(By.tagName("td")).get(1).getText().startsWith(
                java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(30).getDayOfMonth() + " "), row.getText());
        shots(admin, "api-tokens");
        assertFalse(admin.getPageSource().contains(secret), "the secret is shown once only");

        submit(admin, row.findElement(By.cssSelector("button.revoke")));
        assertTrue(text(admin, "#message").contains("Token revoked"));
        assertTrue(text(admin, "tr[data-token-name='" + name + "'] .state").startsWith("revoked"));
        assertEquals(401, get(http, "/api/v1/assessments", secret));
    }

    @Test
    void adminEditsNameScopeAndAssessorsWithTheScopePicker() throws Exception {
        fixtures.users();
        AssessmentViews.Detail a = fixtures.service().create(new AssessmentViews.NewAssessment("Edit me " + System.nanoTime(), "cluster e2e",
                Map.of(), new Scope(List.of(), List.of(), List.of(), Fixtures.TWO), null, null, List.of(Fixtures.ASSESSOR)), Fixtures.ADMIN);
        WebDriver admin = login(Fixtures.ADMIN, Fixtures.ADMIN_PASSWORD);
        admin.get(url("/assessments/" + a.id()));
        assertTrue(admin.findElement(By.id("export-oscal")).getDomAttribute("href").endsWith("/export/oscal-assessment-results.json"));
        assertTrue(admin.findElement(By.id("export-csv")).getDomAttribute("href").endsWith("/export/checklist.csv"));
        shots(admin, "assessment");
        submit(admin, admin.findElement(By.id("edit-assessment")));
        assertEquals("Edit assessment", text(admin, "h1"));

        // the picker says how many items each choice creates; the assessors are the same checkboxes as on the new page
        WebElement area = admin.findElement(By.cssSelector("#scope-areas input[value='nistir8176:area/hardware-root-of-trust']"));
        int areaItems = Integer.parseInt(area.getDomAttribute("data-items"));
        assertTrue(areaItems >= 5, "the area creates " + areaItems + " items");
        assertTrue(area.findElement(By.xpath("..")).getText().contains("(" + areaItems + " items)"));
        assertTrue(admin.findElement(By.cssSelector("#assessor-picker input[value='" + Fixtures.ASSESSOR + "']")).isSelected());
        area.click();
        assertTrue(text(admin, "#scope-total").contains("up to " + areaItems + " items"), text(admin, "#scope-total"));
        admin.findElement(By.cssSelector("#assessor-picker input[value='" + Fixtures.OTHER_ASSESSOR + "']")).click();
        type(admin, "name", a.name() + " (edited)");
        type(admin, "dueDate", "");
        ((JavascriptExecutor) admin).executeScript("document.getElementById('dueDate').value = '2027-03-31';");
        shots(admin, "edit-assessment");
        submit(admin, admin.findElement(By.id("save-assessment")));

        assertEquals(a.name() + " (edited)", text(admin, "h1"));
        AssessmentViews.Detail after = fixtures.detail(a.id());
        assertEquals(List.of(Fixtures.ASSESSOR, Fixtures.OTHER_ASSESSOR), after.assessors());
        assertEquals(java.time.LocalDate.parse("2027-03-31"), after.dueDate());
        assertEquals(List.of("nistir8176:area/hardware-root-of-trust"), after.scope().areas);
        assertEquals(2 + areaItems, after.progress().total(), "the area's items were added to the two hand-picked ones");

        // the new-assessment page uses the same assessor control
        admin.get(url("/admin/assessments/new"));
        assertFalse(admin.findElements(By.cssSelector("#assessor-picker input[value='" + Fixtures.ASSESSOR + "']")).isEmpty());
        shots(admin, "new-assessment");
    }

    @Test
    void anAssessorsDraftSurvivesTheEndOfTheSessionAndEveryProblemIsShownAtOnce() throws Exception {
        fixtures.users();
        AssessmentViews.Detail a = fixtures.service().create(new AssessmentViews.NewAssessment("Draft " + System.nanoTime(), "cluster e2e",
                Map.of(), new Scope(List.of(), List.of(), List.of(), Fixtures.TWO), null, null, List.of(Fixtures.OTHER_ASSESSOR)), Fixtures.ADMIN);
        AssessmentViews.Item item = fixtures.items(a.id()).get(0);
        String itemPath = "/assessments/" + a.id() + "/items/" + item.id();
        WebDriver assessor = login(Fixtures.OTHER_ASSESSOR, Fixtures.PASSWORD);
        assessor.get(url(itemPath));
        assertHeader(assessor, Fixtures.OTHER_ASSESSOR, false);

        // all problems of the form at once, in plain words; what was typed stays
        new org.openqa.selenium.support.ui.Select(assessor.findElement(By.id("result"))).selectByValue("satisfied");
        type(assessor, "evidenceLinks", "not a link");
        submit(assessor, assessor.findElement(By.id("save")));
        String error = text(assessor, "#error");
        assertTrue(error.contains("3 problems"), error);
        assertTrue(error.contains("Justification: explain why the result is satisfied"), error);
        assertTrue(error.contains("Evidence: a satisfied result needs evidence"), error);
        assertTrue(error.contains("Evidence link 1: each link must be an http(s) URL"), error);
        assertFalse(error.contains("<list element>") || error.contains("size must be between"), error);
        assertEquals("not a link", assessor.findElement(By.id("evidenceLinks")).getDomProperty("value"));
        shots(assessor, "item-errors");

        // typing is kept in the browser; the session ends on the server (as after the idle timeout) before Save
        String justification = "Nodes boot with measured boot; PCR 0-7 are attested by the fleet service.";
        String evidence = "Attestation report 2026-11 for all 12 nodes.";
        type(assessor, "justification", justification);
        type(assessor, "evidenceText", evidence);
        type(assessor, "evidenceLinks", "https://evidence.example/attestation");
        ((JavascriptExecutor) assessor).executeScript("window.cakbSession.expireIn(60000);");
        assertTrue(assessor.findElement(By.id("session-warning")).isDisplayed(), "the page warns before the session ends");
        assertTrue(text(assessor, "#session-warning").contains("1 minute"), text(assessor, "#session-warning"));
        shots(assessor, "item-session-warning");
        fixtures.accounts().endSessions(Fixtures.OTHER_ASSESSOR);
        submit(assessor, assessor.findElement(By.id("save")));
        assertTrue(assessor.getCurrentUrl().contains("/login"), "an ended session leads to the login page: " + assessor.getCurrentUrl());
        assertEquals("not-assessed", fixtures.items(a.id()).get(0).result(), "nothing was saved without a session");

        assessor.findElement(By.id("j_username")).sendKeys(Fixtures.OTHER_ASSESSOR);
        assessor.findElement(By.id("j_password")).sendKeys(Fixtures.PASSWORD);
        submit(assessor, assessor.findElement(By.id("login")));
        assessor.get(url(itemPath));
        assertTrue(assessor.findElement(By.id("draft-notice")).isDisplayed(), "the restored draft is announced");
        assertEquals(justification, assessor.findElement(By.id("justification")).getDomProperty("value"));
        assertEquals(evidence, assessor.findElement(By.id("evidenceText")).getDomProperty("value"));
        assertEquals("satisfied", assessor.findElement(By.id("result")).getDomProperty("value"));
        shots(assessor, "item-draft-restored");
        submit(assessor, assessor.findElement(By.id("save")));
        assertTrue(text(assessor, "#message").contains("Saved"), assessor.getPageSource().substring(0, 200));
        AssessmentViews.Item saved = fixtures.items(a.id()).get(0);
        assertEquals("satisfied", saved.result());
        assertEquals(justification, saved.justification());
        assertEquals(List.of("https://evidence.example/attestation"), saved.evidenceLinks());
        assertNull(((JavascriptExecutor) assessor).executeScript("return localStorage.getItem(arguments[0]);",
                "cakb-draft:" + a.id() + ":" + item.id() + ":" + Fixtures.OTHER_ASSESSOR), "the saved draft is dropped");
        assertFalse(assessor.findElement(By.id("draft-notice")).isDisplayed());
    }

    private int get(HttpClient http, String path, String bearer) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url(path))).header("Authorization", "Bearer " + bearer).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** target/classes/org/cakb/agent/** as cakb-agent.jar: what the build's assembly puts into target/cakb-agent.jar. */
    private static void agentJar(Path dir) throws IOException {
        Path classes = Path.of("target/classes");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "org.cakb.agent.AgentMain");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(dir.resolve("cakb-agent.jar")), manifest);
             Stream<Path> files = Files.walk(classes.resolve("org/cakb/agent"))) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
    }

    record Run(int code, String output) {
    }

    /** Runs a command copied from a page, word for word, in {@code dir}; "java" is this JVM's java. */
    private static Run run(Path dir, String command, String... extra) throws Exception {
        List<String> words = new ArrayList<>(Arrays.asList(command.strip().split("\\s+")));
        assertEquals("java", words.get(0), command);
        words.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
        words.addAll(Arrays.asList(extra));
        Process p = new ProcessBuilder(words).directory(dir.toFile()).redirectErrorStream(true).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("agent did not finish: " + command);
        }
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes()));
    }
}
