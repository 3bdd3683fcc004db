package org.cakb.assessment.browser;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.cakb.assessment.AssessmentViews;
import org.cakb.assessment.Fixtures;
import org.cakb.testing.FleetFixture;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;

import java.net.URL;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checklist as a guide, the dashboard, search by identifiers, the host page and "how do I verify this", in a real
 * Chromium; every page is also saved as a screenshot at 1366 and 390 px wide (target/screenshots/assessment-day-*).
 */
@QuarkusTest
class AssessorDayBrowserTest {

    /** An ISO timestamp with a fraction of a second, as Java and PostgreSQL print them. */
    private static final Pattern RAW_INSTANT = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d+");

    @TestHTTPResource("/")
    URL root;
    @Inject
    Fixtures fixtures;

    /** A host with a failing container (payments), a passing one, and a host check that drifted from pass to fail. */
    private long hostWithFailures(String hostName) {
        long hostId = FleetFixture.registerHost(hostName);
        String credential = FleetFixture.enroll(hostId);
        given().auth().oauth2(credential).contentType(ContentType.JSON)
                .body(FleetFixture.report2(UUID.randomUUID().toString(), Instant.now().minusSeconds(600), null, "pass",
                        FleetFixture.container("a".repeat(64), "payments", "docker", "pass")))
                .post("/api/v1/agent/reports").then().statusCode(201);
        given().auth().oauth2(credential).contentType(ContentType.JSON)
                .body(FleetFixture.report2(UUID.randomUUID().toString(), Instant.now().minusSeconds(60), null, "fail",
                        FleetFixture.container("a".repeat(64), "payments", "docker", "fail"),
                        FleetFixture.container("b".repeat(64), "frontend", "containerd", "pass")))
                .post("/api/v1/agent/reports").then().statusCode(201);
        return hostId;
    }

    private static void shots(Person p, String name) throws Exception {
        shots(p, name, "main");
    }

    /** Screenshots at both widths; at 390 px nothing inside {@code scope} may stick out of the screen. */
    private static void shots(Person p, String name, String scope) throws Exception {
        p.screenshot("day-" + name + "-1366");
        p.driver.manage().window().setSize(new Dimension(390, 844));
        try {
            p.screenshot("day-" + name + "-390");
            Object wide = ((org.openqa.selenium.JavascriptExecutor) p.driver).executeScript("""
                    var w = document.documentElement.clientWidth, out = [];
                    document.querySelectorAll(arguments[0] + ' *').forEach(function (e) {
                      var r = e.getBoundingClientRect();
                      if (r.right > w + 2 && out.length < 6 && !e.closest('.table-scroll')) {
                        out.push(e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className + ' ' + Math.round(r.right));
                      }
                    });
                    return out.join(', ');""", scope);
            assertEquals("", wide, name + " page: elements wider than a 390 px screen");
        } finally {
            p.driver.manage().window().setSize(new Dimension(1366, 1000));
        }
    }

    private static void noRawTimestamps(Person p) {
        String source = p.driver.getPageSource();
        assertFalse(RAW_INSTANT.matcher(source).find(), () -> "a raw timestamp with fractions of a second on " + p.driver.getCurrentUrl());
    }

    /** Picks a filter value; the filter form submits itself on change (app.js). */
    private static void chooseAndWait(Person p, String id, String value) {
        WebElement html = p.driver.findElement(By.tagName("html"));
        p.choose(id, value);
        p.waitUntilReplaced(html);
    }

    private static List<String> rowTitles(Person p) {
        return p.all("#items tbody tr[data-item] a.item-link").stream().map(WebElement::getText).toList();
    }

