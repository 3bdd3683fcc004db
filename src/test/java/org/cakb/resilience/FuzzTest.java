package org.cakb.resilience;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.cakb.assessment.AssessmentViews;
import org.cakb.assessment.Fixtures;
import org.cakb.catalog.ContentException;
import org.cakb.catalog.ContentLoader;
import org.cakb.testing.ContentFixture;
import org.cakb.testing.Database;
import org.cakb.testing.FastAdmin;
import org.cakb.testing.FleetFixture;
import org.cakb.testing.HostileInput;
import org.cakb.testing.PageSession;
import org.cakb.testing.RawHttp;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile input against every endpoint that accepts input: JSON API bodies, agent enrollment and reports, page forms
 * (login, checklist and admin forms, uploads), query parameters and path ids, and content files through the loader.
 * Seeded, so every run sends the same cases. For each case: no 5xx, a refusal explains itself (JSON body with a
 * message under /api, an HTML page for pages), and a refused request leaves every table exactly as it was.
 */
@QuarkusTest
class FuzzTest {

    static final long SEED = 20261123L;
    static final int MIN_CASES = 1000;

    @Inject
    Database db;
    @Inject
    Fixtures fixtures;
    @Inject
    ContentLoader loader;

    private final List<String> failures = new ArrayList<>();
    private int cases;
    private Map<String, String> tables;

    private HostileInput in;
    private long assessmentId;
    private long itemId;
    private long itemVersion;
    private long assessmentVersion;
    private long victimHost;
    private String agentCredential;
    private PageSession assessorPages;
    private PageSession adminPages;
    /** Its own account: wrong current passwords on the password form delay that account's sign-ins (throttle). */
    private PageSession passwordChangerPages;
    private long victimUser;
    private long rotatableToken;
    private long webhook;

    /** A JSON endpoint with a valid body as ordered fields (values JSON-encoded); {id}, {item}, {host} are filled in. */
    record JsonTarget(String method, String path, String who, Map<String, String> fields) {
    }

    /** A page form with valid fields. */
    record FormTarget(String path, String who, Map<String, String> fields) {
    }

    @Test
    void hostileInputIsRefusedCleanlyAndNothingIsHalfWritten() {
        try {
            sendEverything();
        } finally {
            report();
        }
    }

    private void sendEverything() {
        prepare();
        String catalog = db.catalogFingerprint();
        for (int i = 0; i < 620; i++) {
            jsonCase(in.pick(jsonTargets()));
        }
        for (int i = 0; i < 40; i++) {
            rawUploadCase();
        }
        for (int i = 0; i < 300; i++) {
            formCase(in.pick(formTargets()));
        }
        for (int i = 0; i < 30; i++) {
            multipartCase();
        }
        for (int i = 0; i < 160; i++) {
            readCase();
        }
        hugeBodies();
        for (int i = 0; i < 40; i++) {
            forgeableCase();
        }
        if (!catalog.equals(db.catalogFingerprint())) {
            failures.add("the knowledge-base tables changed during the HTTP cases");
        }
        contentFiles(60);
    }

    private void prepare() {
        in = new HostileInput(SEED);
        fixtures.users();
        FastAdmin.ensure();
        AssessmentViews.Detail a = fixtures.assessment("fuzz target");
        assessmentId = a.id();
        assessmentVersion = a.version();
        AssessmentViews.Item item = fixtures.items(assessmentId).get(0);
        itemId = item.id();
        itemVersion = item.version();
        agentCredential = FleetFixture.enrolledAgent("fuzz-agent-host");
        victimHost = FleetFixture.registerHost("fuzz-victim-host");
        assessorPages = PageSession.login(Fixtures.ASSESSOR, Fixtures.PASSWORD).tokenFrom("/assessments/" + assessmentId + "/items/" + itemId);
        adminPages = PageSession.login(FastAdmin.USERNAME, FastAdmin.PASSWORD).tokenFrom("/admin/users");
        victimUser = ((Number) given().auth().preemptive().basic(FastAdmin.USERNAME, FastAdmin.PASSWORD).contentType("application/json")
                .body("{\"username\": \"fuzz-victim\", \"password\": \"fuzz-victim-password\", \"roles\": [\"viewer\"]}")
                .post("/api/v1/users").then().statusCode(201).extract().path("id")).longValue();
        given().auth().preemptive().basic(FastAdmin.USERNAME, FastAdmin.PASSWORD).contentType("application/json")
                .body("{\"username\": \"fuzz-self\", \"password\": \"fuzz-self-password\", \"roles\": [\"viewer\"]}")
                .post("/api/v1/users").then().statusCode(201);
        given().auth().preemptive().basic(FastAdmin.USERNAME, FastAdmin.PASSWORD).contentType("application/json")
                .body("{\"username\": \"fuzz-pw\", \"password\": \"fuzz-pw-password\", \"roles\": [\"viewer\"]}")
                .post("/api/v1/users").then().statusCode(201);
        passwordChangerPages = PageSession.login("fuzz-pw", "fuzz-pw-password").tokenFrom("/account/password");
        rotatableToken = ((Number) given().auth().preemptive().basic(FastAdmin.USERNAME, FastAdmin.PASSWORD).contentType("application/json")
                .body("{\"name\": \"fuzz-rotate\"}").post("/api/v1/admin/api-tokens").then().statusCode(201).extract().path("id")).longValue();
        webhook = ((Number) given().auth().preemptive().basic(FastAdmin.USERNAME, FastAdmin.PASSWORD).contentType("application/json")
                .body("{\"url\": \"https://siem.example/fuzz\"}").post("/api/v1/admin/webhooks").then().statusCode(201)
                .extract().path("webhook.id")).longValue();
        tables = db.everyTableFingerprint(false);
    }

