package org.cakb.web;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.cakb.assessment.AssessmentViews;
import org.cakb.assessment.Fixtures;
import org.cakb.assessment.Scope;
import org.cakb.testing.Database;
import org.cakb.testing.FleetFixture;
import org.cakb.testing.PageSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SP 800-53 controls on the pages: mappings both ways, the SRG rule, the per-user evidence box (never cached for others), the matrix by family. */
@QuarkusTest
class GrcPagesTest {

    static final String SRG_PRIV = "disa-srg:srg-app-000342-ctr-000775";

    @Inject
    Fixtures fixtures;
    @Inject
    Database db;

    @BeforeEach
    void users() {
        fixtures.users();
    }

    @Test
    void requirementAndCountermeasurePagesShowTheirControlsWithTheBasisOfEachMapping() {
        String srg = given().get("/requirements/" + SRG_PRIV).then().statusCode(200).extract().asString();
        assertTrue(srg.contains("NIST SP 800-53 Rev. 5 controls"), "mapping section");
        assertTrue(srg.contains("AC-6(8) Least Privilege | Privilege Levels for Code Execution"));
        assertTrue(srg.contains("DISA Container Platform SRG, through the DISA CCI list"));
        assertTrue(srg.contains("id=\"srg-rule\"") && srg.contains("V-233163") && srg.contains("CCI-002233") && srg.contains("CAT II"));
        assertTrue(srg.contains("id=\"srg-check\">Review documentation and configuration"), "check text shown");

        String inferred = given().get("/countermeasures/cm:seccomp-filter").then().statusCode(200).extract().asString();
        assertTrue(inferred.contains("CM-7 Least Functionality"));
        assertTrue(inferred.contains("this knowledge base&#39;s inference (not NIST&#39;s or DISA&#39;s)")
                || inferred.contains("this knowledge base's inference (not NIST's or DISA's)"), "an inference says so");
    }

    @Test
    void aControlPageListsWhatSupportsItAndOnlySignedInPeopleSeeTheEvidence() {
        String name = "grc-page-" + UUID.randomUUID().toString().substring(0, 6);
        AssessmentViews.Detail a = fixtures.service().create(new AssessmentViews.NewAssessment(name, "cluster", Map.of(),
                new Scope(List.of(), List.of(), List.of(), List.of(SRG_PRIV)), null, null, List.of(Fixtures.ASSESSOR)), Fixtures.ADMIN);
        long host = FleetFixture.registerHost(name + "-h");
        given().auth().oauth2(FleetFixture.enroll(host)).contentType(ContentType.JSON).body(FleetFixture.report(UUID.randomUUID().toString(), "fail"))
                .post("/api/v1/agent/reports").then().statusCode(201);
        db.single("INSERT INTO assessment_host (assessment_id, host_id, linked_by) VALUES (" + a.id() + ", " + host + ", 'admin') RETURNING 1");

        String path = "/controls/sp800-53:ac-6.8";
        String anonymous = given().get(path).then().statusCode(200).extract().asString();
        assertTrue(anonymous.contains("Supported by") && anonymous.contains(SRG_PRIV));
        assertFalse(anonymous.contains("control-evidence"), "anonymous visitors get no evidence box");

        PageSession viewer = PageSession.login(Fixtures.VIEWER, Fixtures.PASSWORD);
        assertFalse(viewer.get(path).then().statusCode(200).extract().asString().contains(name),
                "an assessment the viewer was not granted stays hidden on the control page");
        fixtures.members().replace(a.id(), new org.cakb.assessment.AssessmentMembers.MemberUpdate(List.of(Fixtures.VIEWER)), Fixtures.ADMIN);
        String signedIn = viewer.get(path).then().statusCode(200).extract().asString();
        assertTrue(signedIn.contains("Evidence behind this control"), signedIn);
        assertTrue(signedIn.contains(name), "the assessment with an item on this control is listed");
        assertTrue(signedIn.matches("(?s).*\\d+ pass, [1-9]\\d* fail on \\d+ hosts?.*"), "probe results of its linked host");

        String anonymousAgain = given().get(path).then().statusCode(200).extract().asString();
        assertFalse(anonymousAgain.contains(name), "the cached page never carries one person's evidence to another");

        String rollup = viewer.get("/assessments/" + a.id() + "/controls").then().statusCode(200).extract().asString();
        assertTrue(rollup.contains("id=\"control-AC-6(8)\"") && rollup.contains("not-assessed"), rollup);
        viewer.get("/assessments/987654321/controls").then().statusCode(404);
    }

    @Test
    void theMatrixGroupsBySp80053Family() {
        String matrix = given().get("/matrix?group=family").then().statusCode(200).extract().asString();
        assertTrue(matrix.contains("SP 800-53 AC: Access Control"), "family group");
        assertTrue(matrix.contains("SP 800-53 SC: System and Communications Protection"));
        assertTrue(matrix.contains("<option value=\"family\" selected>"));
        String controls = given().get("/controls?family=SC").then().statusCode(200).extract().asString();
        assertTrue(controls.contains("SC-4 Information in Shared System Resources"));
        assertFalse(controls.contains("AC-3 Access Enforcement"), "filtered to the family");
    }
}
