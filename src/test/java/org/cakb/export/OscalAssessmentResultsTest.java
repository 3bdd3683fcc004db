package org.cakb.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
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

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OSCAL assessment-results export of a realistic assessment: probe evidence from reports ingested through the
 * agent API on linked hosts, assessor evidence (EXAMINE with an attachment, INTERVIEW), a waiver and a probe-evidence
 * decision. Validated against NIST's OSCAL 1.0.6 assessment-results schema.
 */
@QuarkusTest
class OscalAssessmentResultsTest {

    static final String CAPS = "nistir8176:req/a2-no-dangerous-capabilities";     // satisfied by cm:no-cap-sys-admin
    static final String SECCOMP = "nistir8176:req/a2-seccomp-allowlist";          // satisfied by cm:seccomp-filter
    static final String NO_NEW_PRIVS = "nistir8176:req/a2-no-new-privs";

    @Inject
    Fixtures fixtures;
    @Inject
    Database db;

    final ObjectMapper mapper = new ObjectMapper();

    @BeforeEach
    void users() {
        fixtures.users();
    }

    record Setup(long id, Map<String, AssessmentViews.Item> items, List<Long> hosts, List<String> reports, String token) {
    }

    private Setup realisticAssessment(String name) {
        AssessmentViews.Detail a = fixtures.service().create(new AssessmentViews.NewAssessment(name, "cluster eu-1", Map.of("env", "prod"),
                new Scope(List.of(), List.of(), List.of(), List.of(CAPS, SECCOMP, NO_NEW_PRIVS)), null, null,
                List.of(Fixtures.ASSESSOR)), Fixtures.ADMIN);
        fixtures.members().replace(a.id(), new org.cakb.assessment.AssessmentMembers.MemberUpdate(List.of(Fixtures.VIEWER)), Fixtures.ADMIN);
        List<Long> hosts = new ArrayList<>();
        List<String> reports = new ArrayList<>();
        for (String host : List.of(name + "-web", name + "-db")) {
            long hostId = FleetFixture.registerHost(host);
            String credential = FleetFixture.enroll(hostId);
            String reportId = UUID.randomUUID().toString();
            given().auth().oauth2(credential).contentType(ContentType.JSON)
                    .body(FleetFixture.report(reportId, Instant.parse("2026-11-20T10:00:00Z"), host.endsWith("db") ? "fail" : "pass",
                            "CapEff 0000003fffffffff"))
                    .post("/api/v1/agent/reports").then().statusCode(201);
            db.single("INSERT INTO assessment_host (assessment_id, host_id, linked_by) VALUES (" + a.id() + ", " + hostId
                    + ", 'admin') RETURNING 1");
            hosts.add(hostId);
            reports.add(reportId);
        }
        // a host that is not linked: its results must not appear
        long stranger = FleetFixture.registerHost(name + "-other");
        given().auth().oauth2(FleetFixture.enroll(stranger)).contentType(ContentType.JSON)
                .body(FleetFixture.report(UUID.randomUUID().toString(), "fail")).post("/api/v1/agent/reports").then().statusCode(201);

        Map<String, AssessmentViews.Item> items = new java.util.HashMap<>();
        fixtures.items(a.id()).forEach(i -> items.put(i.requirementId(), i));
        String itemPath = "/api/v1/assessments/" + a.id() + "/items/";
        AssessmentViews.Item caps = items.get(CAPS);
        Fixtures.as(Fixtures.ASSESSOR).contentType(ContentType.JSON)
                .body(Map.of("version", caps.version(), "result", "satisfied", "justification", "All pods drop ALL capabilities.",
                        "evidenceText", "Reviewed the pod security admission config\nand the Helm values.",
                        "evidenceLinks", List.of("https://git.example/cluster/values.yaml")))
                .put(itemPath + caps.id()).then().statusCode(200).body("evidenceMethod", equalTo("EXAMINE"));
        fixtures.attachment(a.id(), caps.id());
        AssessmentViews.Item seccomp = items.get(SECCOMP);
        Fixtures.as(Fixtures.ASSESSOR).contentType(ContentType.JSON)
                .body(Map.of("version", seccomp.version(), "result", "partially-satisfied", "justification", "Only the web tier.",
                        "evidenceText", "Platform team lead explained the rollout plan.", "evidenceMethod", "INTERVIEW"))
                .put(itemPath + seccomp.id()).then().statusCode(200).body("evidenceMethod", equalTo("INTERVIEW"));
        AssessmentViews.Item privs = items.get(NO_NEW_PRIVS);
        int requested = Fixtures.as(Fixtures.ASSESSOR).contentType(ContentType.JSON)
                .body(Map.of("version", privs.version(), "reason", "Legacy batch jobs until migration", "expires", "2099-01-31",
                        "compensatingControls", "jobs run in a separate node pool"))
                .put(itemPath + privs.id() + "/waiver").then().statusCode(200).extract().path("version");
        Fixtures.as(Fixtures.ADMIN).contentType(ContentType.JSON).body(Map.of("version", requested, "note", "until Q1"))
                .post(itemPath + privs.id() + "/waiver/approve").then().statusCode(200).body("waiver.approver", equalTo(Fixtures.ADMIN));
        db.single("""
                INSERT INTO item_probe_evidence (item_id, decision, suggested_result, recorded_result, decided_by, observations)
                VALUES (%d, 'accepted', 'satisfied', 'satisfied', '%s', '[{"hostId": %d}]') RETURNING 1"""
                .formatted(caps.id(), Fixtures.ASSESSOR, hosts.get(0)));
        fixtures.items(a.id()).forEach(i -> items.put(i.requirementId(), i));
        return new Setup(a.id(), items, hosts, reports, Fixtures.apiToken(name + "-grc"));
    }

