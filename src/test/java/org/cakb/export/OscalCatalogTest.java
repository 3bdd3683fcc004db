package org.cakb.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.List;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The OSCAL catalog export validates against NIST's OSCAL 1.0.6 JSON schema and is stable. */
@QuarkusTest
class OscalCatalogTest {

    static JsonSchema schema(String resource) throws Exception {
        try (InputStream in = OscalCatalogTest.class.getResourceAsStream(resource)) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(in);
        }
    }

    @Test
    void theCatalogIsValidOscal() throws Exception {
        String body = given().get("/api/v1/oscal/catalog").then().statusCode(200)
                .contentType("application/oscal.catalog+json").extract().asString();
        JsonNode document = new ObjectMapper().readTree(body);
        Set<ValidationMessage> errors = schema("/oscal/v1.0.6_oscal_catalog_schema.json").validate(document);
        assertEquals(List.of(), errors.stream().map(ValidationMessage::getMessage).limit(20).toList());

        JsonNode groups = document.at("/catalog/groups");
        assertEquals("nistir8176", groups.get(0).get("id").asText());
        assertEquals(4, groups.get(0).get("groups").size(), "one group per NISTIR 8176 area");
        assertTrue(groups.get(1).get("groups").size() >= 6, "one group per SP 800-190 §4 section");
        assertTrue(document.at("/catalog/back-matter/resources").size() > 20);
    }

    @Test
    void theValidatorRejectsABrokenCatalog() throws Exception {
        JsonNode broken = new ObjectMapper().readTree("{\"catalog\": {\"uuid\": \"not-a-uuid\", \"groups\": [{\"id\": \"a:b\"}]}}");
        assertTrue(schema("/oscal/v1.0.6_oscal_catalog_schema.json").validate(broken).size() >= 3,
                "missing metadata, bad uuid and bad group must all be reported");
    }

    @Test
    void controlsCarryProvenanceStatementsAndGuidance() {
        given().get("/api/v1/oscal/catalog").then().statusCode(200)
                .body("catalog.groups[0].groups.find { it.id == 'nistir8176-area-host-os-kernel' }.controls"
                        + ".find { it.id == 'nistir8176-req-a2-user-namespace-remap' }.props.find { it.name == 'provenance' }.value",
                        equalTo("derived"))
                .body("catalog.groups[0].groups.find { it.id == 'nistir8176-area-host-os-kernel' }.controls"
                        + ".find { it.id == 'nistir8176-req-a2-user-namespace-remap' }.parts.name", hasItem("guidance"))
                .body("catalog.groups[0].groups.find { it.id == 'nistir8176-area-host-os-kernel' }.props.find { it.name == 'provenance' }.value",
                        equalTo("quoted"));
    }

    @Test
    void exportsOfUnchangedContentAreIdenticalAndCacheable() {
        var first = given().get("/api/v1/oscal/catalog").then().statusCode(200).extract();
        String second = given().get("/api/v1/oscal/catalog").then().statusCode(200).extract().asString();
        assertEquals(first.asString(), second);
        given().header("If-None-Match", first.header("ETag")).get("/api/v1/oscal/catalog").then().statusCode(304);
    }

    @Test
    void theCatalogCarriesTheSrgGroupAndTheControlMappingsAsProps() throws Exception {
        JsonNode document = new ObjectMapper().readTree(given().get("/api/v1/oscal/catalog").then().statusCode(200).extract().asString());
        JsonNode srg = null;
        for (JsonNode g : document.at("/catalog/groups")) {
            if (g.get("id").asText().equals("disa-container-platform-srg")) {
                srg = g;
            }
        }
        assertTrue(srg != null && srg.get("controls").size() >= 20, "one control per SRG requirement");
        JsonNode privileged = null;
        for (JsonNode c : srg.get("controls")) {
            if (c.get("id").asText().equals("disa-srg-srg-app-000243-ctr-000595")) {
                privileged = c;
            }
        }
        assertTrue(privileged != null);
        String props = privileged.get("props").toString();
        assertTrue(props.contains("\"name\":\"cci\",\"ns\":\"https://container-assurance-kb.invalid/ns/oscal\",\"value\":\"CCI-001090\""), props);
        assertTrue(props.contains("\"name\":\"nist-800-53-rev5\""), props);
        assertTrue(props.contains("\"value\":\"sc-4\",\"class\":\"subset-of\""), props);
    }

    @Test
    void theMappingProfileIsValidOscalAndLabelsInferences() throws Exception {
        String body = given().get("/api/v1/oscal/profile").then().statusCode(200)
                .contentType("application/oscal.profile+json").extract().asString();
        JsonNode document = new ObjectMapper().readTree(body);
        Set<ValidationMessage> errors = schema("/oscal/v1.0.6_oscal_complete_schema.json").validate(document);
        assertEquals(List.of(), errors.stream().map(ValidationMessage::getMessage).limit(20).toList());
        JsonNode ids = document.at("/profile/imports/0/include-controls/0/with-ids");
        assertTrue(ids.size() >= 20, ids.toString());
        assertEquals(ids.size(), document.at("/profile/modify/alters").size(), "one alter per selected control");
        JsonNode cm6 = null;
        for (JsonNode alter : document.at("/profile/modify/alters")) {
            if (alter.get("control-id").asText().equals("cm-6")) {
                cm6 = alter;
            }
        }
        assertTrue(cm6 != null);
        String props = cm6.at("/adds/0/props").toString();
        assertTrue(props.contains("sp800-190:4.4.3") && props.contains("this knowledge base's inference, not NIST's or DISA's"), props);
        assertTrue(props.contains("disa-srg:srg-app-000516-ctr-001335") && props.contains("basis: disa-srg; source: source:disa-cci-list"), props);
        JsonNode broken = new ObjectMapper().readTree("{\"profile\": {\"uuid\": \"x\", \"imports\": []}}");
        assertTrue(schema("/oscal/v1.0.6_oscal_complete_schema.json").validate(broken).size() >= 1, "the validator sees a broken profile");
    }
}
