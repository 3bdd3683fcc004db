package org.cakb.assessment;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.cakb.testing.Database;
import org.cakb.testing.FleetFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hosts linked to assessments and the probe evidence of checklist items, with reports ingested through the agent API. */
@QuarkusTest
class EvidenceApiTest {

    /** Verified by probe:caps/no-cap-sys-admin (through cm:capabilities-minimal), the first check of FleetFixture reports. */
    static final String CAPS_REQUIREMENT = "nistir8176:req/a2-minimal-capabilities";
    static final String CAPS_CHECK = "probe:caps/no-cap-sys-admin";

    @Inject
    Fixtures fixtures;
    @Inject
    Database db;

    record Agent(long hostId, String name, String credential) {
    }

    @BeforeEach
    void users() {
        fixtures.users();
    }

    static Agent agent(String prefix) {
        String name = prefix + "-" + System.nanoTime();
        long hostId = FleetFixture.registerHost(name);
        return new Agent(hostId, name, FleetFixture.enroll(hostId));
    }

    /** Submits a report whose capabilities check has {@code status}, finished {@code minutesAgo}; returns its UUID. */
    static String submit(Agent agent, String status, int minutesAgo) {
        String reportId = UUID.randomUUID().toString();
        given().auth().oauth2(agent.credential()).contentType(ContentType.JSON)
                .body(FleetFixture.report(reportId, Instant.now().minusSeconds(60L * minutesAgo), status, "observed " + status))
                .post("/api/v1/agent/reports").then().statusCode(201);
        return reportId;
    }

    static void link(long id, Agent... agents) {
        Fixtures.as(Fixtures.ADMIN).contentType(ContentType.JSON)
                .body(Map.of("hostIds", java.util.Arrays.stream(agents).map(Agent::hostId).toList()))
                .put("/api/v1/assessments/" + id + "/hosts").then().statusCode(200).body("$", hasSize(agents.length));
    }

    static String evidencePath(long id, long itemId) {
        return "/api/v1/assessments/" + id + "/items/" + itemId + "/probe-evidence";
    }

    static JsonPath evidence(long id, long itemId) {
        return Fixtures.as(Fixtures.ASSESSOR).get(evidencePath(id, itemId)).then().statusCode(200).extract().jsonPath();
    }

    AssessmentViews.Item capsItem(long id) {
        return fixtures.items(id).stream().filter(i -> i.requirementId().equals(CAPS_REQUIREMENT)).findFirst().orElseThrow();
    }

    String writes(long itemId) {
        return db.single("SELECT (SELECT count(*) FROM item_probe_evidence) || '/' || (SELECT count(*) FROM assessment_history) || '/'"
                + " || (SELECT md5(i::text) FROM checklist_item i WHERE id = " + itemId + ")");
    }

    @Test
    void linkingAndUnlinkingHostsIsRecordedInTheHistory() {
        AssessmentViews.Detail a = fixtures.assessment("links");
        Agent one = agent("link-one");
        Agent two = agent("link-two");
        link(a.id(), one, two);
        Fixtures.as(Fixtures.VIEWER).get("/api/v1/assessments/" + a.id() + "/hosts").then().statusCode(200)
                .body("name", equalTo(List.of(one.name(), two.name())))
                .body("linkedBy", hasItem(Fixtures.ADMIN))
                .body("latestReportId", equalTo(java.util.Arrays.asList(null, null)));
        link(a.id(), two);

        List<AssessmentViews.History> history = fixtures.history().history(a.id());
        assertTrue(history.stream().anyMatch(h -> h.field().equals("host linked") && h.newValue().equals(one.name() + " (host " + one.hostId() + ")")));
        assertTrue(history.stream().anyMatch(h -> h.field().equals("host linked") && h.newValue().startsWith(two.name())));
        assertTrue(history.stream().anyMatch(h -> h.field().equals("host unlinked") && h.oldValue().startsWith(one.name())
                && h.actor().equals(Fixtures.ADMIN)));
        assertEquals(3, history.stream().filter(h -> h.field().startsWith("host ")).count());

        String before = db.single("SELECT count(*) || '/' || (SELECT count(*) FROM assessment_history) FROM assessment_host");
        Fixtures.as(Fixtures.ADMIN).contentType(ContentType.JSON).body(Map.of("hostIds", List.of(one.hostId(), 987654321L)))
                .put("/api/v1/assessments/" + a.id() + "/hosts").then().statusCode(422)
                .body("message", containsString("no host with id 987654321"));
        Fixtures.as(Fixtures.ASSESSOR).contentType(ContentType.JSON).body(Map.of("hostIds", List.of(one.hostId())))
                .put("/api/v1/assessments/" + a.id() + "/hosts").then().statusCode(403);
        assertEquals(before, db.single("SELECT count(*) || '/' || (SELECT count(*) FROM assessment_history) FROM assessment_host"));
    }

