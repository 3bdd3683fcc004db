package org.cakb.resilience;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.cakb.assessment.AssessmentViews;
import org.cakb.assessment.Fixtures;
import org.cakb.security.EndpointPolicy;
import org.cakb.security.EndpointPolicy.Caller;
import org.cakb.testing.FastAdmin;
import org.cakb.testing.FleetFixture;
import org.cakb.testing.PageSession;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every endpoint in the OpenAPI document × every kind of caller, against {@link EndpointPolicy}: a caller the table
 * allows must get past authorization (any answer but 401, 403 or the login redirect), a caller it does not allow
 * must be refused. An endpoint without a row, or a row without an endpoint, fails too.
 */
@QuarkusTest
class AuthorizationMatrixTest {

    static final List<String> METHODS = List.of("get", "post", "put", "delete", "patch");

    @Inject
    Fixtures fixtures;

    private long assessmentId;
    private long itemId;
    private long attachmentId;
    private long hostId;
    private long victimUserId;
    private final Map<Caller, String> bearer = new EnumMap<>(Caller.class);
    private final Map<Caller, PageSession> sessions = new EnumMap<>(Caller.class);
    private final Map<Caller, String> personalTokens = new EnumMap<>(Caller.class);

    @Test
    void everyEndpointAnswersEveryCallerAsThePolicyTableSays() {
        List<String[]> endpoints = endpoints();
        List<String> problems = new ArrayList<>();
        TreeSet<String> served = new TreeSet<>();
        for (String[] e : endpoints) {
            served.add(e[0] + " " + e[1]);
            if (EndpointPolicy.find(e[0], e[1]) == null) {
                problems.add("no policy row for " + e[0] + " " + e[1]);
            }
        }
        for (EndpointPolicy.Rule rule : EndpointPolicy.TABLE) {
            if (!served.contains(rule.method() + " " + rule.path())) {
                problems.add("policy row for an endpoint the application does not serve: " + rule.method() + " " + rule.path());
            }
        }
        prepare();
        int checks = 0;
        for (String[] e : endpoints) {
            EndpointPolicy.Rule rule = EndpointPolicy.find(e[0], e[1]);
            if (rule == null) {
                continue;
            }
            for (Caller caller : Caller.values()) {
                checks++;
                // an admin's empty assignment form unassigns everybody: assign the assessor again before each call
                fixtures.service().assign(assessmentId, new AssessmentViews.Assignment(List.of(Fixtures.ASSESSOR)), Fixtures.ADMIN);
                Response r = call(caller, e[0], e[1]);
                boolean refused = refused(r);
                if (refused == rule.allows(caller)) {
                    problems.add(e[0] + " " + e[1] + " as " + caller + ": policy says " + (rule.allows(caller) ? "allowed" : "refused")
                            + " but got " + r.statusCode() + (r.header("Location") == null ? "" : " -> " + r.header("Location"))
                            + " " + r.asString().replaceAll("\\s+", " ").substring(0, Math.min(160, r.asString().replaceAll("\\s+", " ").length())));
                }
            }
        }
        // personal access tokens act as their owner: on the API each person's token gets the owner's answers
        for (String[] e : endpoints) {
            EndpointPolicy.Rule rule = EndpointPolicy.find(e[0], e[1]);
            if (rule == null || !e[1].startsWith("/api/")) {
                continue;
            }
            for (Caller caller : List.of(Caller.VIEWER, Caller.ASSESSOR, Caller.ADMIN)) {
                checks++;
                fixtures.service().assign(assessmentId, new AssessmentViews.Assignment(List.of(Fixtures.ASSESSOR)), Fixtures.ADMIN);
                Response r = callWithPersonalToken(caller, e[0], e[1]);
                // a token cannot mint tokens (only the password can): the one deliberate refusal of an allowed caller
                boolean expectAllowed = rule.allows(caller) && !(e[0].equals("POST") && e[1].equals("/api/v1/me/tokens"));
                if (refused(r) == expectAllowed) {
                    problems.add(e[0] + " " + e[1] + " with a personal access token of " + caller + ": expected "
                            + (expectAllowed ? "allowed" : "refused") + " but got " + r.statusCode() + " "
                            + collapsed(r));
                }
            }
        }
        System.out.println("AuthorizationMatrixTest: " + endpoints.size() + " endpoints x " + Caller.values().length + " callers = "
                + checks + " checks, " + problems.size() + " mismatches");
        problems.forEach(p -> System.out.println("  MISMATCH " + p));
        assertTrue(endpoints.size() >= 60, "the OpenAPI document lists only " + endpoints.size() + " endpoints");
        assertEquals(List.of(), problems);
    }

