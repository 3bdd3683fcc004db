package org.cakb.resilience;

import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.cakb.assessment.AssessmentViews;
import org.cakb.assessment.Fixtures;
import org.cakb.testing.Database;
import org.cakb.testing.FastAdmin;
import org.cakb.testing.FleetFixture;
import org.cakb.testing.HostileInput;
import org.cakb.testing.PageSession;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared part of the fuzz tests, one class per family of targets ({@link FuzzTest}: JSON API bodies;
 * {@link FormFuzzTest}: page forms; {@link UploadFuzzTest}: uploads; {@link ReadFuzzTest}: query parameters and path
 * ids; {@link ContentFileFuzzTest}: content files): the fixtures each family attacks, sending a case and judging the
 * answer. Seeded, so every run sends the same cases. For each case: no 5xx, a refusal explains itself (JSON body with
 * a message under /api, an HTML page for pages), and a refused request leaves every table exactly as it was.
 */
abstract class FuzzCases {

    static final long SEED = 20261123L;

    @Inject
    Database db;
    @Inject
    Fixtures fixtures;

    final List<String> failures = new ArrayList<>();
    int cases;
    Map<String, String> tables;

    HostileInput in;
    /** Names this family's fixtures (accounts, hosts), so the families never share one. */
    private String family;
    private int plannedCases;
    long assessmentId;
    long itemId;
    long itemVersion;
    long assessmentVersion;
    long victimHost;
    String agentCredential;
    PageSession assessorPages;
    PageSession adminPages;
    /** Its own account: wrong current passwords on the password form delay that account's sign-ins (throttle). */
    PageSession passwordChangerPages;
    long victimUser;
    long rotatableToken;
    long webhook;

    /**
     * Prepares the fixtures, runs {@code cases} (which must send at least {@code planned}), then reports; with
     * {@code catalogUntouched}, the knowledge-base tables must also be as before.
     */
    void fuzz(String family, int planned, boolean catalogUntouched, Runnable cases) {
        this.family = family;
        this.plannedCases = planned;
        try {
            prepare();
            String catalog = db.catalogFingerprint();
            cases.run();
            if (catalogUntouched && !catalog.equals(db.catalogFingerprint())) {
                failures.add("the knowledge-base tables changed during the HTTP cases");
            }
        } finally {
            report();
        }
    }

    String selfUser() {
        return "fuzz-self-" + family;
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
        agentCredential = FleetFixture.enrolledAgent("fuzz-agent-host-" + family);
        victimHost = FleetFixture.registerHost("fuzz-victim-host-" + family);
        assessorPages = PageSession.login(Fixtures.ASSESSOR, Fixtures.PASSWORD).tokenFrom("/assessments/" + assessmentId + "/items/" + itemId);
        adminPages = PageSession.login(FastAdmin.USERNAME, FastAdmin.PASSWORD).tokenFrom("/admin/users");
        victimUser = ((Number) given().auth().preemptive().basic(FastAdmin.USERNAME, FastAdmin.PASSWORD).contentType("application/json")
                .body("{\"username\": \"fuzz-victim-" + family + "\", \"password\": \"fuzz-victim-password\", \"roles\": [\"viewer\"]}")
                .post("/api/v1/users").then().statusCode(201).extract().path("id")).longValue();
        given().auth().preemptive().basic(FastAdmin.USERNAME, FastAdmin.PASSWORD).contentType("application/json")
                .body("{\"username\": \"" + selfUser() + "\", \"password\": \"fuzz-self-password\", \"roles\": [\"viewer\"]}")
                .post("/api/v1/users").then().statusCode(201);
        given().auth().preemptive().basic(FastAdmin.USERNAME, FastAdmin.PASSWORD).contentType("application/json")
                .body("{\"username\": \"fuzz-pw-" + family + "\", \"password\": \"fuzz-pw-password\", \"roles\": [\"viewer\"]}")
                .post("/api/v1/users").then().statusCode(201);
        passwordChangerPages = PageSession.login("fuzz-pw-" + family, "fuzz-pw-password").tokenFrom("/account/password");
        rotatableToken = ((Number) given().auth().preemptive().basic(FastAdmin.USERNAME, FastAdmin.PASSWORD).contentType("application/json")
                .body("{\"name\": \"fuzz-rotate-" + family + "\"}").post("/api/v1/admin/api-tokens").then().statusCode(201).extract().path("id")).longValue();
        webhook = ((Number) given().auth().preemptive().basic(FastAdmin.USERNAME, FastAdmin.PASSWORD).contentType("application/json")
                .body("{\"url\": \"https://siem.example/fuzz-" + family + "\"}").post("/api/v1/admin/webhooks").then().statusCode(201)
                .extract().path("webhook.id")).longValue();
        tables = db.everyTableFingerprint(false);
    }

