package org.cakb.resilience;

import io.quarkus.test.junit.QuarkusTest;
import org.cakb.assessment.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hostile page forms (login, checklist, account and admin forms): missing, repeated, badly encoded and hostile fields,
 * with a missing or forged CSRF token now and then. Add a new form's fields to {@link #formTargets()}.
 */
@QuarkusTest
class FormFuzzTest extends FuzzCases {

    static final int FORM_CASES = 300;

    @Test
    void hostilePageFormsAreRefusedCleanly() {
        fuzz("forms", FORM_CASES, true, () -> {
            for (int i = 0; i < FORM_CASES; i++) {
                formCase(in.pick(formTargets()));
            }
        });
    }

    /** A page form with valid fields. */
    record FormTarget(String path, String who, Map<String, String> fields) {
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

}