    @Test
    void evidenceShowsTheLatestReportOfLinkedHostsOnly() {
        AssessmentViews.Detail a = fixtures.assessment("latest");
        Agent linked = agent("latest-linked");
        Agent unlinked = agent("latest-unlinked");
        submit(linked, "fail", 30);
        String newest = submit(linked, "pass", 10);
        submit(linked, "fail", 20); // received last, but finished earlier: not the latest
        submit(unlinked, "fail", 5);
        link(a.id(), linked);
        AssessmentViews.Item item = capsItem(a.id());

        JsonPath e = evidence(a.id(), item.id());
        assertEquals(1, e.getList("observations").size(), e.prettify());
        assertEquals(linked.name(), e.getString("observations[0].host"));
        assertEquals(CAPS_CHECK, e.getString("observations[0].checkId"));
        assertEquals("pass", e.getString("observations[0].status"));
        assertEquals("observed pass", e.getString("observations[0].observed"));
        assertEquals("no CAP_SYS_ADMIN", e.getString("observations[0].expected"));
        assertEquals(newest, e.getString("observations[0].reportId"));
        assertEquals("0.1.0-test", e.getString("observations[0].agentVersion"));
        assertTrue(e.getList("observations[0].countermeasures").contains("cm:capabilities-minimal"));
        assertEquals("satisfied", e.getString("suggestion"));
        assertEquals(newest, e.getString("hosts[0].latestReportId"));
        assertTrue(e.getList("rule").size() >= 5);

        // the seccomp check of the same reports verifies nothing this requirement is satisfied by
        AssessmentViews.Item other = fixtures.items(a.id()).stream().filter(i -> i.id() != item.id()).findFirst().orElseThrow();
        Fixtures.as(Fixtures.VIEWER).get(evidencePath(a.id(), other.id())).then().statusCode(200)
                .body("observations", hasSize(0)).body("suggestion", nullValue());
    }

    @Test
    void evidenceGroupsObservationsByHostAndContainerAndTheRuleCountsContainers() {
        AssessmentViews.Detail a = fixtures.assessment("containers");
        Agent node = agent("evidence-node");
        given().auth().oauth2(node.credential()).contentType(ContentType.JSON)
                .body(FleetFixture.report2(UUID.randomUUID().toString(), Instant.now().minusSeconds(60), null, "pass",
                        FleetFixture.container("a".repeat(64), "web", "docker", "fail"),
                        FleetFixture.container("b".repeat(64), "db", "docker", "pass")))
                .post("/api/v1/agent/reports").then().statusCode(201);
        link(a.id(), node);
        JsonPath e = evidence(a.id(), capsItem(a.id()).id());
        assertEquals(3, e.getList("observations").size(), e.prettify());
        assertEquals(null, e.getString("observations[0].container"), "the host's own result first");
        assertEquals(List.of("db", "web"), e.getList("observations.container").subList(1, 3));
        assertEquals("partially-satisfied", e.getString("suggestion"), "one failing container among passing results");
        assertEquals(2, e.getInt("byHost[0].containers"));
        assertEquals(1, e.getInt("byHost[0].failed"));
        assertEquals(List.of("web"), e.getList("byHost[0].failingContainers"));
        assertEquals(false, e.getBoolean("byHost[0].hostFails"));
    }

    @Test
    void suggestionFollowsTheDocumentedRule() {
        AssessmentViews.Detail a = fixtures.assessment("rule");
        Agent one = agent("rule-one");
        Agent two = agent("rule-two");
        submit(one, "pass", 10);
        submit(two, "fail", 10);
        link(a.id(), one, two);
        long itemId = capsItem(a.id()).id();
        JsonPath mixed = evidence(a.id(), itemId);
        assertEquals("partially-satisfied", mixed.getString("suggestion"));

        submit(one, "fail", 5);
        JsonPath failing = evidence(a.id(), itemId);
        assertEquals("not-satisfied", failing.getString("suggestion"));
        assertNotEquals(mixed.getString("fingerprint"), failing.getString("fingerprint"), "a new report changes the fingerprint");

        submit(one, "not-applicable", 2);
        submit(two, "not-applicable", 2);
        assertEquals("not-applicable", evidence(a.id(), itemId).getString("suggestion"));

        submit(one, "error", 1);
        submit(two, "error", 1);
        JsonPath errors = evidence(a.id(), itemId);
        assertEquals(2, errors.getList("observations").size());
        assertEquals(null, errors.getString("suggestion"));
    }