    // ---------------------------------------------------------------- targets

    private List<JsonTarget> jsonTargets() {
        String v = String.valueOf(assessmentVersion), iv = String.valueOf(itemVersion);
        return List.of(
                new JsonTarget("POST", "/api/v1/hosts", "admin", fields("name", "\"fuzz-h\"", "description", "\"d\"", "labels", "{\"env\":\"t\"}")),
                new JsonTarget("POST", "/api/v1/hosts/{host}/enrollment-tokens", "admin", fields("lifetimeHours", "1")),
                new JsonTarget("POST", "/api/v1/hosts/{host}/revoke", "admin", fields()),
                new JsonTarget("POST", "/api/v1/agent/enroll", null, fields("token", "\"cakb_enroll_x\"")),
                new JsonTarget("POST", "/api/v1/agent/reports", "agent", reportFields()),
                new JsonTarget("POST", "/api/v1/agent/reports", "agent", report2Fields()),
                new JsonTarget("POST", "/api/v1/assessments", "admin", fields("name", "\"fuzz\"", "target", "\"t\"",
                        "targetLabels", "{\"env\":\"x\"}", "scope", "{\"requirements\":[\"nistir8176:req/a2-no-new-privs\"]}",
                        "startDate", "\"2026-01-01\"", "assessors", "[\"" + Fixtures.ASSESSOR + "\"]")),
                new JsonTarget("PUT", "/api/v1/assessments/{id}", "admin", fields("version", v, "name", "\"n\"", "target", "\"t\"",
                        "dueDate", "\"2027-01-01\"")),
                new JsonTarget("POST", "/api/v1/assessments/{id}/status", "assessor", fields("version", v, "status", "\"draft\"")),
                new JsonTarget("POST", "/api/v1/assessments/{id}/reopen", "admin", fields("version", v, "reason", "\"r\"")),
                new JsonTarget("PUT", "/api/v1/assessments/{id}/assessors", "admin", fields("assessors", "[\"" + Fixtures.ASSESSOR + "\"]")),
                new JsonTarget("PUT", "/api/v1/assessments/{id}/items/{item}", "assessor", fields("version", iv, "result", "\"satisfied\"",
                        "justification", "\"j\"", "evidenceText", "\"e\"", "evidenceLinks", "[\"https://evidence.example/a\"]")),
                new JsonTarget("PUT", "/api/v1/assessments/{id}/items/{item}/waiver", "assessor", fields("version", iv, "reason", "\"r\"",
                        "compensatingControls", "\"segmented network\"", "expires", "\"2030-01-01\"")),
                new JsonTarget("POST", "/api/v1/assessments/{id}/items/{item}/waiver/approve", "admin", fields("version", iv, "note", "\"ok\"")),
                new JsonTarget("POST", "/api/v1/assessments/{id}/items/{item}/waiver/refuse", "admin", fields("version", iv, "note", "\"no\"")),
                new JsonTarget("PUT", "/api/v1/assessments/{id}/members", "admin", fields("members", "[\"" + Fixtures.VIEWER + "\"]")),
                new JsonTarget("POST", "/api/v1/admin/webhooks", "admin", fields("url", "\"https://siem.example/hook\"",
                        "description", "\"SOC\"")),
                new JsonTarget("POST", "/api/v1/admin/webhooks/{webhook}/disable", "admin", fields()),
                new JsonTarget("DELETE", "/api/v1/assessments/{id}/items/{item}/waiver?version=" + iv, "assessor", fields()),
                new JsonTarget("PUT", "/api/v1/assessments/{id}/hosts", "admin", fields("hostIds", "[" + victimHost + "]")),
                new JsonTarget("POST", "/api/v1/assessments/{id}/items/{item}/probe-evidence", "assessor", fields("decision", "\"override\"",
                        "result", "\"satisfied\"", "reason", "\"checked by hand\"", "fingerprint", "\"0\"", "version", iv)),
                new JsonTarget("POST", "/api/v1/users", "admin", fields("username", "\"fuzz-user\"", "password", "\"long-enough-password\"",
                        "roles", "[\"viewer\"]")),
                new JsonTarget("POST", "/api/v1/admin/api-tokens", "admin", fields("name", "\"fuzz\"", "expiresAt", "\"2027-01-01T00:00:00Z\"")),
                new JsonTarget("POST", "/api/v1/me/tokens", "assessor", fields("name", "\"fuzz\"", "scope", "\"read\"",
                        "expiresAt", "\"" + java.time.OffsetDateTime.now().plusDays(30) + "\"")),
                new JsonTarget("POST", "/api/v1/admin/api-tokens/{token}/rotate", "admin", fields()),
                new JsonTarget("PUT", "/api/v1/users/{user}/roles", "admin", fields("roles", "[\"viewer\"]")),
                new JsonTarget("POST", "/api/v1/users/{user}/disable", "admin", fields()),
                new JsonTarget("POST", "/api/v1/users/{user}/enable", "admin", fields()),
                new JsonTarget("POST", "/api/v1/users/{user}/password-reset", "admin", fields("temporaryPassword", "\"temporary-password-1\"")),
                // always the wrong current password: a fuzz case must never really change a password
                new JsonTarget("PUT", "/api/v1/account/password", "self", fields("currentPassword", "\"not-the-password\"",
                        "newPassword", "\"a-new-password-123\"")),
                new JsonTarget("POST", "/api/v1/agent/credential/rotate", "agent", fields()),
                new JsonTarget("POST", "/api/v1/admin/measured-defaults", "admin", fields("measurementId", "\"" + UUID.nameUUIDFromBytes(new byte[]{1}) + "\"",
                        "runtime", "\"docker\"", "runtimeVersion", "\"27.0\"", "results", "[]")));
    }

