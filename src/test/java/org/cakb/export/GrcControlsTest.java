package org.cakb.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.cakb.assessment.AssessmentViews;
import org.cakb.assessment.Fixtures;
import org.cakb.assessment.Scope;
import org.cakb.testing.Database;
import org.cakb.testing.FleetFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The assessment in GRC terms, on an assessment with probe evidence: the per-control rollup (API), the STIG Viewer
 * checklist (validated against the documented .cklb structure) and the SP 800-53 ids on the OSCAL findings.
 */
@QuarkusTest
class GrcControlsTest {

    /** Least privileges; satisfied by cm:capabilities-minimal, which the caps probe verifies. CCI-002233: AC-6(8). */
    static final String SRG_PRIV = "disa-srg:srg-app-000342-ctr-000775";
    /** TLS for image transport. CCI-000068: AC-17(2). */
    static final String SRG_TLS = "disa-srg:srg-app-000014-ctr-000035";
    /** Denial of service. CCI-002385: SC-5. */
    static final String SRG_DOS = "disa-srg:srg-app-000435-ctr-001070";
    /** SP 800-190 4.4.3: CM-6 by this knowledge base's inference. */
    static final String SP_443 = "sp800-190:4.4.3";

    @Inject
    Fixtures fixtures;
    @Inject
    Database db;

    final ObjectMapper mapper = new ObjectMapper();

    @BeforeEach
    void users() {
        fixtures.users();
    }

    private long assessmentWithProbeEvidence(String name) {
        AssessmentViews.Detail a = fixtures.service().create(new AssessmentViews.NewAssessment(name, "cluster " + name, Map.of("env", "prod"),
                new Scope(List.of(), List.of(), List.of(), List.of(SRG_PRIV, SRG_TLS, SRG_DOS, SP_443)), null, null,
                List.of(Fixtures.ASSESSOR)), Fixtures.ADMIN);
        fixtures.members().replace(a.id(), new org.cakb.assessment.AssessmentMembers.MemberUpdate(List.of(Fixtures.VIEWER)), Fixtures.ADMIN);
        for (String host : List.of(name + "-web", name + "-db")) {
            long hostId = FleetFixture.registerHost(host);
            given(FleetFixture.enroll(hostId), FleetFixture.report(UUID.randomUUID().toString(), Instant.parse("2026-11-20T10:00:00Z"),
                    host.endsWith("db") ? "fail" : "pass", "CapEff 0000003fffffffff"));
            db.single("INSERT INTO assessment_host (assessment_id, host_id, linked_by) VALUES (" + a.id() + ", " + hostId + ", 'admin') RETURNING 1");
        }
        long stranger = FleetFixture.registerHost(name + "-unlinked");
        given(FleetFixture.enroll(stranger), FleetFixture.report(UUID.randomUUID().toString(), "fail"));
        Map<String, AssessmentViews.Item> items = new HashMap<>();
        fixtures.items(a.id()).forEach(i -> items.put(i.requirementId(), i));
        record(a.id(), items.get(SRG_TLS), "satisfied", "Registry pulls go through TLS 1.3 only.");
        record(a.id(), items.get(SRG_DOS), "not-satisfied", "No memory limits on the batch namespace.");
        return a.id();
    }

    private static void given(String credential, String report) {
        io.restassured.RestAssured.given().auth().oauth2(credential).contentType(ContentType.JSON).body(report)
                .post("/api/v1/agent/reports").then().statusCode(201);
    }

    private static void record(long id, AssessmentViews.Item item, String result, String justification) {
        Fixtures.as(Fixtures.ASSESSOR).contentType(ContentType.JSON)
                .body(Map.of("version", item.version(), "result", result, "justification", justification,
                        "evidenceText", "Checked on the cluster: " + justification))
                .put("/api/v1/assessments/" + id + "/items/" + item.id()).then().statusCode(200);
    }

