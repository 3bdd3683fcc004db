package org.cakb.web;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.cakb.catalog.ContentLoader;
import org.cakb.testing.ContentFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pages over the small fixture content (every kind present, plus a hostile record): escaping, details of every kind,
 * a matrix cell, the withdrawn banner. The real content is withdrawn meanwhile and restored afterwards.
 */
@QuarkusTest
public class FixturePagesTest {

    public static final String HOSTILE_TITLE = "<script>alert(1)</script> & \"quotes\"";
    static final String ESCAPED_TITLE = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;";

    @Inject
    ContentLoader loader;

    @BeforeEach
    void loadFixtureWithHostileRecord() {
        loader.load(hostileFixture().dir, "test");
    }

    @AfterEach
    void restoreRealContent() {
        loader.load(ContentFixture.REAL_CONTENT, "test-restore");
    }

    /** The fixture chain plus a threat whose title and body try to inject markup. */
    public static ContentFixture hostileFixture() {
        return ContentFixture.valid().write("threats/hostile.yaml", """
                id: threat:hostile
                title: '<script>alert(1)</script> & "quotes"'
                provenance: paraphrased
                category: other
                body: |
                  Hostile <img src=x onerror=alert(2)> zebrafish text.

                  Second paragraph </p><script>alert(3)</script>.
                citations:
                  - source: source:fixture-doc
                    locator: "<b>§9</b>"
                mitigated-by:
                  - cm:fixture-userns
                """);
    }

    private static String page(String path, int status) {
        return given().accept("text/html").get(path).then().statusCode(status).extract().asString();
    }

    private static void assertEscaped(String html, String where) {
        assertFalse(html.contains("<script>alert"), where + ": raw <script> from a record must never appear");
        assertFalse(html.contains("<img src=x"), where + ": raw markup from a record body must never appear");
        assertTrue(html.contains(ESCAPED_TITLE) || html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;"),
                where + ": the escaped title should be shown");
    }

    @Test
    void hostileTitleIsEscapedOnDetailListSearchAndTrace() {
        String detail = page("/threats/threat:hostile", 200);
        assertEscaped(detail, "detail");
        assertTrue(detail.contains("<h1>" + ESCAPED_TITLE + "</h1>"));
        assertTrue(detail.contains("Hostile &lt;img src=x onerror=alert(2)&gt; zebrafish text."));
        assertTrue(detail.contains("&lt;b&gt;§9&lt;/b&gt;"));

        assertEscaped(page("/threats", 200), "list");
        assertEscaped(page("/search?q=zebrafish", 200), "search");
        String echo = given().accept("text/html").queryParam("q", HOSTILE_TITLE).get("/search").then().statusCode(200)
                .extract().asString();
        assertEscaped(echo, "search for the hostile text itself (the query is echoed)");
        assertEscaped(page("/trace/threat:hostile", 200), "trace");
        assertEscaped(page("/countermeasures/cm:fixture-userns", 200), "linked record's detail and trace");
    }

    @Test
    void searchSnippetIsEscapedButKeepsHighlights() {
        String html = page("/search?q=zebrafish", 200);
        assertTrue(html.contains("<mark>zebrafish</mark>"), html);
        assertTrue(html.contains("&lt;img src=x onerror=alert(2)&gt;"));
    }

    @Test
    void everyKindHasADetailPage() {
        given().get("/sources/source:fixture-doc").then().statusCode(200).body(containsString("<h1>Fixture document</h1>"))
                .body(containsString("href=\"https://example.org/fixture\""));
        given().get("/requirements/fixture:req/userns").then().statusCode(200)
                .body(containsString("Derived for tests &lt;b&gt;&amp;amp;&lt;/b&gt; &quot;quotes&quot;."))
                .body(containsString("<h3>In NISTIR 8176 area"));
        given().get("/threats/threat:fixture-escape").then().statusCode(200).body(containsString("<h3>Mitigated by"));
        given().get("/countermeasures/cm:fixture-userns").then().statusCode(200)
                .body(containsString("<h3>Verified by probes")).body(containsString("<h3>Platform defaults"))
                .body(containsString("<h3>Recommended by"));
        given().get("/recommendations/rec:fixture/enable-userns").then().statusCode(200).body(containsString("<h3>Recommends"));
        given().get("/platforms/platform:fixture-runtime").then().statusCode(200).body(containsString("<h1>Fixture runtime</h1>"));
        given().get("/platform-defaults/default:fixture-runtime/1/userns").then().statusCode(200)
                .body(containsString("<dt>State</dt>")).body(containsString("disabled"));
        given().get("/probes/probe:fixture/userns-mapped").then().statusCode(200)
                .body(containsString("Check definition")).body(containsString("&quot;type&quot; : &quot;userns-mapping&quot;"));
    }

    @Test
    void matrixHasAColumnPerPlatformVersionAndACellWithStateEvidenceAndLinks() {
        given().get("/matrix").then().statusCode(200)
                .body(containsString("<a href=\"/platforms/platform:fixture-runtime\">Fixture runtime</a><span class=\"versions\">1.x</span>"))
                .body(containsString("<td class=\"cell state-disabled\""))
                .body(containsString("<span class=\"state-text\">disabled</span>"))
                .body(containsString("<abbr class=\"ev\" title=\"evidence: read in source code\">S</abbr>"))
                .body(containsString("href=\"/platform-defaults/default:fixture-runtime/1/userns\""))
                .body(containsString("class=\"cite-link\" href=\"https://example.org/fixture\""))
                .body(containsString("Fixture area"))   // grouped by the area the countermeasure serves
                .body(containsString("1 countermeasures × 1 platform versions, 1 default records."));
        given().get("/matrix?area=fixture:area/kernel").then().statusCode(200).body(containsString("state-disabled"));
    }

    @Test
    void withdrawnRecordsShowABanner() {
        // the real content is withdrawn while the fixture is loaded
        given().get("/countermeasures/cm:seccomp-filter").then().statusCode(200)
                .body(containsString("class=\"notice withdrawn-banner\""))
                .body(containsString("This record was removed from the knowledge base"));
        given().get("/countermeasures/cm:fixture-userns").then().statusCode(200)
                .body(not(containsString("withdrawn-banner")));
        given().get("/countermeasures?status=withdrawn").then().statusCode(200)
                .body(containsString("<span class=\"badge withdrawn-badge\">withdrawn</span>"))
                .body(not(containsString("cm:fixture-userns")));
    }
}