    private Map<String, String> reportFields() {
        String now = "\"2026-11-23T10:00:00Z\"";
        return fields("reportId", "\"" + new UUID(in.random().nextLong(), in.random().nextLong()) + "\"", "agent", "\"cakb-agent\"",
                "agentVersion", "\"0.1.0\"", "startedAt", now, "finishedAt", now, "bundle", "\"test\"",
                "system", "{\"hostname\":\"web-1\",\"kernel\":\"6.1.0\",\"osRelease\":\"Debian\"}",
                "environment", "{\"vantage\":\"container\",\"runtime\":\"docker\"}",
                "results", "[{\"id\":\"probe:caps/no-cap-sys-admin\",\"verifies\":[\"cm:no-cap-sys-admin\"],\"status\":\"pass\","
                        + "\"observed\":\"o\",\"expected\":\"e\",\"explanation\":\"x\"}]");
    }

    /** Format 2: containers, and a delta base the server does not hold. */
    private Map<String, String> report2Fields() {
        Map<String, String> fields = new java.util.LinkedHashMap<>(reportFields());
        fields.put("format", "2");
        fields.put("results", "[]");
        fields.put("containers", "[{\"id\":\"" + "c".repeat(64) + "\",\"name\":\"web\",\"runtime\":\"docker\",\"image\":\"i\","
                + "\"pid\":42,\"cgroup\":\"/docker/x\",\"results\":[{\"id\":\"probe:caps/no-cap-sys-admin\",\"verifies\":[],"
                + "\"status\":\"fail\",\"observed\":\"o\",\"expected\":\"e\",\"explanation\":\"x\"}]}]");
        if (in.random().nextBoolean()) {
            fields.put("baseReportId", "\"" + new UUID(in.random().nextLong(), in.random().nextLong()) + "\"");
        }
        return fields;
    }

    private List<FormTarget> formTargets() {
        String v = String.valueOf(assessmentVersion), iv = String.valueOf(itemVersion);
        return List.of(
                new FormTarget("/j_security_check", null, fields("j_username", "fuzz-nobody", "j_password", "wrong-password")),
                new FormTarget("/assessments/{id}/status", "assessor", fields("version", v, "status", "in-progress")),
                new FormTarget("/assessments/{id}/reopen", "admin", fields("version", v, "reason", "r")),
                new FormTarget("/assessments/{id}/items/{item}", "assessor", fields("version", iv, "result", "satisfied",
                        "justification", "j", "evidenceText", "e", "evidenceLinks", "https://evidence.example/a")),
                new FormTarget("/assessments/{id}/items/{item}/waiver", "assessor", fields("version", iv, "reason", "r", "controls", "c",
                        "expires", "2030-01-01")),
                new FormTarget("/assessments/{id}/items/{item}/waiver/decision", "admin", fields("version", iv, "decision", "approve",
                        "note", "n")),
                new FormTarget("/admin/assessments/{id}/members", "admin", fields("members", Fixtures.VIEWER)),
                new FormTarget("/admin/webhooks", "admin", fields("url", "https://siem.example/page-hook", "description", "d")),
                new FormTarget("/admin/webhooks/{webhook}/disable", "admin", fields("x", "1")),
                new FormTarget("/admin/users", "admin", fields("username", "fuzz-form-user", "password", "long-enough-password", "roles", "viewer")),
                new FormTarget("/admin/assessments", "admin", fields("name", "n", "target", "t", "labels", "env=x",
                        "requirements", "nistir8176:req/a2-no-new-privs", "startDate", "2026-01-01", "assessors", Fixtures.ASSESSOR)),
                new FormTarget("/admin/assessments/{id}/assessors", "admin", fields("assessors", Fixtures.ASSESSOR)),
                new FormTarget("/admin/assessments/{id}", "admin", fields("version", v, "name", "n", "target", "t", "labels", "env=x",
                        "areas", "nistir8176:area/hardware-root-of-trust", "countermeasures", "sp800-190:4.4.1",
                        "recommendations", "rec:docker/disable-icc-and-mind-layer-2", "requirements", "nistir8176:req/a2-no-new-privs",
                        "startDate", "2026-01-01", "dueDate", "2026-02-01", "assessors", Fixtures.ASSESSOR)),
                new FormTarget("/admin/hosts", "admin", fields("name", "fuzz-form-host", "description", "d", "group", "g",
                        "labels", "env=fuzz", "tokenHours", "2")),
                new FormTarget("/admin/hosts/{host}/enrollment-token", "admin", fields("tokenHours", "1")),
                new FormTarget("/admin/hosts/{host}/rotate", "admin", fields("tokenHours", "1")),
                new FormTarget("/admin/hosts/{host}/revoke", "admin", fields("x", "1")),
                new FormTarget("/admin/api-tokens", "admin", fields("name", "fuzz-form-token", "expires", "2030-01-01")),
                new FormTarget("/admin/api-tokens/{token}/rotate", "admin", fields("x", "1")),
                new FormTarget("/admin/api-tokens/{token}/revoke", "admin", fields("x", "1")),
                new FormTarget("/admin/users/{user}/roles", "admin", fields("roles", "viewer")),
                new FormTarget("/admin/users/{user}/disable", "admin", fields("x", "1")),
                new FormTarget("/admin/users/{user}/enable", "admin", fields("x", "1")),
                new FormTarget("/admin/users/{user}/password-reset", "admin", fields("temporaryPassword", "temporary-password-2")),
                new FormTarget("/account/password", "password-changer", fields("currentPassword", "not-the-password", "newPassword", "a-new-password-123",
                        "repeatPassword", "a-new-password-123")));
    }