    private String export(Setup s) {
        return Fixtures.as(s.token()).get("/api/v1/assessments/" + s.id() + "/oscal/assessment-results").then().statusCode(200)
                .contentType("application/oscal.assessment-results+json").extract().asString();
    }

    private static List<String> errors(JsonNode document) throws Exception {
        JsonSchema schema = OscalCatalogTest.schema("/oscal/v1.0.6_oscal_assessment-results_schema.json");
        Set<ValidationMessage> errors = schema.validate(document);
        return errors.stream().map(ValidationMessage::getMessage).limit(20).toList();
    }

    @Test
    void aRealisticAssessmentIsValidOscalWithEvidenceFindingsAndRisks() throws Exception {
        Setup s = realisticAssessment("ar-real");
        JsonNode document = mapper.readTree(export(s));
        assertEquals(List.of(), errors(document));

        JsonNode ar = document.get("assessment-results");
        String plan = ar.at("/import-ap/href").asText();
        assertTrue(plan.matches("https?://[^/]+/api/v1/assessments/" + s.id()), "hrefs are absolute (public base URL): " + plan);
        JsonNode result = ar.at("/results/0");
        assertEquals(Set.of(OscalCatalog.token(CAPS), OscalCatalog.token(SECCOMP), OscalCatalog.token(NO_NEW_PRIVS)),
                texts(result.at("/reviewed-controls/control-selections/0/include-controls"), "control-id"));

        // observations: two assessor ones (EXAMINE with link and attachment, INTERVIEW), 2 linked hosts x 2 probe results
        List<JsonNode> observations = list(result.get("observations"));
        assertEquals(6, observations.size());
        List<JsonNode> tests = observations.stream().filter(o -> o.at("/methods/0").asText().equals("TEST")).toList();
        assertEquals(4, tests.size(), "the unlinked host's report is not evidence");
        JsonNode examine = observations.stream().filter(o -> o.at("/methods/0").asText().equals("EXAMINE")).findFirst().orElseThrow();
        assertTrue(examine.get("relevant-evidence").toString().contains("/attachments/"));
        assertTrue(examine.get("relevant-evidence").toString().contains("https://git.example/cluster/values.yaml"));
        assertEquals(1, observations.stream().filter(o -> o.at("/methods/0").asText().equals("INTERVIEW")).count());
        for (JsonNode test : tests) {
            assertEquals("tool", test.at("/origins/0/actors/0/type").asText());
            assertEquals("0.1.0-test", prop(test.at("/origins/0/actors/0"), "agent-version"));
            assertEquals("inventory-item", test.at("/subjects/0/type").asText());
            String href = test.at("/relevant-evidence/0/href").asText();
            assertTrue(s.reports().stream().anyMatch(href::endsWith), href);
            // the evidence link resolves to the raw report, for the token too
            Fixtures.as(s.token()).get(href).then().statusCode(200).body("reportId", equalTo(href.substring(href.lastIndexOf('/') + 1)));
        }
        String failed = tests.stream().filter(t -> prop(t, "probe-status").equals("fail")).map(t -> t.at("/subjects/0/title").asText())
                .findFirst().orElseThrow();
        assertEquals("ar-real-db", failed);
        Set<String> inventory = texts(result.at("/local-definitions/inventory-items"), "uuid");
        tests.forEach(t -> assertTrue(inventory.contains(t.at("/subjects/0/subject-uuid").asText())));

        // findings: one per item, the five-valued result in a namespaced prop, the OSCAL state derived from it
        Map<String, JsonNode> findings = new java.util.HashMap<>();
        result.get("findings").forEach(f -> findings.put(prop(f, "kb-id"), f));
        assertEquals(3, findings.size());
        JsonNode caps = findings.get(CAPS);
        assertEquals("satisfied", caps.at("/target/status/state").asText());
        assertEquals(OscalCatalog.token(CAPS) + "_smt", caps.at("/target/target-id").asText());
        assertEquals("accepted", prop(caps, "probe-evidence-decision"));
        assertEquals(3, caps.get("related-observations").size(), "assessor evidence + the caps result of both hosts");
        JsonNode seccomp = findings.get(SECCOMP);
        assertEquals("partially-satisfied", prop(seccomp, "result"));
        assertEquals("not-satisfied", seccomp.at("/target/status/state").asText());
        assertEquals("https://container-assurance-kb.invalid/ns/oscal",
                seccomp.get("props").get(0).get("ns").asText());
        JsonNode privs = findings.get(NO_NEW_PRIVS);
        assertEquals("not-assessed", prop(privs, "result"));
        assertFalse(privs.has("related-observations"));

        // the waiver is an approved deviation, with approver and expiry
        JsonNode risk = result.at("/risks/0");
        assertEquals("deviation-approved", risk.get("status").asText());
        assertEquals(Fixtures.ADMIN, prop(risk, "waiver-approver"));
        assertEquals(Fixtures.ASSESSOR, prop(risk, "waiver-requested-by"));
        assertTrue(risk.get("statement").asText().contains("Compensating controls: jobs run in a separate node pool"));
        assertEquals("2099-01-31", prop(risk, "waiver-expires"));
        assertEquals(risk.get("uuid").asText(), privs.at("/related-risks/0/risk-uuid").asText());

        // every uuid is unique and every reference resolves
        List<String> uuids = new ArrayList<>();
        document.findValues("uuid").forEach(u -> uuids.add(u.asText()));
        assertEquals(uuids.size(), new HashSet<>(uuids).size(), "duplicate uuids");
        Set<String> observationUuids = texts(result.get("observations"), "uuid");
        result.get("findings").forEach(f -> f.path("related-observations")
                .forEach(r -> assertTrue(observationUuids.contains(r.get("observation-uuid").asText()))));
    }

