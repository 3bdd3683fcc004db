package org.cakb.web;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.cakb.testing.FleetFixture;
import org.junit.jupiter.api.Test;

import static org.cakb.testing.FleetFixture.ADMIN;
import static org.cakb.testing.FleetFixture.ADMIN_PASSWORD;
import static org.cakb.testing.FleetFixture.enroll;
import static org.cakb.testing.FleetFixture.registerHost;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fleet pages against the real database: hosts table, host page with grouped results and drift, coverage line. */
@QuarkusTest
class HostPagesTest {

    private static final String HOSTILE = "<script>alert(1)</script>";
    private static final Pattern COVERAGE = Pattern.compile("Verified on (\\d+) hosts?, failing on (\\d+)\\.");

    private static String report(String reportId, Instant finished, String capStatus, String capObserved) {
        return FleetFixture.report(reportId, finished, capStatus, capObserved);
    }

    private static io.restassured.specification.RequestSpecification admin() {
        return given().auth().preemptive().basic(ADMIN, ADMIN_PASSWORD);
    }

    private static void submit(String credential, String body) {
        given().auth().oauth2(credential).contentType(ContentType.JSON).body(body)
                .post("/api/v1/agent/reports").then().statusCode(201).body("outcome", equalTo("stored"));
    }

    private static String page(String path) {
        return admin().accept("text/html").get(path).then().statusCode(200)
                .contentType(startsWith("text/html")).extract().asString();
    }