    @Test
    void theRollupCountsItemsPerControlWithTheLinkedHostsProbeEvidence() throws Exception {
        long id = assessmentWithProbeEvidence("grc-rollup");
        JsonNode controls = mapper.readTree(Fixtures.as(Fixtures.VIEWER).get("/api/v1/assessments/" + id + "/controls")
                .then().statusCode(200).extract().asString());
        Map<String, JsonNode> byControl = new HashMap<>();
        controls.forEach(c -> byControl.put(c.get("control").asText(), c));
        assertEquals(java.util.Set.of("sp800-53:ac-6.8", "sp800-53:ac-17.2", "sp800-53:sc-5", "sp800-53:cm-6"), byControl.keySet(),
                "exactly the controls the four items' requirements map to");

        JsonNode privilege = byControl.get("sp800-53:ac-6.8");
        assertEquals("AC-6(8)", privilege.get("controlId").asText());
        assertEquals("AC", privilege.get("family").asText());
        assertEquals(1, privilege.at("/items/notAssessed").asInt());
        assertEquals("not-assessed", privilege.get("status").asText());
        assertEquals(2, privilege.at("/probes/hosts").asInt(), "the unlinked host's failing report is not evidence");
        assertEquals(1, privilege.at("/probes/fail").asInt(), "the caps probe fails on the db host only");
        assertEquals(1, privilege.at("/probes/pass").asInt());
        assertEquals("disa-srg", privilege.at("/supportingItems/0/basis").asText());
        assertEquals("subset-of", privilege.at("/supportingItems/0/relationship").asText());

        assertEquals("satisfied", byControl.get("sp800-53:ac-17.2").get("status").asText());
        assertEquals(1, byControl.get("sp800-53:ac-17.2").at("/items/satisfied").asInt());
        assertEquals(0, byControl.get("sp800-53:ac-17.2").at("/probes/hosts").asInt(), "no probe verifies registry TLS");
        assertEquals("not-satisfied", byControl.get("sp800-53:sc-5").get("status").asText());
        assertEquals(1, byControl.get("sp800-53:sc-5").at("/items/notSatisfied").asInt());
        JsonNode inferred = byControl.get("sp800-53:cm-6");
        assertEquals("kb-inference", inferred.at("/supportingItems/0/basis").asText());
        assertEquals(SP_443, inferred.at("/supportingItems/0/requirement").asText());

        Fixtures.as(Fixtures.VIEWER).get("/api/v1/assessments/987654321/controls").then().statusCode(404)
                .body("message", containsString("987654321"));
    }

