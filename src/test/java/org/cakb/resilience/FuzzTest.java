package org.cakb.resilience;

import io.quarkus.test.junit.QuarkusTest;
import org.cakb.assessment.Fixtures;
import org.cakb.testing.FastAdmin;
import org.cakb.testing.HostileInput;
import org.cakb.testing.RawHttp;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Hostile JSON bodies against every API endpoint that accepts one (agent enrollment and reports included), writes a
 * page on another site could forge, and bodies over the size limit. Add a new API endpoint's inputs to
 * {@link #jsonTargets()}. The checks of every case are in {@link FuzzCases}.
 */
@QuarkusTest
class FuzzTest extends FuzzCases {

    static final int JSON_CASES = 620;
    /**
     * Writes with a content type (or no body) a page on another site could send, see {@link #forgeableCase()}. 38: when
     * all families were one test, 38 of its 40 picks among every JSON target were admin or assessor endpoints (the others
     * were skipped); the same number keeps the total at 1,256 cases.
     */
    static final int FORGEABLE_CASES = 38;
    /** Six bodies over the size limit, a 3 MB field and a reload with a body. */
    static final int HUGE_BODY_CASES = 8;

    @Test
    void hostileInputIsRefusedCleanlyAndNothingIsHalfWritten() {
        fuzz("api-json", JSON_CASES + HUGE_BODY_CASES + FORGEABLE_CASES, true, () -> {
            for (int i = 0; i < JSON_CASES; i++) {
                jsonCase(in.pick(jsonTargets()));
            }
            hugeBodies();
            for (int i = 0; i < FORGEABLE_CASES; i++) {
                forgeableCase();
            }
        });
    }

    /** A JSON endpoint with a valid body as ordered fields (values JSON-encoded); {id}, {item}, {host} are filled in. */
    record JsonTarget(String method, String path, String who, Map<String, String> fields) {
    }

    List<JsonTarget> jsonTargets() {
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

    /**
     * Writes a page on another site could send with the browser's cached Basic credentials (text/plain, form-encoded,
     * multipart, no body): 415 with a message, nothing changed, whatever the endpoint (of those an admin or assessor calls).
     */
    private void forgeableCase() {
        JsonTarget target = in.pick(jsonTargets().stream().filter(t -> "admin".equals(t.who()) || "assessor".equals(t.who())).toList());
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

}
