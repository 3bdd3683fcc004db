package org.cakb.web;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every page against the real content/: status, what a reader sees, 404s, search edge cases. */
@QuarkusTest
class PagesTest {

    private static Response html(String path) {
        return given().accept("text/html").get(path);
    }

    @Test
    void homeShowsCoverageSearchAndEntryPoints() {
        html("/").then().statusCode(200)
                .contentType(startsWith("text/html"))
                .header("Content-Security-Policy", containsString("script-src 'self'"))
                .body(containsString("<h1 id=\"home-h\">Container Assurance KB</h1>"))
                .body(containsString("action=\"/search\""))
                .body(containsString("<label for=\"home-q\">"))
                .body(containsString("By NISTIR 8176 area"))
                .body(containsString("href=\"/requirements/nistir8176:area/host-os-kernel\""))
                .body(containsString("By threat"))
                .body(containsString("By platform"))
                .body(containsString("By source"))
                .body(containsString("href=\"/sources/source:sp-800-190\""))
                .body(matchesPattern("(?s).*<span class=\"count\">[1-9][0-9]*</span> <span class=\"kind-name\">Countermeasures</span>.*"))
                // landmarks, skip link, no inline script
                .body(containsString("<a class=\"skip-link\" href=\"#main\">"))
                .body(containsString("<main id=\"main\""))
                .body(containsString("<nav class=\"site-nav\" aria-label=\"Main\">"))
                .body(containsString("<footer"))
                .body(not(containsString("<script>")))
                .body(not(containsString(" onclick=")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sources", "requirements", "threats", "countermeasures", "recommendations", "platforms",
            "platform-defaults", "probes"})
    void everyListPageRenders(String kind) {
        html("/" + kind).then().statusCode(200)
                .body(containsString("<h1>"))
                .body(containsString("class=\"result-count\""))
                .body(containsString("<label for=\"f-status\">Status</label>"));
    }

    @Test
    void requirementListFiltersByAreaAndCategoryAndPaginates() {
        html("/requirements?category=area").then().statusCode(200)
                .body(containsString("4 records"))
                .body(containsString("nistir8176:area/host-os-kernel"))
                .body(not(containsString("nistir8176:component/hardware")))
                .body(containsString("<option value=\"area\" selected>"));
        html("/requirements?area=nistir8176:area/host-os-kernel").then().statusCode(200)
                .body(containsString("nistir8176:req/a2-no-new-privs"))
                .body(not(containsString("nistir8176:req/a1-measured-boot-chain")));
        html("/requirements").then().statusCode(200)
                .body(containsString("page 1 of 3"))
                .body(containsString("rel=\"next\" href=\"/requirements?page=2\""));
        html("/requirements?page=2").then().statusCode(200).body(containsString("page 2 of 3"));
        html("/threats?category=not-a-category").then().statusCode(400)
                .body(containsString("That filter cannot be applied."))
                .body(containsString("must be one of"));
    }

    @Test
    void countermeasureDetailShowsProvenanceCitationsLinksBothWaysAndTrace() {
        html("/countermeasures/cm:seccomp-filter").then().statusCode(200)
                .body(containsString("<h1>Seccomp system-call filtering</h1>"))
                .body(containsString("<span class=\"badge prov-paraphrased\">paraphrased</span>"))
                .body(containsString("written in this knowledge base&#39;s own words"))
                .body(containsString("<h2 id=\"cite-h\">Citations</h2>"))
                .body(containsString("public source ↗"))
                .body(containsString("<span class=\"label\">Where:</span>"))
                .body(containsString("<h3>Satisfies"))
                .body(containsString("<h3>Mitigates"))           // incoming: threats mitigated-by this countermeasure
                .body(containsString("<svg class=\"trace\""))
                .body(containsString("href=\"/trace/cm:seccomp-filter\""));
    }

    @Test
    void quotedRequirementShowsTheVerbatimQuote() {
        html("/requirements/nistir8176:area/host-os-kernel").then().statusCode(200)
                .body(containsString("<span class=\"badge prov-quoted\">quoted</span>"))
                .body(containsString("Verbatim source text"))
                .body(containsString("<blockquote"))
                .body(containsString("Configuration options using host OS kernel features and kernel loadable modules"))
                .body(containsString("Requirements in this area"));
        html("/requirements/nistir8176:req/a2-no-new-privs").then().statusCode(200)
                .body(containsString("<span class=\"badge prov-derived\">derived</span>"))
                .body(containsString("not a source&#39;s wording"))
                .body(containsString("<dt>Verification</dt>"))
                .body(not(containsString("Verbatim source text")));
    }

    @Test
    void traceViewDrawsColumnsNodesAndEdges() {
        String page = html("/trace/threat:container-to-host-escape").then().statusCode(200)
                .body(containsString("<h1>Traceability: "))
                .body(containsString(">Threats</text>"))
                .body(containsString(">Countermeasures</text>"))
                .body(containsString(">Requirements</text>"))
                .body(containsString("<a href=\"/countermeasures/cm:seccomp-filter\" class=\"node kind-countermeasure\">"))
                .body(containsString("class=\"node kind-threat focus\""))
                .body(containsString("<path d=\"M"))
                .extract().asString();
        assertTrue(page.contains("<h2>As lists</h2>"));
    }

    @Test
    void matrixRendersFiltersAndLegendWithWhateverIsLoaded() {
        html("/matrix").then().statusCode(200)
                .body(containsString("<h1>Platform-defaults matrix</h1>"))
                .body(containsString("<label for=\"m-area\">NISTIR 8176 area</label>"))
                .body(containsString("not supported"))
                .body(containsString("class=\"result-count\""));
        html("/matrix?area=nistir8176:area/host-os-kernel&group=layer&all=1").then().statusCode(200)
                .body(containsString("selected>A2: Host OS kernel features"))
                .body(containsString("<tr class=\"group-row\"><th scope=\"rowgroup\""));
        html("/matrix?platform=platform:docker").then().statusCode(200)
                .body(containsString("<option value=\"platform:docker\" selected>"))
                .body(not(containsString("<a href=\"/platforms/platform:lxc\">")));
    }

    @Test
    void searchRanksHighlightsAndCounts() {
        html("/search?q=seccomp").then().statusCode(200)
                .body(matchesPattern("(?s).*<p class=\"result-count\" role=\"status\">[1-9][0-9]* results for “seccomp”.*"))
                .body(containsString("<mark>seccomp</mark>"))
                .body(containsString("href=\"/countermeasures/cm:seccomp-filter\""))
                .body(containsString("Countermeasures ("));
        html("/search?q=seccomp&kind=countermeasure").then().statusCode(200)
                .body(containsString("among Countermeasures"))
                .body(not(containsString("href=\"/sources/source:man-seccomp-2\"")));
    }

    @Test
    void exactIdComesFirst() {
        String page = html("/search?q=cm:no-new-privs").then().statusCode(200)
                .body(containsString("exact id")).extract().asString();
        int first = page.indexOf("<ol class=\"search-results\">");
        assertTrue(page.indexOf("href=\"/countermeasures/cm:no-new-privs\"", first) > first);
        assertEquals(page.indexOf("<a class=\"title\"", first), page.indexOf("<a class=\"title\" href=\"/countermeasures/cm:no-new-privs\"", first));
    }

    @Test
    void searchEdgeCasesAreFriendly() {
        html("/search").then().statusCode(200).body(containsString("Type a few words"));
        given().queryParam("q", "   ").get("/search").then().statusCode(200).body(containsString("Type a few words"));
        html("/search?q=" + "a".repeat(201)).then().statusCode(200).body(containsString("please use at most 200"));
        html("/search?q=zzzqqqxxyy+frobnicate").then().statusCode(200)
                .body(containsString("0 results"))
                .body(containsString("Try fewer or more general words"))
                .body(containsString("href=\"/countermeasures\""));
        given().queryParam("q", "\"unbalanced & - <b> ' OR 1=1 --").get("/search").then().statusCode(200)
                .body(containsString("&lt;b&gt;"));   // odd syntax never errors
        html("/search?q=the+a+of").then().statusCode(200).body(containsString("0 results"));  // only stop words
    }

    @Test
    void unknownIdsAndPathsGetTheHtml404Page() {
        html("/requirements/nistir8176:no/such").then().statusCode(404)
                .contentType(startsWith("text/html"))
                .body(containsString("<h1>Not found</h1>"))
                .body(containsString("There is no record with the id"));
        html("/threats/cm:seccomp-filter").then().statusCode(404)
                .body(containsString("Did you mean <a href=\"/countermeasures/cm:seccomp-filter\">"));
        html("/trace/nope:nothing").then().statusCode(404).body(containsString("<h1>Not found</h1>"));
        html("/no-such-page").then().statusCode(404).contentType(startsWith("text/html"))
                .body(containsString("<h1>Not found</h1>"));
    }

    @Test
    void theApiKeepsItsJson404s() {
        given().get("/api/v1/requirements/nistir8176:no/such").then().statusCode(404)
                .contentType(startsWith("application/json")).body("status", equalTo(404));
        given().get("/api/v1/no-such-collection").then().statusCode(404)
                .contentType(startsWith("application/json"));
        given().get("/api/v1/countermeasures/cm:seccomp-filter").then().statusCode(200)
                .contentType(startsWith("application/json"));
    }

    @Test
    void cachedPagesAreServedWholeAgain() {
        String first = html("/countermeasures/cm:no-new-privs").then().statusCode(200).extract().asString();
        for (int i = 0; i < 3; i++) {
            Response again = html("/countermeasures/cm:no-new-privs");
            again.then().statusCode(200).header("X-Page-Cache", "hit").header("Content-Security-Policy", containsString("default-src"));
            assertEquals(first, again.asString());
        }
    }

    @Test
    void staticAssetsAreServed() {
        given().get("/static/app.css").then().statusCode(200).body(containsString("@media print"));
        given().get("/static/app.js").then().statusCode(200).body(containsString("data-autosubmit"));
    }
}