    @Test
    void anAssessmentWithoutEvidenceOrHostsIsValidToo() throws Exception {
        AssessmentViews.Detail a = fixtures.assessment("ar-empty");
        String body = Fixtures.as(Fixtures.VIEWER).get("/api/v1/assessments/" + a.id() + "/oscal/assessment-results")
                .then().statusCode(200).extract().asString();
        JsonNode document = mapper.readTree(body);
        assertEquals(List.of(), errors(document));
        assertFalse(document.at("/assessment-results/results/0").has("observations"));
        assertEquals(2, document.at("/assessment-results/results/0/findings").size());
        assertEquals("not-satisfied", document.at("/assessment-results/results/0/findings/0/target/status/state").asText());
    }

    @Test
    void theNewEndpointsAreDocumented() {
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body(containsString("/api/v1/assessments/{id}/oscal/assessment-results"))
                .body(containsString("/api/v1/assessments/{id}/checklist.csv"))
                .body(containsString("/api/v1/hosts/{id}/reports/{reportId}"))
                .body(containsString("updated-since"));
    }

    @Test
    void eachContainerIsItsOwnSubjectTiedToItsHostAndTheDocumentStaysValid() throws Exception {
        AssessmentViews.Detail a = fixtures.service().create(new AssessmentViews.NewAssessment("ar-containers", "cluster eu-2",
                Map.of("env", "prod"), new Scope(List.of(), List.of(), List.of(), List.of(CAPS)), null, null,
                List.of(Fixtures.ASSESSOR)), Fixtures.ADMIN);
        fixtures.members().replace(a.id(), new org.cakb.assessment.AssessmentMembers.MemberUpdate(List.of(Fixtures.VIEWER)), Fixtures.ADMIN);
        long hostId = FleetFixture.registerHost("ar-containers-node");
        given().auth().oauth2(FleetFixture.enroll(hostId)).contentType(ContentType.JSON)
                .body(FleetFixture.report2(UUID.randomUUID().toString(), Instant.now().minusSeconds(60), null, "pass",
                        FleetFixture.container("a".repeat(64), "web", "docker", "fail"),
                        FleetFixture.container("b".repeat(64), "db", "containerd", "pass")))
                .post("/api/v1/agent/reports").then().statusCode(201);
        db.single("INSERT INTO assessment_host (assessment_id, host_id, linked_by) VALUES (" + a.id() + ", " + hostId + ", 'admin') RETURNING 1");
        JsonNode document = mapper.readTree(Fixtures.as(Fixtures.VIEWER).get("/api/v1/assessments/" + a.id()
                + "/oscal/assessment-results").then().statusCode(200).extract().asString());
        assertEquals(List.of(), errors(document));
        JsonNode result = document.at("/assessment-results/results/0");
        List<JsonNode> inventory = list(result.at("/local-definitions/inventory-items"));
        String hostUuid = AssessmentResultsModel.host(hostId);
        List<JsonNode> containers = inventory.stream().filter(i -> texts(i.get("props"), "value").contains("container")).toList();
        assertEquals(2, containers.size(), inventory.toString());
        for (JsonNode c : containers) {
            assertEquals("#" + hostUuid, c.at("/links/0/href").asText(), "a container is tied to its host's inventory item");
            assertEquals("hosted-on", c.at("/links/0/rel").asText());
        }
        List<JsonNode> observations = list(result.get("observations")).stream()
                .filter(o -> o.at("/methods/0").asText().equals("TEST")).toList();
        assertEquals(3, observations.size(), "the host and each container: one observation each for the caps probe");
        java.util.Set<String> subjects = new java.util.HashSet<>();
        observations.forEach(o -> subjects.add(o.at("/subjects/0/subject-uuid").asText()));
        java.util.Set<String> expected = new java.util.HashSet<>(containers.stream().map(c -> c.get("uuid").asText()).toList());
        expected.add(hostUuid);
        assertEquals(expected, subjects);
        assertTrue(observations.stream().anyMatch(o -> o.get("title").asText().contains("container web on host ar-containers-node: fail")));
    }