    // ---------------------------------------------------------------- sending and checking

    void send(String label, String method, String path, Object who, String contentType, byte[] body) {
        if (++cases % 200 == 0) {
            System.out.println("FuzzTest[" + family + "]: " + cases + " cases sent, " + failures.size() + " failures so far");
        }
        RequestSpecification spec = given().redirects().follow(false).urlEncodingEnabled(false)
                .config(RestAssuredConfig.config().encoderConfig(EncoderConfig.encoderConfig()
                        .appendDefaultContentCharsetToContentTypeIfUndefined(false)));
        if ("admin".equals(who)) {
            spec = spec.auth().preemptive().basic(FastAdmin.USERNAME, FastAdmin.PASSWORD);
        } else if ("assessor".equals(who)) {
            spec = spec.auth().preemptive().basic(Fixtures.ASSESSOR, Fixtures.PASSWORD);
        } else if ("self".equals(who)) {
            spec = spec.auth().preemptive().basic(selfUser(), "fuzz-self-password");
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

    int lastStatus;

    void verdict(String label, String path, int status, String type, String text) {
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
        System.out.println("FuzzTest[" + family + "]: " + cases + " cases, seed " + SEED + ", " + failures.size() + " failures");
        java.util.Map<String, List<String>> kinds = new java.util.TreeMap<>();
        for (String f : failures) {
            kinds.computeIfAbsent(f.replaceAll("\\(.*?\\)", "").replaceAll("[0-9%]+", "#").replaceAll(":.*", ""), k -> new ArrayList<>()).add(f);
        }
        kinds.forEach((k, list) -> System.out.println("  FAIL x" + list.size() + " " + shorten(list.get(0))));
        assertTrue(cases >= plannedCases, family + ": only " + cases + " of " + plannedCases + " cases");
        assertTrue(failures.isEmpty(), failures.size() + " failures, first: " + failures.stream().limit(20).toList());
    }

    // ---------------------------------------------------------------- helpers

    static Map<String, String> fields(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    String fill(String path) {
        boolean hostile = in.random().nextInt(8) == 0;
        String id = hostile ? in.pick(HostileInput.PATH_IDS) : String.valueOf(assessmentId);
        String item = hostile ? in.pick(HostileInput.PATH_IDS) : String.valueOf(itemId);
        return path.replace("{id}", id).replace("{item}", item).replace("{host}", hostile ? in.pick(HostileInput.PATH_IDS) : String.valueOf(victimHost))
                .replace("{user}", hostile ? in.pick(HostileInput.PATH_IDS) : String.valueOf(victimUser))
                .replace("{token}", hostile ? in.pick(HostileInput.PATH_IDS) : String.valueOf(rotatableToken))
                .replace("{webhook}", hostile ? in.pick(HostileInput.PATH_IDS) : String.valueOf(webhook));
    }

    PageSession pagesOf(String who) {
        if (who == null) {
            return null;
        }
        return switch (who) {
            case "admin" -> adminPages;
            case "password-changer" -> passwordChangerPages;
            default -> assessorPages;
        };
    }

    String csrf(String who) {
        PageSession s = pagesOf(who);
        return s == null ? "" : s.csrfToken;
    }

    static String object(Map<String, String> f) {
        StringBuilder b = new StringBuilder("{");
        f.forEach((k, v) -> b.append(b.length() > 1 ? "," : "").append(HostileInput.quote(k)).append(':').append(v));
        return b.append('}').toString();
    }

    static String form(Map<String, String> f, String token) {
        StringBuilder b = new StringBuilder();
        f.forEach((k, v) -> b.append(b.length() > 0 ? "&" : "").append(encode(k)).append('=').append(encode(v)));
        if (!token.isEmpty()) {
            b.append("&csrf-token=").append(encode(token));
        }
        return b.toString();
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... parts) {
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

    static String shorten(String s) {
        String one = s.replaceAll("\\s+", " ");
        return one.length() > 160 ? one.substring(0, 160) + "…" : one;
    }

    static String changed(Map<String, String> before, Map<String, String> after) {
        List<String> names = new ArrayList<>();
        after.forEach((t, fp) -> {
            if (!fp.equals(before.get(t))) {
                names.add(t);
            }
        });
        return names.toString();
    }
}