    @Test
    void acceptingRecordsTheSuggestionWithProvenanceAndHistory() {
        AssessmentViews.Detail a = fixtures.assessment("accept");
        Agent host = agent("accept-host");
        String reportId = submit(host, "fail", 3);
        link(a.id(), host);
        AssessmentViews.Item item = capsItem(a.id());
        JsonPath e = evidence(a.id(), item.id());

        Fixtures.as(Fixtures.ASSESSOR).contentType(ContentType.JSON)
                .body(Map.of("decision", "accept", "fingerprint", e.getString("fingerprint"), "version", item.version()))
                .post(evidencePath(a.id(), item.id())).then().statusCode(200)
                .body("itemResult", equalTo("not-satisfied"))
                .body("decisions", hasSize(1))
                .body("decisions[0].decision", equalTo("accepted"))
                .body("decisions[0].recordedResult", equalTo("not-satisfied"))
                .body("decisions[0].decidedBy", equalTo(Fixtures.ASSESSOR))
                .body("decisions[0].observations[0].reportId", equalTo(reportId))
                .body("decisions[0].observations[0].host", equalTo(host.name()));

        assertEquals("not-satisfied", capsItem(a.id()).result());
        assertEquals(reportId, db.single("SELECT observations -> 0 ->> 'reportId' FROM item_probe_evidence WHERE item_id = " + item.id()));
        List<AssessmentViews.History> history = fixtures.history().itemHistory(a.id(), item.id());
        assertTrue(history.stream().anyMatch(h -> h.field().equals("probe evidence observation") && h.newValue().contains(host.name())
                && h.newValue().contains(CAPS_CHECK) && h.newValue().contains(reportId) && h.newValue().contains("finished ")), history.toString());
        assertTrue(history.stream().anyMatch(h -> h.field().equals("result") && h.newValue().equals("not-satisfied")));
    }

    @Test
    void overrideNeedsAReasonAndNothingIsWrittenWithoutOne() {
        AssessmentViews.Detail a = fixtures.assessment("override");
        Agent host = agent("override-host");
        submit(host, "pass", 3);
        link(a.id(), host);
        AssessmentViews.Item item = capsItem(a.id());
        String fingerprint = evidence(a.id(), item.id()).getString("fingerprint");
        String before = writes(item.id());

        Fixtures.as(Fixtures.ASSESSOR).contentType(ContentType.JSON)
                .body(Map.of("decision", "override", "result", "partially-satisfied", "reason", "  ", "fingerprint", fingerprint, "version", item.version()))
                .post(evidencePath(a.id(), item.id())).then().statusCode(422)
                .body("message", containsString("an override needs a reason"));
        assertEquals(before, writes(item.id()));

        Fixtures.as(Fixtures.ASSESSOR).contentType(ContentType.JSON)
                .body(Map.of("decision", "override", "result", "partially-satisfied", "reason", "the probe runs in one container only",
                        "fingerprint", fingerprint, "version", item.version()))
                .post(evidencePath(a.id(), item.id())).then().statusCode(200)
                .body("itemResult", equalTo("partially-satisfied"))
                .body("decisions[0].decision", equalTo("overridden"))
                .body("decisions[0].suggestedResult", equalTo("satisfied"))
                .body("decisions[0].reason", equalTo("the probe runs in one container only"));
        assertTrue(fixtures.history().itemHistory(a.id(), item.id()).stream()
                .anyMatch(h -> h.field().equals("probe evidence") && h.newValue().contains("the probe runs in one container only")));
    }

    @Test
    void staleFingerprintOrVersionGets409AndNothingIsWritten() {
        AssessmentViews.Detail a = fixtures.assessment("stale");
        Agent host = agent("stale-host");
        submit(host, "pass", 5);
        link(a.id(), host);
        AssessmentViews.Item item = capsItem(a.id());
        String seen = evidence(a.id(), item.id()).getString("fingerprint");
        submit(host, "fail", 1); // a new report arrives while the assessor looks at the old one
        String before = writes(item.id());

        Fixtures.as(Fixtures.ASSESSOR).contentType(ContentType.JSON)
                .body(Map.of("decision", "accept", "fingerprint", seen, "version", item.version()))
                .post(evidencePath(a.id(), item.id())).then().statusCode(409)
                .body("message", containsString("changed after you loaded it"))
                .body("message", containsString("new reports arrived"));
        assertEquals(before, writes(item.id()));

        String current = evidence(a.id(), item.id()).getString("fingerprint");
        Fixtures.as(Fixtures.ASSESSOR).contentType(ContentType.JSON)
                .body(Map.of("decision", "accept", "fingerprint", current, "version", item.version() + 7))
                .post(evidencePath(a.id(), item.id())).then().statusCode(409)
                .body("message", containsString("after you loaded it"));
        assertEquals(before, writes(item.id()));
    }