    @Test
    void theValidatorCatchesABrokenDocument() throws Exception {
        Setup s = realisticAssessment("ar-broken");
        JsonNode document = mapper.readTree(export(s));
        ObjectNode finding = (ObjectNode) document.at("/assessment-results/results/0/findings/0");
        finding.remove("target");
        ((ObjectNode) document.at("/assessment-results/results/0/observations/0")).put("uuid", "not-a-uuid");
        assertTrue(errors(document).size() >= 2, "a finding without target and a bad uuid must both be reported");
    }

    @Test
    void uuidsAreStableAcrossExportsAndFollowTheLatestReport() throws Exception {
        Setup s = realisticAssessment("ar-stable");
        String first = export(s);
        assertEquals(first, export(s), "exports of unchanged data are identical");

        // a newer report on one host replaces its observations; the rest keeps its identifiers
        String credential = FleetFixture.enroll(s.hosts().get(0));
        String newer = UUID.randomUUID().toString();
        given().auth().oauth2(credential).contentType(ContentType.JSON)
                .body(FleetFixture.report(newer, Instant.parse("2026-11-21T10:00:00Z"), "fail", "CapEff 00000000a80425fb"))
                .post("/api/v1/agent/reports").then().statusCode(201);
        String second = export(s);
        assertNotEquals(first, second);
        JsonNode before = mapper.readTree(first).at("/assessment-results/results/0");
        JsonNode after = mapper.readTree(second).at("/assessment-results/results/0");
        assertEquals(texts(before.get("findings"), "uuid"), texts(after.get("findings"), "uuid"));
        assertEquals(4, list(after.get("observations")).stream().filter(o -> o.at("/methods/0").asText().equals("TEST")).count());
        assertTrue(second.contains("/reports/" + newer));
        assertFalse(second.contains("/reports/" + s.reports().get(0)), "only the latest report of each host is evidence");
        assertEquals(List.of(), errors(mapper.readTree(second)));
    }

