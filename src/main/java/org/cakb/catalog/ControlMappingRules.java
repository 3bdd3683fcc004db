package org.cakb.catalog;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rules for the {@code controls} rows of requirements and countermeasures that the schema cannot state: a mapping
 * attributed to NIST or DISA must cite that publisher's document (so an inference is never presented as theirs), an
 * SP 800-190 Appendix B row must point into Appendix B, and a record maps to a control once.
 */
final class ControlMappingRules {

    /** Basis → the sources a row with that basis may cite. */
    static final Map<String, Set<String>> SOURCES_BY_BASIS = Map.of(
            "sp800-190-appendix-b", Set.of("source:sp-800-190"),
            "disa-srg", Set.of("source:disa-cci-list", "source:disa-container-platform-srg"));

    private ControlMappingRules() {
    }

    static void check(ContentFile file, List<ContentProblem> problems) {
        JsonNode rows = file.data().path("controls");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = rows.get(i);
            String field = "controls[" + i + "]";
            String basis = row.path("basis").asText();
            String source = row.path("source").asText("");
            Set<String> allowed = SOURCES_BY_BASIS.get(basis);
            if (allowed != null && !allowed.contains(source)) {
                problems.add(new ContentProblem(file.path(), field + ".source", "a mapping with basis '" + basis
                        + "' must cite " + String.join(" or ", allowed.stream().sorted().toList()) + "; got '" + source + "'"));
            }
            if ("sp800-190-appendix-b".equals(basis) && !row.path("locator").asText("").contains("Appendix B")) {
                problems.add(new ContentProblem(file.path(), field + ".locator", "an SP 800-190 Appendix B mapping must name Appendix B and its table"));
            }
            if (!seen.add(row.path("control").asText())) {
                problems.add(new ContentProblem(file.path(), field + ".control", "maps to '" + row.path("control").asText()
                        + "' twice; give one row per control"));
            }
        }
    }
}