    @Test
    void checklistFiltersColumnsAndPreviousNext() throws Exception {
        AssessmentViews.Detail a = fixtures.assessment("day checklist " + System.nanoTime());
        long hostId = hostWithFailures("day-node-" + System.nanoTime());
        Fixtures.as(Fixtures.ADMIN).contentType(ContentType.JSON).body(java.util.Map.of("hostIds", List.of(hostId)))
                .put("/api/v1/assessments/" + a.id() + "/hosts").then().statusCode(200);
        List<AssessmentViews.Item> items = fixtures.items(a.id());

        try (Person assessor = Person.login(root, Fixtures.ASSESSOR, Fixtures.PASSWORD)) {
            assessor.open("/assessments/" + a.id());
            String scope = assessor.text("#scope");
            assertTrue(scope.contains(items.get(0).requirementTitle()), "the scope names the requirements: " + scope);
            String head = assessor.text("#items thead");
            assertTrue(head.contains("Evidence") && head.contains("Probe evidence") && head.contains("Waiver"), head);
            WebElement capsRow = assessor.find("#items tr[data-item='" + items.stream()
                    .filter(i -> i.requirementId().equals("nistir8176:req/a2-minimal-capabilities")).findFirst().orElseThrow().id() + "']");
            assertTrue(capsRow.findElement(By.cssSelector(".col-probe")).getText().toLowerCase().contains("failing"), capsRow.getText());
            assertEquals(2, rowTitles(assessor).size());

            chooseAndWait(assessor, "f-evidence", "probe-failing");
            assertEquals(1, rowTitles(assessor).size(), "only the item whose probes fail");
            chooseAndWait(assessor, "f-evidence", "with-evidence");
            assertTrue(rowTitles(assessor).isEmpty());
            assertTrue(assessor.text("#items").contains("No items match the filter."));
            assessor.clickAndWait(assessor.find("#clear-filter"));

            // item 1 -> next -> item 2 -> previous -> item 1
            assessor.clickAndWait(assessor.all("#items a.item-link").get(0));
            assertEquals(items.get(0).requirementTitle(), assessor.h1());
            assertTrue(assessor.text("#item-nav").contains("Item 1 of 2"));
            assertFalse(assessor.has("#previous-item"), "the first item has no previous one");
            assertTrue(assessor.has("#observations .observation"));
            String observationText = assessor.text("#observations");
            assertTrue(observationText.contains("probe:caps/no-cap-sys-admin"), "ids stay, on a secondary line");
            shots(assessor, "item");
            noRawTimestamps(assessor);
            assessor.clickAndWait(assessor.find("#next-item"));
            assertEquals(items.get(1).requirementTitle(), assessor.h1());
            assertFalse(assessor.has("#next-item"), "the last item has no next one");
            assessor.clickAndWait(assessor.find("#previous-item"));
            assertEquals(items.get(0).requirementTitle(), assessor.h1());

            // evidence given on item 1 shows in the column and the filter; its time is relative with the exact one on hover
            assessor.choose("result", "partially-satisfied");
            assessor.type("justification", "CAP_SYS_ADMIN is dropped everywhere but in payments");
            assessor.type("evidenceText", "docker inspect of every container, 2 December");
            assessor.clickAndWait(assessor.find("#save"));
            assessor.open("/assessments/" + a.id() + "?evidence=with-evidence");
            assertEquals(List.of(items.get(0).requirementTitle()), rowTitles(assessor));
            assertTrue(assessor.text("#items .col-evidence").toLowerCase().contains("given"));
            WebElement time = assessor.find("#items time[datetime]");
            assertTrue(time.getText().matches("just now|\\d+ min ago"), time.getText());
            String title = time.getDomAttribute("title");
            assertFalse(title == null || title.matches("^\\d{4}-\\d{2}-\\d{2} .*"), "time.js shows the exact time in the reader's zone: " + title);
            assessor.open("/assessments/" + a.id() + "?result=partially-satisfied");
            assertEquals(1, rowTitles(assessor).size());
            assessor.open("/assessments/" + a.id());
            shots(assessor, "checklist");
            noRawTimestamps(assessor);
        }
    }