    @Test
    void tokensReadButNeverWriteAndRevokedTokensAreRefused() {
        Setup s = realisticAssessment("ar-token");
        String base = "/api/v1/assessments/" + s.id();
        AssessmentViews.Item item = s.items().get(CAPS);
        Fixtures.as(s.token()).get(base).then().statusCode(200);
        Fixtures.as(s.token()).get(base + "/items").then().statusCode(200).body("size()", equalTo(3));
        Fixtures.as(s.token()).get(base + "/history").then().statusCode(200);
        Fixtures.as(s.token()).get(base + "/checklist.csv").then().statusCode(200);
        String before = db.single("SELECT md5(string_agg(i::text, '|' ORDER BY i.id)) FROM checklist_item i WHERE assessment_id = " + s.id());
        Fixtures.as(s.token()).contentType(ContentType.JSON)
                .body(Map.of("version", item.version(), "result", "not-satisfied")).put(base + "/items/" + item.id())
                .then().statusCode(403).body("message", containsString("api-read"));
        assertEquals(before, db.single("SELECT md5(string_agg(i::text, '|' ORDER BY i.id)) FROM checklist_item i WHERE assessment_id = " + s.id()));

        long tokenId = ((Number) Fixtures.as(Fixtures.ADMIN).get("/api/v1/admin/api-tokens").then().statusCode(200)
                .extract().path("find { it.name == 'ar-token-grc' }.id")).longValue();
        Fixtures.as(Fixtures.ADMIN).contentType("application/json").body("{}").post("/api/v1/admin/api-tokens/" + tokenId + "/revoke").then().statusCode(200);
        Fixtures.as(s.token()).get(base + "/oscal/assessment-results").then().statusCode(401);
        Fixtures.as(s.token()).get(base + "/checklist.csv").then().statusCode(401);
    }

    @Test
    void unknownAssessmentsAndReportsAre404() {
        Fixtures.as(Fixtures.VIEWER).get("/api/v1/assessments/987654321/oscal/assessment-results").then().statusCode(404);
        Fixtures.as(Fixtures.VIEWER).get("/api/v1/assessments/987654321/checklist.csv").then().statusCode(404);
        long host = FleetFixture.registerHost("ar-noreport");
        Fixtures.as(Fixtures.VIEWER).get("/api/v1/hosts/" + host + "/reports/" + UUID.randomUUID()).then().statusCode(404);
        Fixtures.as(Fixtures.VIEWER).get("/api/v1/hosts/" + host + "/reports/not-a-uuid").then().statusCode(400)
                .body("message", containsString("UUID"));
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    private static Set<String> texts(JsonNode array, String field) {
        Set<String> out = new HashSet<>();
        array.forEach(n -> out.add(n.get(field).asText()));
        return out;
    }

    private static String prop(JsonNode node, String name) {
        for (JsonNode p : node.path("props")) {
            if (p.get("name").asText().equals(name)) {
                return p.get("value").asText();
            }
        }
        return null;
    }
}