    @Test
    void viewersAndUnassignedAssessorsMayLookButNotDecide() {
        AssessmentViews.Detail a = fixtures.assessment("viewer");
        Agent host = agent("viewer-host");
        submit(host, "pass", 5);
        link(a.id(), host);
        AssessmentViews.Item item = capsItem(a.id());
        String fingerprint = evidence(a.id(), item.id()).getString("fingerprint");
        String before = writes(item.id());
        Map<String, Object> accept = Map.of("decision", "accept", "fingerprint", fingerprint, "version", item.version());
        Fixtures.as(Fixtures.VIEWER).get(evidencePath(a.id(), item.id())).then().statusCode(200).body("suggestion", equalTo("satisfied"));
        Fixtures.as(Fixtures.VIEWER).contentType(ContentType.JSON).body(accept).post(evidencePath(a.id(), item.id())).then().statusCode(403);
        // an assessor who is not a member of the assessment is told it does not exist
        Fixtures.as(Fixtures.OTHER_ASSESSOR).contentType(ContentType.JSON).body(accept).post(evidencePath(a.id(), item.id())).then().statusCode(404);
        assertEquals(before, writes(item.id()));
    }

    @Test
    void completedAssessmentRefusesLinksAndDecisionsWith409() {
        AssessmentViews.Detail a = fixtures.completed("completed");
        Agent host = agent("completed-host");
        submit(host, "pass", 5);
        AssessmentViews.Item item = capsItem(a.id());
        String fingerprint = evidence(a.id(), item.id()).getString("fingerprint");
        String before = writes(item.id());
        Fixtures.as(Fixtures.ADMIN).contentType(ContentType.JSON).body(Map.of("hostIds", List.of(host.hostId())))
                .put("/api/v1/assessments/" + a.id() + "/hosts").then().statusCode(409).body("message", containsString("completed"));
        Fixtures.as(Fixtures.ASSESSOR).contentType(ContentType.JSON)
                .body(Map.of("decision", "override", "result", "not-satisfied", "reason", "r", "fingerprint", fingerprint, "version", item.version()))
                .post(evidencePath(a.id(), item.id())).then().statusCode(409).body("message", containsString("completed"));
        assertEquals(before, writes(item.id()));
        assertEquals(0, db.count("SELECT count(*) FROM assessment_host WHERE assessment_id = " + a.id()));
    }

    @Test
    void assessorAcceptsEvidenceThroughTheItemPageAndAdminLinksHostsThroughTheAssessmentPage() {
        AssessmentViews.Detail a = fixtures.assessment("page");
        Agent host = agent("page-host");
        String reportId = submit(host, "pass", 4);

        AssessmentApiTest.Session admin = AssessmentApiTest.Session.login(Fixtures.ADMIN, Fixtures.ADMIN_PASSWORD);
        String assessmentPage = admin.get("/assessments/" + a.id()).then().statusCode(200).extract().asString();
        assertTrue(assessmentPage.contains("id=\"hosts-form\"") && assessmentPage.contains(host.name()));
        admin.form("/assessments/" + a.id() + "/hosts", Map.of("hostIds", String.valueOf(host.hostId())),
                AssessmentApiTest.Session.token(assessmentPage)).then().statusCode(303);
        assertEquals(1, db.count("SELECT count(*) FROM assessment_host WHERE assessment_id = " + a.id() + " AND host_id = " + host.hostId()));

        AssessmentViews.Item item = capsItem(a.id());
        String itemPath = "/assessments/" + a.id() + "/items/" + item.id();
        AssessmentApiTest.Session viewer = AssessmentApiTest.Session.login(Fixtures.VIEWER, Fixtures.PASSWORD);
        String viewerPage = viewer.get(itemPath).then().statusCode(200).extract().asString();
        assertTrue(viewerPage.contains("Probe evidence") && viewerPage.contains(reportId));
        assertTrue(!viewerPage.contains("id=\"accept-form\""), "no accept button for a viewer");

        AssessmentApiTest.Session assessor = AssessmentApiTest.Session.login(Fixtures.ASSESSOR, Fixtures.PASSWORD);
        String page = assessor.get(itemPath).then().statusCode(200).extract().asString();
        assertTrue(page.contains("id=\"accept-form\"") && page.contains("How the suggestion is made"));
        java.util.regex.Matcher fingerprint = java.util.regex.Pattern.compile("name=\"fingerprint\" value=\"([0-9a-f]{64})\"").matcher(page);
        assertTrue(fingerprint.find(), "the accept form carries the fingerprint");
        assessor.form(itemPath + "/probe-evidence", Map.of("version", String.valueOf(item.version()), "fingerprint", fingerprint.group(1),
                "decision", "accept"), AssessmentApiTest.Session.token(page)).then().statusCode(303);

        assertEquals("satisfied", capsItem(a.id()).result());
        assessor.get(itemPath).then().statusCode(200)
                .body(containsString("class=\"decision\""))
                .body(containsString("recorded <span class=\"badge r-satisfied\">satisfied</span>"));
    }
}