    static JsonSchema cklbSchema() throws Exception {
        try (InputStream in = GrcControlsTest.class.getResourceAsStream("/cklb/cklb.schema.json")) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(in);
        }
    }

    @Test
    void theStigViewerChecklistHasTheDocumentedStructureAndStatusesFromResultsAndProbes() throws Exception {
        long id = assessmentWithProbeEvidence("grc-cklb");
        String token = Fixtures.apiToken("grc-cklb-reader");
        String body = Fixtures.as(token).get("/api/v1/assessments/" + id + "/checklist.cklb").then().statusCode(200)
                .header("Content-Disposition", containsString(".cklb")).extract().asString();
        JsonNode cklb = mapper.readTree(body);
        assertEquals(List.of(), cklbSchema().validate(cklb).stream().map(ValidationMessage::getMessage).toList());

        JsonNode stig = cklb.at("/stigs/0");
        assertEquals("Container_Platform_SRG", stig.get("stig_id").asText());
        assertEquals(3, stig.get("size").asInt(), "one rule per SRG item; the SP 800-190 item is not an SRG rule");
        Map<String, JsonNode> rules = new HashMap<>();
        stig.get("rules").forEach(r -> rules.put(r.get("group_id").asText(), r));
        JsonNode privilege = rules.get("V-233163");
        assertEquals("SRG-APP-000342-CTR-000775", privilege.get("rule_version").asText());
        assertEquals("SV-233163r601765_rule", privilege.get("rule_id_src").asText());
        assertEquals("CCI-002233", privilege.at("/ccis/0").asText());
        assertEquals("open", privilege.get("status").asText(), "not assessed yet, but a probe fails on a linked host");
        assertTrue(privilege.get("finding_details").asText().contains("grc-cklb-db: probe:caps/no-cap-sys-admin fail"),
                privilege.get("finding_details").asText());
        assertTrue(privilege.get("check_content").asText().startsWith("Review documentation and configuration"));
        assertEquals("not_a_finding", rules.get("V-233015").get("status").asText());
        assertTrue(rules.get("V-233015").get("finding_details").asText().contains("TLS 1.3 only"));
        assertEquals("open", rules.get("V-233222").get("status").asText());
        assertTrue(rules.get("V-233222").get("comments").asText().contains("last assessed by " + Fixtures.ASSESSOR));
        assertEquals("cluster grc-cklb", cklb.at("/target_data/host_name").asText());

        String again = Fixtures.as(token).get("/api/v1/assessments/" + id + "/checklist.cklb").then().statusCode(200).extract().asString();
        assertEquals(body, again, "UUIDs are stable, so re-exporting unchanged data gives the same file");
    }

    @Test
    void theCklbValidatorRejectsWhatStigViewerWouldNotRead() throws Exception {
        JsonNode broken = mapper.readTree("""
                {"title": "x", "id": "not-a-uuid", "stigs": [{"stig_name": "s", "rules": [{"status": "NotAFinding"}]}],
                 "active": false, "mode": 2, "has_path": true, "target_data": {}, "cklb_extra": 1}""");
        List<String> errors = cklbSchema().validate(broken).stream().map(ValidationMessage::getMessage).toList();
        assertTrue(errors.size() >= 5, errors.toString());
        assertTrue(errors.stream().anyMatch(e -> e.contains("status")), errors.toString());
    }

    @Test
    void anAssessmentWithoutSrgRequirementsGetsAClearRefusal() {
        AssessmentViews.Detail a = fixtures.assessment("grc-no-srg");
        Fixtures.as(Fixtures.VIEWER).get("/api/v1/assessments/" + a.id() + "/checklist.cklb").then().statusCode(422)
                .body("message", containsString("no DISA Container Platform SRG requirement"));
        Fixtures.as(Fixtures.VIEWER).get("/api/v1/assessments/987654321/checklist.cklb").then().statusCode(404);
    }

    @Test
    void oscalFindingsCarryTheirSp80053ControlsAndStayValid() throws Exception {
        long id = assessmentWithProbeEvidence("grc-oscal");
        JsonNode document = mapper.readTree(Fixtures.as(Fixtures.VIEWER).get("/api/v1/assessments/" + id + "/oscal/assessment-results")
                .then().statusCode(200).extract().asString());
        JsonSchema schema = OscalCatalogTest.schema("/oscal/v1.0.6_oscal_assessment-results_schema.json");
        assertEquals(List.of(), schema.validate(document).stream().map(ValidationMessage::getMessage).limit(20).toList());
        Map<String, List<String>> controlsByRequirement = new HashMap<>();
        document.at("/assessment-results/results/0/findings").forEach(f -> {
            String kbId = null;
            List<String> controls = new java.util.ArrayList<>();
            for (JsonNode p : f.get("props")) {
                if (p.get("name").asText().equals("kb-id")) {
                    kbId = p.get("value").asText();
                } else if (p.get("name").asText().equals("nist-800-53-rev5")) {
                    controls.add(p.get("value").asText() + " " + p.get("remarks").asText());
                }
            }
            controlsByRequirement.put(kbId, controls);
        });
        assertEquals(List.of("ac-6.8 subset-of; basis: disa-srg"), controlsByRequirement.get(SRG_PRIV));
        assertTrue(controlsByRequirement.get(SP_443).get(0).startsWith("cm-6 supports; basis: kb-inference (this knowledge base's inference"),
                controlsByRequirement.get(SP_443).toString());
    }
}
