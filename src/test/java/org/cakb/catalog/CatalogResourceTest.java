package org.cakb.catalog;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The read API over the real content/. */
@QuarkusTest
class CatalogResourceTest {

    private static final String ESCAPE = "threat:container-to-host-escape";

    @ParameterizedTest
    @ValueSource(strings = {"sources", "requirements", "threats", "countermeasures", "recommendations", "platforms", "platform-defaults", "probes"})
    void everyCollectionListsRecordsWithLinksInBothDirections(String kind) {
        given().get("/api/v1/" + kind).then()
                .statusCode(200).contentType(ContentType.JSON)
                .body("total", greaterThan(0))
                .body("page", equalTo(1))
                .body("items.size()", greaterThan(0))
                .body("items.kind", everyItem(equalTo(kind.substring(0, kind.length() - 1))))
                .body("items[0].links.outgoing", notNullValue())
                .body("items[0].links.incoming", notNullValue());
    }

    @ParameterizedTest
    @CsvSource({
            "sources, source:sp-800-190",
            "requirements, nistir8176:area/host-os-kernel",
            "threats, " + ESCAPE,
            "countermeasures, cm:seccomp-filter",
            "recommendations, rec:docker/never-mount-docker-socket",
            "platforms, platform:docker",
            "platforms, platform:lxc"})
    void everyKindHasADetailWithCitations(String kind, String id) {
        given().get("/api/v1/" + kind + "/" + id).then()
                .statusCode(200)
                .body("id", equalTo(id))
                .body("citations.size()", greaterThan(0))
                .body("citations[0].locator", notNullValue())
                .body("citations[0].sourceTitle", notNullValue());
    }

    @Test
    void theEscapeChainReachesCountermeasuresRequirementsRecommendationsDefaultsAndProbes() {
        given().get("/api/v1/threats/" + ESCAPE).then()
                .statusCode(200)
                .body("provenance", equalTo("paraphrased"))
                .body("attributes.attack_techniques", hasItem("T1611"))
                .body("links.outgoing.findAll { it.relation == 'mitigated-by' }.id",
                        hasItems("cm:namespace-user", "cm:capabilities-minimal", "cm:seccomp-filter"))
                .body("trace.countermeasures.id", hasItems("cm:namespace-user", "cm:capabilities-minimal", "cm:seccomp-filter"))
                .body("trace.requirements.id", hasItems("nistir8176:req/a2-user-namespace-remap", "sp800-190:4.4.3"))
                .body("trace.recommendations.size()", greaterThan(0))
                .body("trace.'platform-defaults'.findAll { it.id.startsWith('default:docker/') }.size()", greaterThan(0))
                .body("trace.'platform-defaults'.findAll { it.id.startsWith('default:lxc/') }.size()", greaterThan(0))
                .body("trace.probes.size()", greaterThan(0));
    }

    @Test
    void linksAreNavigableInBothDirections() {
        given().get("/api/v1/countermeasures/cm:seccomp-filter").then()
                .statusCode(200)
                .body("links.incoming.findAll { it.relation == 'mitigates' }.id", hasItem(ESCAPE))
                .body("links.incoming.findAll { it.relation == 'verified-by' }.size()", greaterThan(0))
                .body("links.incoming.findAll { it.relation == 'platform-default' }.size()", greaterThan(0))
                .body("links.outgoing.findAll { it.relation == 'satisfies' }.size()", greaterThan(0));
    }

    @Test
    void requirementsShowTheirProvenance() {
        given().get("/api/v1/requirements/nistir8176:area/host-os-kernel").then()
                .body("provenance", equalTo("quoted"))
                .body("citations.find { it.quote != null }.quote", containsString("host OS kernel features"));
        given().get("/api/v1/requirements?provenance=derived&size=200").then()
                .statusCode(200)
                .body("items.provenance", everyItem(equalTo("derived")))
                .body("items.attributes.category", everyItem(equalTo("assurance-requirement")));
    }

    @Test
    void filtersNarrowTheList() {
        given().get("/api/v1/requirements?area=nistir8176:area/host-os-kernel&size=200").then()
                .statusCode(200)
                .body("items.attributes.area", everyItem(equalTo("nistir8176:area/host-os-kernel")))
                .body("total", greaterThan(12));
        given().get("/api/v1/threats?technique=T1611").then()
                .statusCode(200).body("items.id", hasItem(ESCAPE));
        given().get("/api/v1/platform-defaults?platform=platform:docker&countermeasure=cm:seccomp-filter").then()
                .statusCode(200)
                .body("items.attributes.platform", everyItem(equalTo("platform:docker")))
                .body("items.size()", greaterThan(1));
        given().get("/api/v1/countermeasures?technical=false").then()
                .statusCode(200).body("items.attributes.technical", everyItem(is(false)));
        given().get("/api/v1/probes?countermeasure=cm:seccomp-filter").then()
                .statusCode(200).body("items.size()", greaterThan(0));
    }

    @Test
    void pagesAreStableAndDoNotOverlap() {
        List<String> first = given().get("/api/v1/threats?size=5&page=1").then().statusCode(200)
                .body("size", equalTo(5)).body("pages", greaterThan(1)).extract().path("items.id");
        List<String> second = given().get("/api/v1/threats?size=5&page=2").then().statusCode(200).extract().path("items.id");
        List<String> firstAgain = given().get("/api/v1/threats?size=5&page=1").then().extract().path("items.id");
        assertEquals(5, first.size());
        assertEquals(first, firstAgain);
        assertNotEquals(first, second);
        second.forEach(id -> assertEquals(false, first.contains(id)));
        given().get("/api/v1/threats?size=5&page=999").then().statusCode(200).body("items.size()", equalTo(0));
    }

    @Test
    void unknownIdsAre404WithAJsonMessage() {
        given().get("/api/v1/threats/threat:no-such-threat").then()
                .statusCode(404).contentType(ContentType.JSON)
                .body("status", equalTo(404))
                .body("message", containsString("threat:no-such-threat"));
        given().get("/api/v1/requirements/" + ESCAPE).then()
                .statusCode(404).body("message", containsString("is a threat"));
        given().get("/api/v1/widgets").then().statusCode(404).contentType(ContentType.JSON);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "/api/v1/threats?page=0 | page must be 1 or more",
            "/api/v1/threats?page=abc | 'page' must be a whole number",
            "/api/v1/threats?size=1000 | size must be between 1 and 200",
            "/api/v1/threats?colour=red | unknown query parameter 'colour'",
            "/api/v1/threats?category=volcano | 'category' must be one of",
            "/api/v1/requirements?provenance=guessed | provenance must be one of",
            "/api/v1/requirements?status=deleted | status must be one of",
            "/api/v1/countermeasures?technical=maybe | must be true or false",
            "/api/v1/threats?category=image&category=registry | may be given only once",
            "/api/v1/threats?category= | needs a value"})
    void badQueryParametersAre400WithAMessage(String url, String message) {
        given().get(url).then()
                .statusCode(400).contentType(ContentType.JSON)
                .body("message", containsString(message));
    }

    @Test
    void openApiDocumentsTheApi() {
        given().get("/q/openapi?format=json").then()
                .statusCode(200)
                .body("paths.keySet()", hasItem("/api/v1/{kind}"))
                .body("paths.keySet()", hasItem("/api/v1/admin/content/reload"));
    }

    @Test
    void healthReportsContent() {
        given().get("/q/health").then()
                .statusCode(200)
                .body("checks.find { it.name == 'content' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'content' }.data.outcome", not(equalTo("failed")));
    }
}