    private static Map<String, String> fields(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    // ---------------------------------------------------------------- cases

    private void jsonCase(JsonTarget target) {
        Map<String, String> f = new LinkedHashMap<>(target.fields());
        String field = f.isEmpty() ? "extra" : in.pick(List.copyOf(f.keySet()));
        byte[] body;
        String what;
        switch (in.random().nextInt(9)) {
            case 0 -> {
                what = "malformed JSON";
                body = bytes(in.pick(HostileInput.MALFORMED_JSON));
            }
            case 1 -> {
                what = "deeply nested body";
                body = bytes(in.nested(1000 + in.random().nextInt(20_000)));
            }
            case 2 -> {
                what = "invalid UTF-8 in " + field;
                f.put(field, "\"ok" + HostileInput.BAD_BYTES_MARK + "ok\"");
                body = in.withInvalidUtf8(object(f));
            }
            case 3 -> {
                what = "missing " + field;
                f.remove(field);
                body = bytes(object(f));
            }
            case 4 -> {
                what = "unknown field with a hostile value";
                f.put("__" + in.random().nextInt(5), in.hostileJsonValue());
                body = bytes(object(f));
            }
            default -> {
                what = "hostile value in " + field;
                f.put(field, in.hostileJsonValue());
                body = bytes(object(f));
            }
        }
        String path = fill(target.path());
        send(target.method() + " " + path + " (" + what + ")", target.method(), path, target.who(), "application/json", body);
    }

    private void rawUploadCase() {
        String filename = in.random().nextInt(3) == 0 ? "evidence.txt" : in.hostileString();
        if (filename.length() > 3000) {
            filename = filename.substring(0, 3000);
        }
        String type = in.pick(List.of("text/plain", "application/octet-stream", "text/html", "image/svg+xml", "application/x-sh",
                "../../etc", "text/plain; charset=\"<script>\""));
        byte[] data = new byte[in.random().nextInt(4096)];
        in.random().nextBytes(data);
        String path = fill("/api/v1/assessments/{id}/items/{item}/attachments") + "?filename=" + encode(filename);
        send("upload " + shorten(filename) + " as " + type, "POST", path, "assessor", type, data);
    }

    private void formCase(FormTarget target) {
        Map<String, String> f = new LinkedHashMap<>(target.fields());
        String field = in.pick(List.copyOf(f.keySet()));
        String what;
        String encoded;
        boolean withToken = !target.path().equals("/j_security_check") && in.random().nextInt(10) != 0;
        String token = withToken ? csrf(target.who()) : in.pick(List.of("", "forged", in.hostileString()));
        switch (in.random().nextInt(6)) {
            case 0 -> {
                what = "missing " + field;
                f.remove(field);
                encoded = form(f, token);
            }
            case 1 -> {
                what = "invalid UTF-8 (percent-encoded) in " + field;
                f.remove(field);
                encoded = form(f, token) + "&" + field + "=" + in.pick(List.of("%C3%28", "%FF%FE", "%E2%82", "%C0%AF", "%ED%A0%80", "%", "%zz"));
            }
            case 2 -> {
                what = "non-numeric/odd value in " + field;
                f.put(field, in.pick(List.of("abc", "-1", "1e3", "99999999999999999999", "", " 1", "0x10", "NaN")));
                encoded = form(f, token);
            }
            case 3 -> {
                what = "repeated " + field;
                encoded = form(f, token) + "&" + field + "=" + encode(in.hostileString());
            }
            default -> {
                what = "hostile " + field;
                f.put(field, in.hostileString());
                encoded = form(f, token);
            }
        }
        if (!withToken) {
            what += ", CSRF token " + (token.isEmpty() ? "missing" : "forged");
        }
        String path = fill(target.path());
        send("form " + path + " (" + what + ")", "POST", path, pagesOf(target.who()), "application/x-www-form-urlencoded",
                bytes(encoded));
    }

    private void multipartCase() {
        String filename = in.pick(List.of("../../../../etc/passwd", "..\\..\\boot.ini", "evidence.txt", "<script>.html", "a\u0000b.txt",
                "x".repeat(5000) + ".txt", ".", "..", "/abs/path.txt", "%2e%2e%2fescape.txt", "😀.txt", "CON", " "));
        String boundary = "fuzzboundary" + in.random().nextInt(1000);
        byte[] content = bytes(in.hostileString());
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"csrf-token\"\r\n\r\n" + assessorPages.csrfToken + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename.replace("\"", "%22")
                + "\"\r\nContent-Type: " + in.pick(List.of("text/plain", "text/html", "application/octet-stream")) + "\r\n\r\n";
        String tail = "\r\n--" + boundary + (in.random().nextInt(5) == 0 ? "" : "--") + "\r\n";
        byte[] body = concat(bytes(head), content, bytes(tail));
        String path = fill("/assessments/{id}/items/{item}/attachments");
        send("multipart upload " + shorten(filename), "POST", path, assessorPages, "multipart/form-data; boundary=" + boundary, body);
    }

    private void readCase() {
        String hostileId = in.pick(HostileInput.PATH_IDS);
        String raw = in.hostileString();
        String q = encode(raw.length() > 2000 ? raw.substring(0, 2000) : raw);
        String kind = in.pick(List.of("threats", "requirements", "countermeasures", "probes", "platform-defaults", "sources", "controls"));
        String param = in.pick(List.of("page", "size", "status", "provenance", "area", "category", "platform", "updated-since", "state"));
        List<Object[]> reads = List.of(
                new Object[]{"/api/v1/" + kind + "?" + param + "=" + q, null},
                new Object[]{"/api/v1/" + kind + "/" + hostileId, null},
                new Object[]{"/" + kind + "?" + param + "=" + q, null},
                new Object[]{"/" + kind + "/" + hostileId, null},
                new Object[]{"/search?q=" + q, null},
                new Object[]{"/search?q=x&kind=" + q, null},
                new Object[]{"/matrix?" + in.pick(List.of("area", "layer", "platform", "group", "all")) + "=" + q, null},
                new Object[]{"/trace/" + hostileId, null},
                new Object[]{"/api/v1/hosts/" + hostileId, "admin"},
                new Object[]{"/hosts/" + hostileId, adminPages},
                new Object[]{"/hosts/" + victimHost + "/containers/" + hostileId, adminPages},
                new Object[]{"/api/v1/hosts/" + hostileId + "/containers?" + param + "=" + q, "admin"},
                new Object[]{"/api/v1/containers?" + in.pick(List.of("probe", "status", "runtime", "label", "updated-since", "page", "size"))
                        + "=" + q, "admin"},
                new Object[]{"/api/v1/containers/" + hostileId, "admin"},
                new Object[]{"/api/v1/containers/" + hostileId + "/history?probe=" + q, "admin"},
                new Object[]{"/api/v1/drift?since=" + q, "admin"},
                new Object[]{"/fleet/failing?probe=probe:caps/no-cap-sys-admin&" + in.pick(List.of("page", "status", "runtime", "label"))
                        + "=" + q, adminPages},
                new Object[]{"/fleet/failing?" + in.pick(List.of("probe", "countermeasure")) + "=" + q + "&page=" + q, adminPages},
                new Object[]{"/fleet/failing.csv?countermeasure=cm:no-cap-sys-admin&" + in.pick(List.of("status", "runtime", "label"))
                        + "=" + q, adminPages},
                new Object[]{"/api/v1/admin/webhooks/" + hostileId + "/deliveries?" + in.pick(List.of("failures", "limit")) + "=" + q, "admin"},
                new Object[]{"/api/v1/assessments/" + hostileId + "/members", "admin"},
                new Object[]{"/assessments/" + hostileId, assessorPages},
                new Object[]{"/assessments/" + assessmentId + "?result=" + q, assessorPages},
                new Object[]{"/assessments/" + assessmentId + "?evidence=" + q, assessorPages},
                new Object[]{"/assessments/" + assessmentId + "/items/" + itemId, assessorPages},
                new Object[]{"/dashboard?" + param + "=" + q, assessorPages},
                new Object[]{"/api/v1/assessments/" + hostileId + "/items", "assessor"},
                new Object[]{"/api/v1/assessments/" + assessmentId + "/items?area=" + q, "assessor"},
                new Object[]{"/api/v1/assessments/" + hostileId + "/controls", "assessor"},
                new Object[]{"/api/v1/assessments/" + hostileId + "/checklist.cklb", "assessor"},
                new Object[]{"/api/v1/assessments/" + assessmentId + "/checklist.cklb?" + param + "=" + q, "assessor"},
                new Object[]{"/assessments/" + hostileId + "/controls", assessorPages},
                new Object[]{"/controls/" + hostileId, null},
                new Object[]{"/matrix?group=family&" + in.pick(List.of("area", "layer", "platform", "all")) + "=" + q, null},
                new Object[]{"/api/v1/measured-defaults?runtime=" + q, "admin"},
                new Object[]{"/api/v1/me/tokens/" + hostileId + "/revoke", "assessor"},
                new Object[]{"/api/v1/admin/personal-access-tokens/" + hostileId + "/revoke", "admin"},
                new Object[]{"/api/v1/admin/audit?" + in.pick(List.of("action", "actor", "target", "outcome", "since", "until", "page", "size")) + "=" + q, "admin"},
                new Object[]{"/admin/audit?" + in.pick(List.of("action", "actor", "target", "outcome", "page")) + "=" + q, adminPages},
                new Object[]{"/admin/hosts?revoked=" + q, adminPages},
                new Object[]{"/admin/api-tokens?revoked=" + q, adminPages},
                new Object[]{"/admin/assessments/" + hostileId + "/edit", adminPages},
                new Object[]{"/assessments/" + hostileId + "/export/checklist.csv", assessorPages},
                new Object[]{"/assessments/" + hostileId + "/export/checklist.cklb", assessorPages},
                new Object[]{"/assessments/" + hostileId + "/export/oscal-assessment-results.json", assessorPages},
                new Object[]{"/api/v1/assessments/" + assessmentId + "/items/" + itemId + "/attachments/" + hostileId, "assessor"});
        Object[] read = in.pick(reads);
        send("GET " + shorten((String) read[0]), "GET", (String) read[0], read[1], null, null);
    }

    /**
     * Writes a page on another site could send with the browser's cached Basic credentials (text/plain, form-encoded,
     * multipart, no body): 415 with a message, nothing changed, whatever the endpoint.
     */
    private void forgeableCase() {
        JsonTarget target = in.pick(jsonTargets());
        if (!"admin".equals(target.who()) && !"assessor".equals(target.who())) {
            return;
        }
        String type = in.pick(java.util.Arrays.asList("text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x", null));
        byte[] body = type == null ? null : bytes(object(target.fields()));
        String path = fill(target.path());
        int before = failures.size();
        send("forgeable " + target.method() + " " + path + " as " + type, target.method(), path, target.who(), type, body);
        if (failures.size() == before && lastStatus != 415 && !target.method().equals("DELETE")) {
            failures.add("forgeable " + target.method() + " " + path + " as " + type + ": expected 415, got " + lastStatus);
        }
    }

    /** Bodies over the 10 MB limit (announced, see {@link RawHttp}), and a 3 MB field. */
    private void hugeBodies() {
        byte[] tooBig = new byte[11 * 1024 * 1024];
        java.util.Arrays.fill(tooBig, (byte) 'a');
        String admin = "Basic " + java.util.Base64.getEncoder().encodeToString((FastAdmin.USERNAME + ":" + FastAdmin.PASSWORD).getBytes());
        String assessor = "Basic " + java.util.Base64.getEncoder().encodeToString((Fixtures.ASSESSOR + ":" + Fixtures.PASSWORD).getBytes());
        String cookies = String.join("; ", assessorPages.cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
        oversized("11 MB report", "/api/v1/agent/reports", "application/json", tooBig, "Authorization", "Bearer " + agentCredential);
        oversized("11 MB host", "/api/v1/hosts", "application/json", tooBig, "Authorization", admin);
        oversized("11 MB enroll", "/api/v1/agent/enroll", "application/json", tooBig);
        oversized("11 MB item form", fill("/assessments/{id}/items/{item}"), "application/x-www-form-urlencoded", tooBig, "Cookie", cookies);
        oversized("11 MB login form", "/j_security_check", "application/x-www-form-urlencoded", tooBig);
        oversized("11 MB upload", fill("/api/v1/assessments/{id}/items/{item}/attachments") + "?filename=big.txt", "text/plain", tooBig,
                "Authorization", assessor);
        String bigString = "{\"name\":\"" + "n".repeat(3 * 1024 * 1024) + "\",\"description\":\"d\"}";
        send("3 MB host name", "POST", "/api/v1/hosts", "admin", "application/json", bytes(bigString));
        send("admin reload with a body", "POST", "/api/v1/admin/content/reload", "admin", "application/json", bytes(in.nested(5000)));
    }

    private void oversized(String label, String path, String contentType, byte[] body, String... headers) {
        cases++;
        RawHttp.Answer a;
        try {
            a = RawHttp.announce(path, contentType, body.length, headers);
        } catch (RuntimeException e) {
            failures.add(label + ": no HTTP answer (" + e + ")");
            return;
        }
        if (a.status() != 413) {
            failures.add(label + ": expected 413, got " + a.status() + " " + shorten(a.body()));
        }
        verdict(label, path, a.status(), a.contentType(), a.body());
    }

    /** Broken content files through the loader: a refused load names a problem and changes nothing. */
    private void contentFiles(int count) {
        List<String> files = List.of("threats/fixture-escape.yaml", "requirements/fixture-req.yaml", "countermeasures/fixture-userns.yaml",
                "sources/fixture-doc.yaml", "probes/fixture-probe.yaml", "platform-defaults/fixture-default.yaml");
        try {
            for (int i = 0; i < count; i++) {
                ContentFixture fixture = ContentFixture.valid();
                String file = in.pick(files);
                String what = mutateContent(fixture, file);
                cases++;
                Map<String, String> before = db.everyTableFingerprint(true);
                try {
                    loader.load(fixture.dir, "fuzz");
                    tables = db.everyTableFingerprint(false);
                } catch (ContentException e) {
                    if (e.problems.isEmpty() || e.problems.stream().anyMatch(p -> p.toString().isBlank())) {
                        failures.add("content " + what + ": refused without a problem description");
                    }
                    Map<String, String> after = db.everyTableFingerprint(true);
                    if (!after.equals(before)) {
                        failures.add("content " + what + ": refused load changed " + changed(before, after));
                    }
                    tables = after;
                } catch (RuntimeException | StackOverflowError e) {
                    failures.add("content " + what + ": loader failed with " + e);
                    tables = db.everyTableFingerprint(false);
                }
            }
        } finally {
            loader.load(ContentFixture.REAL_CONTENT, "fuzz-restore");
            tables = db.everyTableFingerprint(false);
        }
    }

    private String mutateContent(ContentFixture fixture, String file) {
        String original = fixture.read(file);
        switch (in.random().nextInt(10)) {
            case 0 -> {
                fixture.write(file, in.withInvalidUtf8("id: x" + HostileInput.BAD_BYTES_MARK + "\n" + original));
                return file + ": invalid UTF-8";
            }
            case 1 -> {
                StringBuilder bomb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
                for (char c = 'b'; c <= 'j'; c++) {
                    char p = (char) (c - 1);
                    bomb.append(c).append(": &").append(c).append(" [*").append(p).append(",*").append(p).append(",*").append(p)
                            .append(",*").append(p).append(",*").append(p).append(",*").append(p).append(",*").append(p).append("]\n");
                }
                fixture.write(file, original + bomb);
                return file + ": alias bomb";
            }
            case 2 -> {
                fixture.write(file, original + "extra: " + "[".repeat(20_000) + "]".repeat(20_000) + "\n");
                return file + ": deeply nested";
            }
            case 3 -> {
                fixture.write(file, original.replaceFirst("(?m)^id: .*$", "id: " + in.pick(List.of("../../etc/passwd", "threat:../../x",
                        "\"<script>alert(1)</script>\"", "\"'; DROP TABLE kb_record; --\"", "\"\"", "[1, 2]", "{a: 1}"))));
                return file + ": hostile id";
            }
            case 4 -> {
                fixture.write(file, original.replaceFirst("(?m)^title: .*$", "title: " + in.pick(List.of("[1, 2]", "{a: b}", "!!java.lang.Runtime x",
                        "!!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://x.invalid\"]]]]", "~", "12"))));
                return file + ": wrong type or tag for title";
            }
            case 5 -> {
                fixture.write(file, "x".repeat(2_000_000));
                return file + ": 2 MB scalar";
            }
            case 6 -> {
                byte[] junk = new byte[1 + in.random().nextInt(5000)];
                in.random().nextBytes(junk);
                fixture.write(file, junk);
                return file + ": binary junk";
            }
            case 7 -> {
                fixture.write(file.substring(0, file.indexOf('/')) + "/" + in.pick(List.of("..yaml", " .yaml", "<x>.yaml", "a%2f..yaml", "-.yaml")),
                        original);
                return file + ": copy under an odd file name (duplicate id)";
            }
            case 8 -> {
                fixture.write(file, original + original);
                return file + ": duplicate keys";
            }
            default -> {
                fixture.write(file, "");
                return file + ": empty file";
            }
        }
    }

    // ---------------------------------------------------------------- sending and checking

    private void send(String label, String method, String path, Object who, String contentType, byte[] body) {
        if (++cases % 200 == 0) {
            System.out.println("FuzzTest: " + cases + " cases sent, " + failures.size() + " failures so far");
        }
        RequestSpecification spec = given().redirects().follow(false).urlEncodingEnabled(false)
                .config(RestAssuredConfig.config().encoderConfig(EncoderConfig.encoderConfig()
                        .appendDefaultContentCharsetToContentTypeIfUndefined(false)));
        if ("admin".equals(who)) {
            spec = spec.auth().preemptive().basic(FastAdmin.USERNAME, FastAdmin.PASSWORD);
        } else if ("assessor".equals(who)) {
            spec = spec.auth().preemptive().basic(Fixtures.ASSESSOR, Fixtures.PASSWORD);
        } else if ("self".equals(who)) {
            spec = spec.auth().preemptive().basic("fuzz-self", "fuzz-self-password");
        } else if ("agent".equals(who)) {
            spec = spec.header("Authorization", "Bearer " + agentCredential);
        } else if (who instanceof PageSession s) {
            spec = spec.cookies(s.cookies);
        }
        if (contentType != null) {
            spec = spec.contentType(contentType);
        }
        if (body != null && contentType != null && contentType.startsWith("application/x-www-form-urlencoded")) {
            spec = spec.body(new String(body, StandardCharsets.ISO_8859_1));   // already percent-encoded ASCII
        } else if (body != null) {
            spec = spec.body(body);
        }
        Response r;
        try {
            r = spec.request(method, path);
        } catch (Exception e) {
            failures.add(label + ": no HTTP answer (" + e + ")");
            return;
        }
        lastStatus = r.statusCode();
        verdict(label, path, r.statusCode(), String.valueOf(r.contentType()), r.asString());
    }

    private int lastStatus;

    private void verdict(String label, String path, int status, String type, String text) {
        if (status >= 500) {
            failures.add(label + ": " + status + " " + shorten(text));
        } else if (status >= 400) {
            if (path.startsWith("/api/")) {
                String message = null;
                try {
                    message = type.contains("json") ? JsonPath.from(text).getString("message") : null;
                } catch (RuntimeException ignored) {
                    // not JSON: reported below
                }
                if (message == null || message.isBlank()) {
                    failures.add(label + ": " + status + " without a JSON message (" + type + ") " + shorten(text));
                }
            } else if (!type.startsWith("text/html") || !text.contains("<")) {
                failures.add(label + ": " + status + " without an HTML error page (" + type + ") " + shorten(text));
            }
        }
        Map<String, String> after = db.everyTableFingerprint(false);
        if (status >= 400 && !after.equals(tables)) {
            failures.add(label + ": refused with " + status + " but changed " + changed(tables, after));
        }
        tables = after;
    }

    private void report() {
        System.out.println("FuzzTest: " + cases + " cases, seed " + SEED + ", " + failures.size() + " failures");
        java.util.Map<String, List<String>> kinds = new java.util.TreeMap<>();
        for (String f : failures) {
            kinds.computeIfAbsent(f.replaceAll("\\(.*?\\)", "").replaceAll("[0-9%]+", "#").replaceAll(":.*", ""), k -> new ArrayList<>()).add(f);
        }
        kinds.forEach((k, list) -> System.out.println("  FAIL x" + list.size() + " " + shorten(list.get(0))));
        assertTrue(cases >= MIN_CASES, "only " + cases + " cases");
        assertTrue(failures.isEmpty(), failures.size() + " failures, first: " + failures.stream().limit(20).toList());
    }

    // ---------------------------------------------------------------- helpers

    private String fill(String path) {
        boolean hostile = in.random().nextInt(8) == 0;
        String id = hostile ? in.pick(HostileInput.PATH_IDS) : String.valueOf(assessmentId);
        String item = hostile ? in.pick(HostileInput.PATH_IDS) : String.valueOf(itemId);
        return path.replace("{id}", id).replace("{item}", item).replace("{host}", hostile ? in.pick(HostileInput.PATH_IDS) : String.valueOf(victimHost))
                .replace("{user}", hostile ? in.pick(HostileInput.PATH_IDS) : String.valueOf(victimUser))
                .replace("{token}", hostile ? in.pick(HostileInput.PATH_IDS) : String.valueOf(rotatableToken))
                .replace("{webhook}", hostile ? in.pick(HostileInput.PATH_IDS) : String.valueOf(webhook));
    }

    private PageSession pagesOf(String who) {
        if (who == null) {
            return null;
        }
        return switch (who) {
            case "admin" -> adminPages;
            case "password-changer" -> passwordChangerPages;
            default -> assessorPages;
        };
    }

    private String csrf(String who) {
        PageSession s = pagesOf(who);
        return s == null ? "" : s.csrfToken;
    }

    private static String object(Map<String, String> f) {
        StringBuilder b = new StringBuilder("{");
        f.forEach((k, v) -> b.append(b.length() > 1 ? "," : "").append(HostileInput.quote(k)).append(':').append(v));
        return b.append('}').toString();
    }

    private static String form(Map<String, String> f, String token) {
        StringBuilder b = new StringBuilder();
        f.forEach((k, v) -> b.append(b.length() > 0 ? "&" : "").append(encode(k)).append('=').append(encode(v)));
        if (!token.isEmpty()) {
            b.append("&csrf-token=").append(encode(token));
        }
        return b.toString();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static String shorten(String s) {
        String one = s.replaceAll("\\s+", " ");
        return one.length() > 160 ? one.substring(0, 160) + "…" : one;
    }

    private static String changed(Map<String, String> before, Map<String, String> after) {
        List<String> names = new ArrayList<>();
        after.forEach((t, fp) -> {
            if (!fp.equals(before.get(t))) {
                names.add(t);
            }
        });
        return names.toString();
    }
}