    @Test
    void dashboardShowsAssessmentsPassRatesAndDrift() throws Exception {
        AssessmentViews.Detail a = fixtures.assessment("day dashboard " + System.nanoTime());
        String hostName = "dash-node-" + System.nanoTime();
        hostWithFailures(hostName);
        try (Person viewer = Person.login(root, Fixtures.VIEWER, Fixtures.PASSWORD)) {
            viewer.clickAndWait(viewer.find("#nav-dashboard"));
            assertEquals("Dashboard", viewer.h1());
            WebElement card = viewer.find("#assessment-" + a.id());
            assertTrue(card.findElements(By.cssSelector("svg.result-bar rect")).size() >= 1, "a result bar per area");
            assertTrue(card.getText().contains("2 not assessed"), "the colours are also said in words: " + card.getText());
            String rates = viewer.text("#pass-rates");
            assertTrue(rates.contains("cm:no-cap-sys-admin") && rates.contains("failing"), rates);
            assertTrue(viewer.all("#pass-rates svg.rate-line polyline").size() >= 1, "a pass-rate line");
            String drift = viewer.text("#recent-drift");
            assertTrue(drift.contains(hostName) && drift.contains("probe:caps/no-cap-sys-admin"), drift);
            assertTrue(viewer.all("svg.drift-chart rect.drift-col").size() == 7, "one column per day");
            shots(viewer, "dashboard");
            noRawTimestamps(viewer);
        }
    }

    @Test
    void searchFindsIdentifiersAndPaths() throws Exception {
        fixtures.users();
        try (Person reader = Person.anonymous(root)) {
            String[][] queries = {
                    {"docker.sock", "nistir8176:req/a2-no-runtime-socket-mount"},
                    {"/var/run/docker.sock", "cm:no-runtime-socket-mount"},
                    {"CAP_SYS_ADMIN", "cm:no-cap-sys-admin"},
                    {"T1611", "threat:container-to-host-escape"},
                    {"cm:seccomp-filter", "cm:seccomp-filter"}};
            for (String[] q : queries) {
                reader.open("/search?q=" + java.net.URLEncoder.encode(q[0], java.nio.charset.StandardCharsets.UTF_8));
                List<String> ids = reader.all(".search-results li code.id").stream().limit(5).map(WebElement::getText).toList();
                assertTrue(ids.contains(q[1]), q[0] + ": expected " + q[1] + " in the first five, got " + ids);
            }
            reader.open("/search?q=docker.sock");
            assertTrue(reader.all(".search-results li").size() >= 5, "every record naming docker.sock");
            assertTrue(reader.all(".search-results mark").stream().anyMatch(m -> m.getText().equalsIgnoreCase("docker.sock")),
                    "the identifier is highlighted in the snippets");
            shots(reader, "search");
        }
    }

    @Test
    void hostPageShowsFailuresFirstAndProbePagesSayHowToVerify() throws Exception {
        fixtures.users();
        String hostName = "day-host-" + System.nanoTime();
        long hostId = hostWithFailures(hostName);
        try (Person viewer = Person.login(root, Fixtures.VIEWER, Fixtures.PASSWORD)) {
            viewer.open("/hosts/" + hostId);
            java.nio.file.Files.createDirectories(java.nio.file.Path.of("target/screenshots"));
            java.nio.file.Files.writeString(java.nio.file.Path.of("target/screenshots/assessment-day-host.html"), viewer.driver.getPageSource());
            String failing = viewer.text("#failing-now");
            assertTrue(failing.contains("payments") && failing.toLowerCase().contains("1 fail"), failing);
            assertFalse(failing.contains("frontend"), "passing containers are not in the failing list");
            assertTrue(failing.contains("probe:caps/no-cap-sys-admin"), "the host's own failing check: " + failing);
            int failingAt = viewer.driver.getPageSource().indexOf("id=\"failing-now\"");
            int factsAt = viewer.driver.getPageSource().indexOf("id=\"facts-h\"");
            assertTrue(failingAt < factsAt, "failures come before the facts");
            shots(viewer, "host");
            noRawTimestamps(viewer);

            viewer.open("/probes/probe:caps/no-cap-sys-admin");
            String verify = viewer.text("#verify-on-hosts");
            assertTrue(verify.contains("java -jar cakb-agent.jar run") && verify.contains("enroll"), verify);
            shots(viewer, "probe", "#verify-on-hosts");
            viewer.clickAndWait(viewer.find("#verify-on-hosts .fleet-failing-link"));
            assertTrue(viewer.text("#fleet-rows").contains(hostName), "the fleet results of the probe list the failing host");
            viewer.open("/countermeasures/cm:no-cap-sys-admin");
            assertTrue(viewer.has("#verify-on-hosts .fleet-passing-link"));
        }
    }
}