    /** {hosts, failing} from the coverage line of a detail page rendered for the admin. */
    private static long[] coverage(String path) {
        String html = page(path);
        Matcher m = COVERAGE.matcher(html);
        assertTrue(m.find(), "no coverage line on " + path);
        return new long[]{Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }

    private static String section(String html, String startMarker, String endMarker) {
        int start = html.indexOf(startMarker);
        assertTrue(start >= 0, "missing " + startMarker);
        int end = html.indexOf(endMarker, start);
        assertTrue(end > start, "missing " + endMarker + " after " + startMarker);
        return html.substring(start, end);
    }

    @Test
    void hostsHostDriftAndCoverageAfterAPassToFailChange() {
        String cmPage = "/countermeasures/cm:no-cap-sys-admin";
        String reqPage = "/requirements/nistir8176:req/a2-no-dangerous-capabilities";
        long[] cmBefore = coverage(cmPage);
        long[] reqBefore = coverage(reqPage);
        long[] seccompBefore = coverage("/countermeasures/cm:seccomp-filter");

        long host = registerHost("pages-drift", "Hostile <img src=x onerror=alert(2)> description");
        String credential = enroll(host);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        submit(credential, report(UUID.randomUUID().toString(), now.minus(2, ChronoUnit.HOURS), "pass", "CapEff without CAP_SYS_ADMIN"));
        submit(credential, report(UUID.randomUUID().toString(), now.minus(1, ChronoUnit.HOURS), "fail", HOSTILE));

        // hosts table
        String hosts = page("/hosts");
        String row = section(hosts, "data-host=\"" + host + "\"", "</tr>");
        assertTrue(row.contains("href=\"/hosts/" + host + "\">pages-drift</a>"), row);
        assertTrue(row.contains("<td class=\"num passed\">1</td>"), row);
        assertTrue(row.contains("<td class=\"num failed\"><strong>1</strong></td>"), row);
        assertTrue(row.contains("<td class=\"num errors\">0</td>"), row);
        assertTrue(row.contains("<span class=\"fact\">env=test</span>"), row);
        assertTrue(row.contains("<code>0.1.0-test</code>"), row);
        assertTrue(row.contains("container / docker"), row);
        assertTrue(row.contains(">enrolled</span>"), row);
        assertTrue(row.matches("(?s).*<time datetime=\"\\d{4}-\\d\\d-\\d\\dT[^\"]+Z\">\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC</time>.*"), row);
        // trend: two bars, each with a pass segment; the newest also has a fail segment
        assertTrue(row.contains("<svg class=\"sparkline\" role=\"img\" aria-label=\"Last 2 reports; latest: 1 pass, 1 fail, 0 error\""), row);
        assertEquals(3, row.split("<rect ", -1).length - 1, row);
        assertTrue(row.contains("fill=\"#b42318\""), row);
        assertFalse(hosts.contains("<img src=x"), "description must be escaped");
        assertTrue(hosts.contains("Hostile &lt;img src=x onerror=alert(2)&gt; description"));

        // host page
        String page = page("/hosts/" + host);
        assertTrue(page.contains("<h1>pages-drift</h1>"));
        assertTrue(page.contains("<dt>Hostname</dt><dd>web-1</dd>"));
        assertTrue(page.contains("<dt>OS</dt><dd>Debian GNU/Linux 12</dd>"));
        assertTrue(page.contains("1 pass</span>") && page.contains("1 fail</span>"));

        String byCm = section(page, "id=\"cm-h\"", "id=\"req-h\"");
        String capGroup = section(byCm, "href=\"/countermeasures/cm:no-cap-sys-admin\"", "</table>");
        assertTrue(capGroup.contains("<span class=\"badge state-disabled\">fail</span>"), capGroup);
        assertTrue(capGroup.contains("href=\"/probes/probe:caps/no-cap-sys-admin\""), capGroup);
        assertTrue(capGroup.contains("<code>no CAP_SYS_ADMIN</code>"), capGroup);
        String seccompGroup = section(byCm, "href=\"/countermeasures/cm:seccomp-filter\"", "</table>");
        assertTrue(seccompGroup.contains("<span class=\"badge state-enabled\">pass</span>"), seccompGroup);
        assertTrue(seccompGroup.contains("<code class=\"observed\">Seccomp: 2</code>"), seccompGroup);

        String byReq = section(page, "id=\"req-h\"", "id=\"drift-h\"");
        String reqGroup = section(byReq, "href=\"/requirements/nistir8176:req/a2-no-dangerous-capabilities\"", "</table>");
        assertTrue(reqGroup.contains("state-disabled\">fail</span>"), reqGroup);
        assertTrue(reqGroup.contains("via <a href=\"/countermeasures/cm:no-cap-sys-admin\">cm:no-cap-sys-admin</a>"), reqGroup);
        assertTrue(byReq.contains("href=\"/requirements/nistir8176:req/a2-seccomp-allowlist\""), byReq);

        String drift = section(page, "id=\"drift-h\"", "</section>");
        String driftRow = section(drift, "<tr class=\"drift-row regression\">", "</tr>");
        assertTrue(driftRow.contains("<code class=\"id\">probe:caps/no-cap-sys-admin</code>"), driftRow);
        assertTrue(driftRow.matches("(?s).*<span class=\"badge state-enabled\">pass</span></td>\\s*<td><span class=\"badge state-disabled\">fail</span>.*"),
                driftRow);
        assertTrue(driftRow.contains(">" + HostViews.when(now.minus(1, ChronoUnit.HOURS).atOffset(java.time.ZoneOffset.UTC)) + "</time>"), driftRow);
        assertEquals(1, drift.split("<tr class=\"drift-row", -1).length - 1, "only the capability check changed");

        // escaping of the hostile observed value, everywhere it appears
        assertFalse(page.contains(HOSTILE), "observed value must be escaped");
        assertTrue(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assertFalse(page.contains("<img src=x"));

        // coverage lines: one more host verifies each record; it fails the capability check, not seccomp
        long[] cmAfter = coverage(cmPage);
        assertEquals(cmBefore[0] + 1, cmAfter[0]);
        assertEquals(cmBefore[1] + 1, cmAfter[1]);
        long[] reqAfter = coverage(reqPage);
        assertEquals(reqBefore[0] + 1, reqAfter[0]);
        assertEquals(reqBefore[1] + 1, reqAfter[1]);
        long[] seccompAfter = coverage("/countermeasures/cm:seccomp-filter");
        assertEquals(seccompBefore[0] + 1, seccompAfter[0]);
        assertEquals(seccompBefore[1], seccompAfter[1]);
    }

    @Test
    void coverageIsNeverInAnonymousPages() {
        String path = "/countermeasures/cm:seccomp-filter";
        admin().accept("text/html").get(path).then().statusCode(200)
                .header("Cache-Control", containsString("no-store"))
                .body(containsString("class=\"notice fleet-coverage\""));
        for (int i = 0; i < 2; i++) { // the second anonymous request is served from the page cache
            given().accept("text/html").get(path).then().statusCode(200)
                    .body(containsString("<code>cm:seccomp-filter</code>"))
                    .body(not(containsString("fleet-coverage")))
                    .body(not(containsString("Verified on")));
        }
        given().accept("text/html").get(path).then().header("X-Page-Cache", equalTo("hit"));
        // signed-in requests share the cached page too, with their own coverage line added per request
        admin().accept("text/html").get(path).then().statusCode(200)
                .header("X-Page-Cache", equalTo("hit"))
                .header("Cache-Control", containsString("no-store"))
                .body(containsString("Verified on"));
        // kinds other than countermeasures and requirements have no coverage line
        admin().accept("text/html").get("/sources/source:sp-800-190").then().statusCode(200)
                .body(not(containsString("fleet-coverage")));
    }

    @Test
    void hostPagesNeedASignedInRole() {
        long host = registerHost("pages-private", "private");
        for (String path : new String[]{"/hosts", "/hosts/" + host, "/hosts/999999"}) {
            given().redirects().follow(false).accept("text/html").get(path).then().statusCode(302)
                    .header("Location", containsString("/login"))
                    .body(not(containsString("pages-private")));
            // a wrong password (for an account of its own: three in a row would delay the admin's sign-ins for the next tests)
            given().auth().preemptive().basic("pages-nobody", "wrong").accept("text/html").get(path).then().statusCode(401);
        }
        // nothing about hosts was cached for anonymous requests either
        given().redirects().follow(false).accept("text/html").get("/hosts").then().statusCode(302);
        // an agent credential is only good for the agent API: pages refuse it
        String credential = enroll(host);
        given().redirects().follow(false).auth().oauth2(credential).accept("text/html").get("/hosts").then().statusCode(401)
                .body(not(containsString("pages-private")));
        admin().accept("text/html").get("/hosts").then().statusCode(200)
                .header("Cache-Control", containsString("no-store"))
                .header("Content-Security-Policy", containsString("script-src 'self'"))
                .body(containsString("pages-private"))
                .body(containsString("<a href=\"/hosts\">Hosts</a>"));
    }

    @Test
    void unknownHostsAreHtml404s() {
        for (String path : new String[]{"/hosts/999999", "/hosts/not-a-number"}) {
            String body = admin().accept("text/html").get(path).then().statusCode(404)
                    .contentType(startsWith("text/html")).extract().asString();
            assertTrue(body.contains("<h1>Not found</h1>"), body);
            assertTrue(body.contains("There is no host with the id"), body);
        }
        admin().urlEncodingEnabled(false).accept("text/html").get("/hosts/%3Cscript%3E").then().statusCode(404)
                .body(not(containsString("<script>")))
                .body(containsString("&lt;script&gt;"));
    }

    @Test
    void aHostWithoutReportsRenders() {
        long host = registerHost("pages-silent", "");
        String page = page("/hosts/" + host);
        assertTrue(page.contains("No report yet."));
        assertTrue(page.contains("<dt>Last seen</dt><dd>never</dd>"));
        assertNotNull(section(page("/hosts"), "data-host=\"" + host + "\"", "</tr>"));
        assertTrue(section(page("/hosts"), "data-host=\"" + host + "\"", "</tr>").contains("no report yet"));
    }
}