    /** (METHOD, path template) of every operation in the OpenAPI document, plus the policy table's /q rows. */
    private static List<String[]> endpoints() {
        Map<String, Map<String, Object>> paths = JsonPath.from(given().accept(ContentType.JSON).get("/q/openapi?format=json").asString())
                .getMap("paths");
        List<String[]> out = new ArrayList<>();
        paths.forEach((path, operations) -> operations.keySet().stream().filter(METHODS::contains)
                .forEach(m -> out.add(new String[]{m.toUpperCase(), path})));
        // operational endpoints under /q are not in the OpenAPI document: their rows are checked all the same
        EndpointPolicy.TABLE.stream().filter(r -> r.path().startsWith("/q/")).forEach(r -> out.add(new String[]{r.method(), r.path()}));
        return out;
    }

    private void prepare() {
        fixtures.users();
        FastAdmin.ensure();
        AssessmentViews.Detail a = fixtures.assessment("authorization matrix");
        assessmentId = a.id();
        itemId = fixtures.items(assessmentId).get(0).id();
        attachmentId = fixtures.attachment(assessmentId, itemId);
        hostId = FleetFixture.registerHost("authz-host");
        // account actions (disable, roles, password reset) act on a user none of the callers signs in as
        victimUserId = ((Number) given().auth().preemptive().basic(FastAdmin.USERNAME, FastAdmin.PASSWORD).contentType(ContentType.JSON)
                .body("{\"username\": \"authz-victim\", \"password\": \"authz-victim-password\", \"roles\": [\"viewer\"]}")
                .post("/api/v1/users").then().statusCode(201).extract().path("id")).longValue();
        bearer.put(Caller.AGENT, FleetFixture.enrolledAgent("authz-agent-host"));
        bearer.put(Caller.API_TOKEN, given().auth().preemptive().basic(Fixtures.ADMIN, Fixtures.ADMIN_PASSWORD).contentType(ContentType.JSON)
                .body("{\"name\": \"authz-matrix\"}").post("/api/v1/admin/api-tokens").then().statusCode(201).extract().path("token"));
        for (Caller person : List.of(Caller.VIEWER, Caller.ASSESSOR, Caller.ADMIN)) {
            personalTokens.put(person, given().auth().preemptive().basic(username(person), person == Caller.ADMIN ? FastAdmin.PASSWORD : Fixtures.PASSWORD)
                    .contentType(ContentType.JSON).body("{\"name\": \"authz-matrix\", \"expiresAt\": \""
                            + java.time.OffsetDateTime.now().plusDays(1) + "\"}")
                    .post("/api/v1/me/tokens").then().statusCode(201).extract().path("token"));
        }
        String item = "/assessments/" + assessmentId + "/items/" + itemId;
        sessions.put(Caller.VIEWER, PageSession.login(Fixtures.VIEWER, Fixtures.PASSWORD).tokenFrom(item));
        sessions.put(Caller.ASSESSOR, PageSession.login(Fixtures.ASSESSOR, Fixtures.PASSWORD).tokenFrom(item));
        sessions.put(Caller.ADMIN, PageSession.login(FastAdmin.USERNAME, FastAdmin.PASSWORD).tokenFrom("/admin/users"));
    }

