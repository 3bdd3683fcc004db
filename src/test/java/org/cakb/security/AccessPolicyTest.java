package org.cakb.security;

import org.cakb.assessment.AssessmentResource;
import org.cakb.assessment.AssessmentViews;
import org.cakb.assessment.Fixtures;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import org.cakb.security.AccessPolicy.Operation;
import org.cakb.export.AssessmentExportResource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every role × every endpoint against {@link AccessPolicy#TABLE}. The endpoints are found by reflection, so a new
 * endpoint without a call here (or without a policy) fails the test.
 */
@QuarkusTest
class AccessPolicyTest {

    @Inject
    Fixtures fixtures;

    /** One way to call an endpoint; the context holds a fresh assessment, one of its items and an attachment. */
    record Call(String method, String path, Operation operation, Function<Ctx, Response> send) {
    }

    record Ctx(String user, long id, long itemId, long itemVersion, long version, long attachmentId) {
    }

    static final List<Call> CALLS = List.of(
            new Call("GET", "/api/v1/assessments", Operation.LIST_ASSESSMENTS, c -> Fixtures.as(c.user()).get("/api/v1/assessments")),
            new Call("POST", "/api/v1/assessments", Operation.CREATE_ASSESSMENT, c -> Fixtures.as(c.user()).contentType(ContentType.JSON)
                    .body(Map.of("name", "policy new", "target", "t", "scope", Map.of("requirements", Fixtures.TWO)))
                    .post("/api/v1/assessments")),
            new Call("GET", "/api/v1/assessments/{id}", Operation.VIEW_ASSESSMENT, c -> Fixtures.as(c.user()).get("/api/v1/assessments/" + c.id())),
            new Call("PUT", "/api/v1/assessments/{id}", Operation.EDIT_ASSESSMENT, c -> Fixtures.as(c.user()).contentType(ContentType.JSON)
                    .body(Map.of("version", c.version(), "name", "renamed", "target", "t2")).put("/api/v1/assessments/" + c.id())),
            new Call("POST", "/api/v1/assessments/{id}/status", Operation.CHANGE_STATUS, c -> Fixtures.as(c.user()).contentType(ContentType.JSON)
                    .body(Map.of("version", c.version(), "status", "in-progress")).post("/api/v1/assessments/" + c.id() + "/status")),
            new Call("POST", "/api/v1/assessments/{id}/reopen", Operation.REOPEN_ASSESSMENT, c -> Fixtures.as(c.user()).contentType(ContentType.JSON)
                    .body(Map.of("version", c.version(), "reason", "more evidence")).post("/api/v1/assessments/" + c.id() + "/reopen")),
            new Call("PUT", "/api/v1/assessments/{id}/assessors", Operation.ASSIGN_ASSESSORS, c -> Fixtures.as(c.user()).contentType(ContentType.JSON)
                    .body(Map.of("assessors", List.of(Fixtures.ASSESSOR, Fixtures.OTHER_ASSESSOR))).put("/api/v1/assessments/" + c.id() + "/assessors")),
            new Call("GET", "/api/v1/assessments/{id}/items", Operation.LIST_ITEMS, c -> Fixtures.as(c.user()).get("/api/v1/assessments/" + c.id() + "/items")),
            new Call("GET", "/api/v1/assessments/{id}/items/{itemId}", Operation.VIEW_ITEM, c -> Fixtures.as(c.user())
                    .get("/api/v1/assessments/" + c.id() + "/items/" + c.itemId())),
            new Call("PUT", "/api/v1/assessments/{id}/items/{itemId}", Operation.EDIT_ITEM, c -> Fixtures.as(c.user()).contentType(ContentType.JSON)
                    .body(Map.of("version", c.itemVersion(), "result", "satisfied", "justification", "j", "evidenceText", "e"))
                    .put("/api/v1/assessments/" + c.id() + "/items/" + c.itemId())),
            new Call("PUT", "/api/v1/assessments/{id}/items/{itemId}/waiver", Operation.SET_WAIVER, c -> Fixtures.as(c.user()).contentType(ContentType.JSON)
                    .body(Map.of("version", c.itemVersion(), "reason", "r", "expires", "2099-01-01"))
                    .put("/api/v1/assessments/" + c.id() + "/items/" + c.itemId() + "/waiver")),
            new Call("DELETE", "/api/v1/assessments/{id}/items/{itemId}/waiver", Operation.SET_WAIVER, c -> Fixtures.as(c.user())
                    .queryParam("version", requestedWaiver(c)).delete("/api/v1/assessments/" + c.id() + "/items/" + c.itemId() + "/waiver")),
            new Call("POST", "/api/v1/assessments/{id}/items/{itemId}/waiver/approve", Operation.DECIDE_WAIVER, c -> Fixtures.as(c.user())
                    .contentType(ContentType.JSON).body(Map.of("version", requestedWaiver(c), "note", "ok"))
                    .post("/api/v1/assessments/" + c.id() + "/items/" + c.itemId() + "/waiver/approve")),
            new Call("POST", "/api/v1/assessments/{id}/items/{itemId}/waiver/refuse", Operation.DECIDE_WAIVER, c -> Fixtures.as(c.user())
                    .contentType(ContentType.JSON).body(Map.of("version", requestedWaiver(c), "note", "not convincing"))
                    .post("/api/v1/assessments/" + c.id() + "/items/" + c.itemId() + "/waiver/refuse")),
            new Call("GET", "/api/v1/assessments/waiver-requests", Operation.DECIDE_WAIVER, c -> Fixtures.as(c.user())
                    .get("/api/v1/assessments/waiver-requests")),
            new Call("GET", "/api/v1/assessments/{id}/members", Operation.MANAGE_MEMBERS, c -> Fixtures.as(c.user())
                    .get("/api/v1/assessments/" + c.id() + "/members")),
            new Call("PUT", "/api/v1/assessments/{id}/members", Operation.MANAGE_MEMBERS, c -> Fixtures.as(c.user()).contentType(ContentType.JSON)
                    .body(Map.of("members", List.of(Fixtures.VIEWER))).put("/api/v1/assessments/" + c.id() + "/members")),
            new Call("POST", "/api/v1/assessments/{id}/items/{itemId}/attachments", Operation.UPLOAD_ATTACHMENT, c -> Fixtures.as(c.user())
                    .contentType("application/octet-stream").queryParam("filename", "notes.txt").body("evidence text".getBytes())
                    .post("/api/v1/assessments/" + c.id() + "/items/" + c.itemId() + "/attachments")),
            new Call("GET", "/api/v1/assessments/{id}/items/{itemId}/attachments/{attachmentId}", Operation.DOWNLOAD_ATTACHMENT, c -> Fixtures.as(c.user())
                    .get("/api/v1/assessments/" + c.id() + "/items/" + c.itemId() + "/attachments/" + c.attachmentId())),
            new Call("GET", "/api/v1/assessments/{id}/items/{itemId}/history", Operation.VIEW_HISTORY, c -> Fixtures.as(c.user())
                    .get("/api/v1/assessments/" + c.id() + "/items/" + c.itemId() + "/history")),
            new Call("GET", "/api/v1/assessments/{id}/history", Operation.VIEW_HISTORY, c -> Fixtures.as(c.user()).get("/api/v1/assessments/" + c.id() + "/history")),
            new Call("GET", "/api/v1/assessments/{id}/hosts", Operation.VIEW_LINKED_HOSTS, c -> Fixtures.as(c.user())
                    .get("/api/v1/assessments/" + c.id() + "/hosts")),
            new Call("PUT", "/api/v1/assessments/{id}/hosts", Operation.LINK_HOSTS, c -> Fixtures.as(c.user()).contentType(ContentType.JSON)
                    .body(Map.of("hostIds", List.of())).put("/api/v1/assessments/" + c.id() + "/hosts")),
            new Call("GET", "/api/v1/assessments/{id}/items/{itemId}/probe-evidence", Operation.VIEW_PROBE_EVIDENCE, c -> Fixtures.as(c.user())
                    .get("/api/v1/assessments/" + c.id() + "/items/" + c.itemId() + "/probe-evidence")),
            new Call("POST", "/api/v1/assessments/{id}/items/{itemId}/probe-evidence", Operation.DECIDE_PROBE_EVIDENCE, c -> {
                String path = "/api/v1/assessments/" + c.id() + "/items/" + c.itemId() + "/probe-evidence";
                String fingerprint = Fixtures.as(Fixtures.ADMIN).get(path).then().statusCode(200).extract().path("fingerprint");
                return Fixtures.as(c.user()).contentType(ContentType.JSON).body(Map.of("decision", "override", "result", "satisfied",
                        "reason", "checked by hand", "fingerprint", fingerprint, "version", c.itemVersion())).post(path);
            }),
            new Call("GET", "/api/v1/assessments/{id}/oscal/assessment-results", Operation.LIST_ITEMS, c -> Fixtures.as(c.user())
                    .get("/api/v1/assessments/" + c.id() + "/oscal/assessment-results")),
            new Call("GET", "/api/v1/assessments/{id}/checklist.csv", Operation.LIST_ITEMS, c -> Fixtures.as(c.user())
                    .get("/api/v1/assessments/" + c.id() + "/checklist.csv")),
            new Call("GET", "/api/v1/assessments/{id}/checklist.cklb", Operation.LIST_ITEMS, c -> {
                // a checklist needs SRG requirements in scope (422 otherwise): this call's own assessment has one
                long srg = ((Number) Fixtures.as(Fixtures.ADMIN).contentType(ContentType.JSON).body(Map.of("name", "policy cklb", "target", "t",
                        "scope", Map.of("requirements", List.of("disa-srg:srg-app-000342-ctr-000775")), "assessors", List.of(Fixtures.ASSESSOR)))
                        .post("/api/v1/assessments").then().statusCode(201).extract().path("id")).longValue();
                // the same people as the call's assessment: its assessor, and the viewer as a member
                Fixtures.as(Fixtures.ADMIN).contentType(ContentType.JSON).body(Map.of("members", List.of(Fixtures.VIEWER)))
                        .put("/api/v1/assessments/" + srg + "/members").then().statusCode(200);
                return Fixtures.as(c.user()).get("/api/v1/assessments/" + srg + "/checklist.cklb");
            }),
            new Call("GET", "/api/v1/assessments/{id}/controls", Operation.VIEW_ASSESSMENT, c -> Fixtures.as(c.user())
                    .get("/api/v1/assessments/" + c.id() + "/controls")),
            new Call("GET", "/api/v1/users", Operation.LIST_USERS, c -> Fixtures.as(c.user()).get("/api/v1/users")),
            new Call("POST", "/api/v1/users", Operation.CREATE_USER, c -> Fixtures.as(c.user()).contentType(ContentType.JSON)
                    .body(Map.of("username", "new-" + System.nanoTime(), "password", "a-long-password-1", "roles", List.of("viewer")))
                    .post("/api/v1/users")),
            new Call("PUT", "/api/v1/users/{userId}/roles", Operation.CHANGE_ROLES, c -> Fixtures.as(c.user()).contentType(ContentType.JSON)
                    .body(Map.of("roles", List.of("assessor"))).put("/api/v1/users/" + throwawayUser() + "/roles")),
            new Call("POST", "/api/v1/users/{userId}/disable", Operation.DISABLE_USER, c -> Fixtures.as(c.user()).contentType(ContentType.JSON)
                    .body("{}").post("/api/v1/users/" + throwawayUser() + "/disable")),
            new Call("POST", "/api/v1/users/{userId}/enable", Operation.DISABLE_USER, c -> Fixtures.as(c.user()).contentType(ContentType.JSON)
                    .body("{}").post("/api/v1/users/" + throwawayUser() + "/enable")),
            new Call("POST", "/api/v1/users/{userId}/password-reset", Operation.RESET_PASSWORD, c -> Fixtures.as(c.user())
                    .contentType(ContentType.JSON).body(Map.of("temporaryPassword", "temporary-password-1"))
                    .post("/api/v1/users/" + throwawayUser() + "/password-reset")),
            // the own password: changed and changed back, so the fixture accounts keep theirs
            new Call("PUT", "/api/v1/account/password", Operation.CHANGE_OWN_PASSWORD, c -> {
                String current = Fixtures.ADMIN.equals(c.user()) ? Fixtures.ADMIN_PASSWORD : Fixtures.PASSWORD;
                Response r = Fixtures.as(c.user()).contentType(ContentType.JSON)
                        .body(Map.of("currentPassword", current, "newPassword", "an-interim-password-1")).put("/api/v1/account/password");
                if (r.statusCode() == 200) {
                    given().auth().preemptive().basic(c.user(), "an-interim-password-1").contentType(ContentType.JSON)
                            .body(Map.of("currentPassword", "an-interim-password-1", "newPassword", current)).put("/api/v1/account/password")
                            .then().statusCode(200);
                }
                return r;
            }),
            new Call("GET", "/api/v1/admin/audit", Operation.VIEW_AUDIT, c -> Fixtures.as(c.user()).get("/api/v1/admin/audit")));

    /** The assessor requests a waiver on the item; returns the item version after it. */
    private static long requestedWaiver(Ctx c) {
        return ((Number) Fixtures.as(Fixtures.ASSESSOR).contentType(ContentType.JSON)
                .body(Map.of("version", c.itemVersion(), "reason", "legacy nodes", "expires", "2099-01-01"))
                .put("/api/v1/assessments/" + c.id() + "/items/" + c.itemId() + "/waiver").then().statusCode(200)
                .extract().path("version")).longValue();
    }

    private static long throwawayUser() {
        return ((Number) Fixtures.as(Fixtures.ADMIN).contentType(ContentType.JSON)
                .body(Map.of("username", "throwaway-" + System.nanoTime(), "password", "a-long-password-1", "roles", List.of("viewer")))
                .post("/api/v1/users").then().statusCode(201).extract().path("id")).longValue();
    }

    /**
     * Who calls: null is anonymous; the assessor is assigned to the fixture assessment, the other is not; the viewer is
     * granted read access to it, the other viewer is not; an API token
     * (role api-read) is added before each test.
     */
    static final Map<String, Set<String>> SUBJECTS = new LinkedHashMap<>();

    static {
        SUBJECTS.put(Fixtures.VIEWER, Set.of(Roles.VIEWER));
        SUBJECTS.put(Fixtures.ASSESSOR, Set.of(Roles.ASSESSOR));
        SUBJECTS.put(Fixtures.OTHER_ASSESSOR, Set.of(Roles.ASSESSOR));
        SUBJECTS.put(Fixtures.OTHER_VIEWER, Set.of(Roles.VIEWER));
        SUBJECTS.put(Fixtures.ADMIN, Set.of(Roles.ADMIN));
    }

    @BeforeEach
    void users() {
        fixtures.users();
        SUBJECTS.entrySet().removeIf(e -> e.getKey().startsWith("cakb_api_"));
        SUBJECTS.put(Fixtures.apiToken("policy-test"), Set.of(Roles.API_READ));
    }

    @Test
    void everyEndpointHasAPolicyAndACallHere() {
        Set<String> declared = new TreeSet<>();
        for (Class<?> resource : List.of(AssessmentResource.class, UserResource.class, AssessmentExportResource.class, AuditResource.class,
                org.cakb.assessment.AssessmentControlsResource.class)) {
            assertTrue(resource.isAnnotationPresent(Guarded.class), resource + " must be @Guarded");
            String base = resource.getAnnotation(Path.class).value();
            for (Method m : resource.getDeclaredMethods()) {
                String http = m.isAnnotationPresent(GET.class) ? "GET" : m.isAnnotationPresent(POST.class) ? "POST"
                        : m.isAnnotationPresent(PUT.class) ? "PUT" : m.isAnnotationPresent(DELETE.class) ? "DELETE" : null;
                if (http == null) {
                    continue;
                }
                Policy policy = m.getAnnotation(Policy.class);
                if (policy == null) {
                    fail(resource.getSimpleName() + "." + m.getName() + " has no @Policy");
                }
                Path sub = m.getAnnotation(Path.class);
                String key = http + " " + base + (sub == null ? "" : sub.value()) + " " + policy.value();
                declared.add(key);
            }
        }
        Set<String> called = new TreeSet<>();
        CALLS.forEach(c -> called.add(c.method() + " " + c.path() + " " + c.operation()));
        assertEquals(declared, called, "every endpoint (with its declared operation) needs exactly one call in CALLS");
        Set<Operation> covered = new TreeSet<>();
        CALLS.forEach(c -> covered.add(c.operation()));
        for (AccessPolicy.Rule rule : AccessPolicy.TABLE) {
            assertTrue(covered.contains(rule.operation()), "no endpoint exercises " + rule.operation());
        }
    }

    @Test
    void everyRoleOnEveryEndpointGetsWhatTheTableSays() {
        List<String> failures = new ArrayList<>();
        for (Call call : CALLS) {
            AccessPolicy.Rule rule = AccessPolicy.rule(call.operation());
            // anonymous: 401 everywhere
            check(failures, call, null, 401);
            for (Map.Entry<String, Set<String>> subject : SUBJECTS.entrySet()) {
                String user = subject.getKey();
                boolean assigned = user.equals(Fixtures.ASSESSOR);
                boolean member = assigned || user.equals(Fixtures.VIEWER);   // the fixture grants the viewer read access
                boolean allowed = AccessPolicy.allows(call.operation(), subject.getValue(), assigned, member);
                // a caller who may not even read the assessment is told it does not exist (404), unless the role is denied outright
                boolean hidden = !member && call.path().contains("{id}") && AccessPolicy.grant(call.operation(), subject.getValue()) != AccessPolicy.Grant.DENY
                        && AccessPolicy.grant(Operation.VIEW_ASSESSMENT, subject.getValue()) != AccessPolicy.Grant.ALLOW;
                check(failures, call, user, allowed ? 200 : hidden ? 404 : 403);
            }
            assertTrue(rule != null);
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " policy mismatch(es):\n" + String.join("\n", failures));
        }
    }

    private void check(List<String> failures, Call call, String user, int expected) {
        AssessmentViews.Detail a = fixtures.assessment("policy " + call.operation());
        AssessmentViews.Item item = fixtures.items(a.id()).get(0);
        long attachmentId = fixtures.attachment(a.id(), item.id());
        a = call.operation() == Operation.REOPEN_ASSESSMENT ? fixtures.complete(a.id()) : fixtures.detail(a.id());
        item = fixtures.items(a.id()).get(0);
        Response r = call.send().apply(new Ctx(user, a.id(), item.id(), item.version(), a.version(), attachmentId));
        int status = r.statusCode();
        boolean ok = expected == 200 ? status >= 200 && status < 300 : status == expected;
        if (!ok) {
            failures.add(call.method() + " " + call.path() + " as " + (user == null ? "anonymous" : user) + ": expected "
                    + expected + ", got " + status + " " + r.asString());
        }
    }
}
