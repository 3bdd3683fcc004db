package org.cakb.web;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The platform page shows its documented defaults (each era) next to the newest measurement, differences highlighted. */
@QuarkusTest
class PlatformMeasuredTest {

    @Test
    void platformPageShowsDocumentedAndMeasuredDefaultsWithDifferencesHighlighted() {
        given().get("/platforms/platform:docker").then().statusCode(200); // warm the page cache: the import must invalidate it
        String version = "Docker version 99.2.0-platform-" + System.nanoTime();
        String body = """
                {"format": 1, "measurementId": "%s", "status": "measured", "runtime": "docker-platform", "platform": "platform:docker",
                 "runtimeVersion": "%s", "kernel": "6.1.0-platform-kernel", "measuredAt": "%s",
                 "sourceReport": "%s", "agentVersion": "0.1.0-test", "invocation": "docker run --rm IMAGE java -jar agent.jar run",
                 "raw": {"Seccomp": "0", "CapBnd": "00000000a80425fb"},
                 "countermeasures": [
                   {"id": "cm:seccomp-filter", "state": "disabled", "basis": "container",
                    "checks": [{"id": "probe:seccomp/filter-mode", "status": "fail", "observed": "Seccomp: 0", "role": "primary"}]},
                   {"id": "cm:no-cap-sys-admin", "state": "enabled", "basis": "container",
                    "checks": [{"id": "probe:caps/no-cap-sys-admin", "status": "pass", "observed": "CAP_SYS_ADMIN absent", "role": "primary"}]}
                 ]}""".formatted(UUID.randomUUID(), version, Instant.now().minusSeconds(1), UUID.randomUUID());
        given().auth().preemptive().basic("admin", "test-admin-password").contentType(ContentType.JSON).body(body)
                .post("/api/v1/admin/measured-defaults").then().statusCode(201);

        String page = given().get("/platforms/platform:docker").then().statusCode(200)
                .body(containsString("Defaults: documented and measured"))
                .body(containsString("Documented: 1.11 (April 2016)"))
                .body(containsString("Documented: 29.x"))
                .body(containsString("Measured: <strong>" + version + "</strong>"))
                .body(containsString("6.1.0-platform-kernel"))
                .body(containsString("00000000a80425fb"))
                .body(containsString("CAP_SYS_ADMIN absent"))
                .extract().asString();

        String seccomp = row(page, "cm:seccomp-filter");
        assertTrue(seccomp.startsWith("<tr class=\"differs\">"), seccomp);
        assertTrue(seccomp.contains("differs from the documented default (enabled for 29.x: master b985e2313a86"), seccomp);
        assertTrue(seccomp.contains("Seccomp: 0"), seccomp);
        String caps = row(page, "cm:no-cap-sys-admin");
        assertTrue(caps.startsWith("<tr>") && !caps.contains("differs from"), caps);
        assertEquals(1, page.split("countermeasure was measured in another state", -1).length - 1, "one difference counted");

        given().get("/platforms/platform:rkt").then().statusCode(200)
                .body(containsString("Not measured yet"))
                .body(not(containsString("class=\"differs\"")));
    }

    /** The table row of one countermeasure in the defaults table. */
    private static String row(String page, String countermeasure) {
        int table = page.indexOf("platform-compare");
        Matcher m = Pattern.compile("<tr[^>]*>\\s*<td><a href=\"/countermeasures/" + Pattern.quote(countermeasure) + "\".*?</tr>",
                Pattern.DOTALL).matcher(page);
        assertTrue(table > 0 && m.find(table), "a row for " + countermeasure);
        return m.group();
    }
}