    private String concrete(String path) {
        String threat = "threat:container-to-host-escape";
        if (path.contains("{userId}")) {
            return path.replace("{userId}", String.valueOf(victimUserId));
        }
        if (path.contains("/api-tokens/")) {
            long tokenId = ((Number) given().auth().preemptive().basic(Fixtures.ADMIN, Fixtures.ADMIN_PASSWORD).contentType(ContentType.JSON)
                    .body("{\"name\": \"authz-revocable\"}").post("/api/v1/admin/api-tokens").then().statusCode(201).extract().path("id"))
                    .longValue();
            return path.replace("{id}", String.valueOf(tokenId));
        }
        if (path.contains("/webhooks/")) {
            long webhookId = ((Number) given().auth().preemptive().basic(FastAdmin.USERNAME, FastAdmin.PASSWORD).contentType(ContentType.JSON)
                    .body("{\"url\": \"http://127.0.0.1:9/authz\"}").post("/api/v1/admin/webhooks").then().statusCode(201)
                    .extract().path("webhook.id")).longValue();
            return path.replace("{id}", String.valueOf(webhookId));
        }
        if (path.contains("/hosts/")) {
            return path.replace("{id}", String.valueOf(hostId)).replace("{reportId}", "00000000-0000-4000-8000-000000000000")
                    .replace("{containerId}", "0");
        }
        if (path.contains("/containers/")) {
            return path.replace("{id}", "0");
        }
        if (path.contains("assessments/")) {
            return path.replace("{id}", String.valueOf(assessmentId)).replace("{itemId}", String.valueOf(itemId))
                    .replace("{attachmentId}", String.valueOf(attachmentId));
        }
        return path.replace("{kind}", "threats").replace("{id}", threat);
    }

    /** An API call as the person, authenticated with their personal access token instead of the password. */
    private Response callWithPersonalToken(Caller person, String method, String template) {
        String path = concrete(template);
        RequestSpecification spec = given().redirects().follow(false).header("Authorization", "Bearer " + personalTokens.get(person));
        if (!method.equals("GET") && !method.equals("DELETE")) {
            String body = template.equals("/api/v1/agent/enroll")
                    ? "{\"token\": \"" + FleetFixture.issueToken(hostId, 1) + "\"}" : "{}";
            spec = spec.contentType(ContentType.JSON).body(body);
        }
        return spec.request(method, path);
    }

    private Response call(Caller caller, String method, String template) {
        String path = concrete(template);
        boolean api = path.startsWith("/api/");
        RequestSpecification spec = given().redirects().follow(false);
        PageSession session = sessions.get(caller);
        if (caller == Caller.AGENT || caller == Caller.API_TOKEN) {
            spec = spec.header("Authorization", "Bearer " + bearer.get(caller));
        } else if (session != null && api) {
            spec = spec.auth().preemptive().basic(username(caller), caller == Caller.ADMIN ? FastAdmin.PASSWORD : Fixtures.PASSWORD);
        } else if (session != null) {
            spec = spec.cookies(session.cookies);
        }
        if (!method.equals("GET") && !method.equals("DELETE")) {
            if (api) {
                String body = template.equals("/api/v1/agent/enroll")
                        ? "{\"token\": \"" + FleetFixture.issueToken(hostId, 1) + "\"}" : "{}";
                spec = spec.contentType(ContentType.JSON).body(body);
            } else if (path.endsWith("/attachments")) {
                spec = spec.multiPart("csrf-token", session == null ? "none" : session.csrfToken)
                        .multiPart("file", "authz.txt", "authorization matrix".getBytes(), "text/plain");
            } else {
                spec = spec.contentType(ContentType.URLENC).body(session == null ? "x=1" : "csrf-token=" + session.csrfToken);
            }
        }
        Response r = spec.request(method, path);
        if (template.equals("/logout") && session != null) {
            // logout ends every session of the account (session epoch): sign that caller in again for the next rows
            sessions.put(caller, PageSession.login(username(caller), caller == Caller.ADMIN ? FastAdmin.PASSWORD : Fixtures.PASSWORD)
                    .tokenFrom(caller == Caller.ADMIN ? "/admin/users" : "/assessments/" + assessmentId + "/items/" + itemId));
        }
        return r;
    }

    private static String username(Caller caller) {
        return switch (caller) {
            case VIEWER -> Fixtures.VIEWER;
            case ASSESSOR -> Fixtures.ASSESSOR;
            default -> FastAdmin.USERNAME;
        };
    }

    private static String collapsed(Response r) {
        String text = r.asString().replaceAll("\\s+", " ");
        return text.substring(0, Math.min(160, text.length()));
    }

    /** Refused by authorization: 401, 403, or the redirect to the login page (a logout's own redirect says "loggedout"). */
    private static boolean refused(Response r) {
        String location = r.header("Location");
        return r.statusCode() == 401 || r.statusCode() == 403
                || (r.statusCode() == 302 && location != null && location.contains("/login") && !location.contains("loggedout"));
    }
}
