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

import java.net.URL;
import java.time.Instant;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** In a real Chromium: an admin links a reporting host to an assessment, an assessor accepts and then overrides its evidence. */
@QuarkusTest
class EvidenceBrowserTest {

    @TestHTTPResource("/")
    URL root;
    @Inject
    Fixtures fixtures;

    @Test
    void adminLinksAHostAndTheAssessorAcceptsThenOverridesTheProbeEvidence() throws Exception {
        AssessmentViews.Detail a = fixtures.assessment("browser evidence " + System.nanoTime());
        String hostName = "browser-host-" + System.nanoTime();
        long hostId = FleetFixture.registerHost(hostName);
        String credential = FleetFixture.enroll(hostId);
        String reportId = UUID.randomUUID().toString();
        given().auth().oauth2(credential).contentType(ContentType.JSON)
                .body(FleetFixture.report(reportId, Instant.now().minusSeconds(60), "fail", "CAP_SYS_ADMIN in CapBnd"))
                .post("/api/v1/agent/reports").then().statusCode(201);
        AssessmentViews.Item item = fixtures.items(a.id()).stream()
                .filter(i -> i.requirementId().equals("nistir8176:req/a2-minimal-capabilities")).findFirst().orElseThrow();

        try (Person admin = Person.login(root, Fixtures.ADMIN, Fixtures.ADMIN_PASSWORD)) {
            admin.open("/assessments/" + a.id());
            admin.driver.findElement(By.cssSelector("#hosts-form input[value='" + hostId + "']")).click();
            admin.clickAndWait(admin.find("#save-hosts"));
            assertTrue(admin.text("#hosts").contains(hostName), "the linked host is listed");
            assertTrue(admin.text("#hosts").contains(reportId), "with its latest report");
            admin.screenshot("evidence-linked-hosts");
        }

        try (Person assessor = Person.login(root, Fixtures.ASSESSOR, Fixtures.PASSWORD)) {
            assessor.open("/assessments/" + a.id() + "/items/" + item.id());
            assertTrue(assessor.text("#observations").contains("CAP_SYS_ADMIN in CapBnd"));
            assertEquals("not-satisfied", assessor.text("#suggestion").toLowerCase()); // badges are shown in capitals
            assessor.clickAndWait(assessor.find("#accept-evidence"));
            assertEquals("not-satisfied", assessor.text("#current-result").toLowerCase());
            assertTrue(assessor.text("#decisions").contains(reportId), "the decision shows the report it relied on");

            assessor.choose("override-result", "partially-satisfied");
            assessor.type("override-reason", "only the bounding set holds it; effective set is clean");
            assessor.clickAndWait(assessor.find("#override-evidence"));
            assertEquals("partially-satisfied", assessor.text("#current-result").toLowerCase());
            assertTrue(assessor.text("#decisions").contains("only the bounding set holds it"));
            assertFalse(assessor.has("#error"));
            ((org.openqa.selenium.JavascriptExecutor) assessor.driver).executeScript("document.getElementById('probe-evidence').scrollIntoView()");
            assessor.screenshot("evidence-decided");
        }
        assertEquals("partially-satisfied", fixtures.items(a.id()).stream().filter(i -> i.id() == item.id()).findFirst().orElseThrow().result());
    }

    /** Host page, then its failing container, the failing check, where that probe fails in the fleet, and the checklist evidence. */
    @Test
    void fromAHostToItsFailingContainerToTheCheckAndTheChecklistEvidence() throws Exception {
        AssessmentViews.Detail a = fixtures.assessment("browser containers " + System.nanoTime());
        String hostName = "browser-node-" + System.nanoTime();
        long hostId = FleetFixture.registerHost(hostName);
        given().auth().oauth2(FleetFixture.enroll(hostId)).contentType(ContentType.JSON)
                .body(FleetFixture.report2(UUID.randomUUID().toString(), Instant.now().minusSeconds(60), null, "pass",
                        FleetFixture.container("d".repeat(64), "payments", "docker", "fail"),
                        FleetFixture.container("e".repeat(64), "frontend", "containerd", "pass")))
                .post("/api/v1/agent/reports").then().statusCode(201);
        Fixtures.as(Fixtures.ADMIN).contentType(ContentType.JSON).body(java.util.Map.of("hostIds", java.util.List.of(hostId)))
                .put("/api/v1/assessments/" + a.id() + "/hosts").then().statusCode(200);
        AssessmentViews.Item item = fixtures.items(a.id()).stream()
                .filter(i -> i.requirementId().equals("nistir8176:req/a2-minimal-capabilities")).findFirst().orElseThrow();

        try (Person assessor = Person.login(root, Fixtures.ASSESSOR, Fixtures.PASSWORD)) {
            assessor.open("/hosts/" + hostId);
            String containers = assessor.text("#containers-h") + assessor.text(".containers");
            assertTrue(containers.indexOf("payments") < containers.indexOf("frontend"), "the failing container comes first");
            assessor.clickAndWait(assessor.driver.findElement(By.linkText("payments")));
            assertTrue(assessor.text("h1").contains("payments"));
            String firstCheck = assessor.text("#checks tbody tr");
            assertTrue(firstCheck.contains("probe:caps/no-cap-sys-admin") && firstCheck.toLowerCase().contains("fail"), firstCheck);
            assessor.screenshot("container-page");
            assessor.clickAndWait(assessor.driver.findElement(By.cssSelector("#checks tbody tr a[href^='/probes/']")));
            assessor.clickAndWait(assessor.find(".fleet-failing-link"));
            String where = assessor.text("#fleet-rows");
            assertTrue(where.contains(hostName) && where.contains("payments"), where);
            assertFalse(where.contains("frontend"), "passing containers are not listed as failing");

            assessor.open("/assessments/" + a.id() + "/items/" + item.id());
            assertTrue(assessor.text("#evidence-by-host").contains("payments"), "the failing container by name");
            assertTrue(assessor.text("#observations").contains("frontend"));
            assertEquals("partially-satisfied", assessor.text("#suggestion").toLowerCase());
            assessor.clickAndWait(assessor.driver.findElement(By.cssSelector("#observations a.container-link")));
            assertTrue(assessor.text("h1").contains("frontend") || assessor.text("h1").contains("payments"));
            assessor.screenshot("evidence-container-link");
        }
    }
}
