package org.cakb.catalog;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.cakb.testing.ContentFixture;
import org.cakb.testing.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class ContentLoaderTest {

    @Inject
    ContentLoader loader;
    @Inject
    Database db;

    @AfterEach
    void restoreRealContent() {
        loader.load(ContentFixture.REAL_CONTENT, "test-restore");
    }

    static Stream<Arguments> brokenContent() {
        return Stream.of(
                broken("bad YAML", f -> f.write("threats/fixture-escape.yaml", "id: threat:fixture-escape\ntitle: [unclosed\n"),
                        "threats/fixture-escape.yaml", "bad YAML"),
                broken("unknown field", f -> f.replace("threats/fixture-escape.yaml", "category:", "severity: high\ncategory:"),
                        "threats/fixture-escape.yaml: severity", "not a known field"),
                broken("missing required field", f -> f.replace("countermeasures/fixture-userns.yaml", "layer: kernel\n", ""),
                        "countermeasures/fixture-userns.yaml: layer", "required"),
                broken("wrong value", f -> f.replace("platform-defaults/fixture-default.yaml", "state: disabled", "state: off"),
                        "platform-defaults/fixture-default.yaml: state", "enabled"),
                broken("duplicate id", f -> f.write("threats/copy.yaml", f.read("threats/fixture-escape.yaml")),
                        "threats/fixture-escape.yaml: id", "duplicate id 'threat:fixture-escape'"),
                broken("duplicate key in one file", f -> f.replace("threats/fixture-escape.yaml", "category:", "title: again\ncategory:"),
                        "threats/fixture-escape.yaml", "Duplicate field 'title'"),
                broken("link to a missing record", f -> f.replace("threats/fixture-escape.yaml", "- cm:fixture-userns", "- cm:no-such-thing"),
                        "threats/fixture-escape.yaml: mitigated-by[0]", "'cm:no-such-thing', which does not exist"),
                broken("id of the wrong form", f -> f.replace("platform-defaults/fixture-default.yaml", "countermeasure: cm:fixture-userns", "countermeasure: threat:fixture-escape"),
                        "platform-defaults/fixture-default.yaml: countermeasure", "^cm:"),
                broken("link to a record of the wrong kind", f -> f.replace("countermeasures/fixture-userns.yaml", "- fixture:req/userns", "- threat:fixture-escape"),
                        "countermeasures/fixture-userns.yaml: satisfies[0]", "is a threat, not a requirement"),
                broken("missing source", f -> f.replace("countermeasures/fixture-userns.yaml", "source: source:fixture-doc", "source: source:gone"),
                        "countermeasures/fixture-userns.yaml: citations[0].source", "'source:gone', which does not exist"),
                broken("quoted without the quote", f -> f.replace("requirements/fixture-area.yaml", "    quote: Configuration options using host OS kernel features.\n", ""),
                        "requirements/fixture-area.yaml: provenance", "verbatim text"),
                broken("invalid UTF-8", f -> f.write("threats/latin1.yaml", "id: threat:x\ntitle: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1)),
                        "threats/latin1.yaml", "not valid UTF-8"),
                broken("unknown folder", f -> f.write("widgets/a.yaml", "id: x:y\n"), "widgets", "unknown folder"),
                broken("misspelled probe parameter", f -> f.replace("probes/fixture-probe.yaml", "  type: userns-mapping", "  type: namespace\n  namepsace: user"),
                        "probes/fixture-probe.yaml: check.namepsace", "is not a parameter of check type 'namespace'"),
                broken("versions without a version or date", f -> f.replace("platform-defaults/fixture-default.yaml", "versions: \"1.x\"", "versions: current release"),
                        "platform-defaults/fixture-default.yaml: versions", "must name a version"),
                broken("wrong id prefix", f -> f.replace("countermeasures/fixture-userns.yaml", "id: cm:fixture-userns", "id: counter:fixture-userns"),
                        "countermeasures/fixture-userns.yaml: id", "must start with 'cm:'"));
    }

    private static Arguments broken(String name, Consumer<ContentFixture> defect, String where, String problem) {
        return Arguments.of(name, defect, where, problem);
    }

    @ParameterizedTest(name = "{0} aborts the load and leaves the database unchanged")
    @MethodSource("brokenContent")
    void brokenContentIsRejectedWholesale(String name, Consumer<ContentFixture> defect, String where, String problem) {
        String before = db.catalogFingerprint();
        ContentFixture fixture = ContentFixture.valid();
        defect.accept(fixture);

        ContentException error = assertThrows(ContentException.class, () -> loader.load(fixture.dir, "test"));

        assertTrue(error.getMessage().contains(where), () -> "message should name " + where + ":\n" + error.getMessage());
        assertTrue(error.getMessage().contains(problem), () -> "message should say " + problem + ":\n" + error.getMessage());
        assertEquals(before, db.catalogFingerprint(), "a failed load must not change the database");
        given().get("/q/health").then().statusCode(503)
                .body("checks.find { it.name == 'content' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'content' }.data.error", containsString("/api/v1/admin/content/loads"))
                .body("checks.find { it.name == 'content' }.data.error", org.hamcrest.Matchers.not(containsString(where)));
        // the details are for admins only
        assertTrue(given().auth().preemptive().basic("admin", "test-admin-password").get("/api/v1/admin/content/loads").asString()
                .contains(where), "admins see the problem");
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void loadsUpsertsSkipsUnchangedAndWithdrawsRemovedRecords() {
        ContentFixture fixture = ContentFixture.valid();

        LoadReport first = loader.load(fixture.dir, "test");
        assertEquals(9, first.filesRead());
        assertEquals(9, first.added());
        given().get("/api/v1/threats/threat:fixture-escape").then().statusCode(200)
                .body("trace.countermeasures.id", hasItem("cm:fixture-userns"))
                .body("trace.requirements.id", hasItem("fixture:req/userns"))
                .body("trace.recommendations.id", hasItem("rec:fixture/enable-userns"))
                .body("trace.platform-defaults.id", hasItem("default:fixture-runtime/1/userns"))
                .body("trace.probes.id", hasItem("probe:fixture/userns-mapped"));

        LoadReport again = loader.load(fixture.dir, "test");
        assertEquals(9, again.unchanged());
        assertEquals(0, again.added() + again.updated() + again.withdrawn());

        fixture.replace("threats/fixture-escape.yaml", "A process escapes to the host.", "A process breaks out to the host.");
        fixture.delete("recommendations/fixture-rec.yaml");
        LoadReport edited = loader.load(fixture.dir, "test");
        assertEquals(1, edited.updated());
        assertEquals(1, edited.withdrawn());
        assertEquals(7, edited.unchanged());

        given().get("/api/v1/threats/threat:fixture-escape").then().statusCode(200)
                .body("body", equalTo("A process breaks out to the host."));
        given().get("/api/v1/recommendations/rec:fixture/enable-userns").then().statusCode(200)
                .body("status", equalTo("withdrawn"))
                .body("links.outgoing.size()", equalTo(0));
        given().get("/api/v1/recommendations?status=withdrawn").then().statusCode(200)
                .body("items.id", hasItem("rec:fixture/enable-userns"));
        given().get("/api/v1/countermeasures/cm:fixture-userns").then()
                .body("links.incoming.findAll { it.relation == 'recommended-by' }.size()", equalTo(0));

        fixture.write("recommendations/fixture-rec.yaml", ContentFixture.valid().read("recommendations/fixture-rec.yaml"));
        LoadReport restored = loader.load(fixture.dir, "test");
        assertEquals(1, restored.updated(), "a re-added record is reactivated, not duplicated");
        given().get("/api/v1/recommendations/rec:fixture/enable-userns").then().body("status", equalTo("active"));
        given().get("/q/health").then().statusCode(200);
    }
}
