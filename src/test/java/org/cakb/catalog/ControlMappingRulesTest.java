package org.cakb.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The control-mapping gates fail on the mistakes they exist for: an inference presented as NIST's or DISA's, a wrong source. */
class ControlMappingRulesTest {

    private static final ObjectMapper YAML = new YAMLMapper();

    @Test
    void aDisaMappingMustCiteDisaAndAnAppendixBMappingMustPointIntoAppendixB() throws Exception {
        List<ContentProblem> problems = check("""
                id: cm:x
                controls:
                - {control: sp800-53:sc-4, relationship: subset-of, basis: disa-srg, source: source:sp-800-190, locator: V-1}
                - {control: sp800-53:sc-5, relationship: supports, basis: sp800-190-appendix-b, source: source:sp-800-190, locator: Section 4}
                - {control: sp800-53:sc-4, relationship: supports, basis: kb-inference, rationale: our own inference here}
                """);
        assertEquals(List.of("controls[0].source", "controls[1].locator", "controls[2].control"),
                problems.stream().map(ContentProblem::field).toList(), problems.toString());
    }

    @Test
    void theSchemaRefusesAnInferenceThatCitesASourceAndADisaRowWithoutLocator() throws Exception {
        Path root = Files.createTempDirectory("cakb-mapping");
        Path real = Path.of("content");
        Files.createDirectories(root.resolve("schema"));
        for (RecordKind kind : RecordKind.values()) {
            Files.copy(real.resolve("schema/" + kind.code + ".schema.json"), root.resolve("schema/" + kind.code + ".schema.json"));
        }
        Files.createDirectories(root.resolve("countermeasures"));
        Files.writeString(root.resolve("countermeasures/cm--x.yaml"), """
                id: cm:x
                title: A countermeasure
                provenance: derived
                layer: runtime
                technical: false
                manual_reason: reviewed by hand
                body: text
                citations: [{source: source:sp-800-190, locator: Section 4}]
                satisfies: [sp800-190:4.4.3]
                controls:
                - {control: sp800-53:sc-4, relationship: supports, basis: kb-inference, rationale: our own inference here, source: source:sp-800-190, locator: x}
                - {control: sp800-53:sc-5, relationship: subset-of, basis: disa-srg, source: source:disa-cci-list}
                - {control: sp800-53:sc-7, relationship: related, basis: kb-inference, rationale: our own inference here}
                """);
        ContentReader.Result result = new ContentReader(root).read();
        List<String> fields = result.problems().stream().map(ContentProblem::field).toList();
        assertTrue(fields.stream().anyMatch(f -> f.startsWith("controls[0]")), "inference citing a source: " + result.problems());
        assertTrue(fields.stream().anyMatch(f -> f.startsWith("controls[1]")), "DISA row without locator: " + result.problems());
        assertTrue(fields.stream().anyMatch(f -> f.startsWith("controls[2]")), "unknown relationship: " + result.problems());
    }

    private static List<ContentProblem> check(String yaml) throws Exception {
        JsonNode data = YAML.readTree(yaml);
        List<ContentProblem> problems = new ArrayList<>();
        ControlMappingRules.check(new ContentFile(RecordKind.COUNTERMEASURE, "countermeasures/cm--x.yaml", "h", data), problems);
        return problems;
    }
}
