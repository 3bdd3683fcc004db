package org.cakb.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import org.cakb.testing.ContentFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The knowledge base's quality gates, run on the real content/ with the loader's own reader and validator. */
class ContentQualityTest {

    private static List<ContentFile> files;
    private static CoverageReport coverage;

    @BeforeAll
    static void readContent() {
        ContentReader.Result read = new ContentReader(ContentFixture.REAL_CONTENT).read();
        List<ContentProblem> problems = new ArrayList<>(read.problems());
        problems.addAll(ContentValidator.validate(read.files()));
        assertEquals(List.of(), problems.stream().map(ContentProblem::toString).toList(), "content/ must load without problems");
        files = read.files();
        coverage = new CoverageReport(files);
        System.out.println(coverage.render());
    }

    @Test
    void everyRecordCitesASourceWithALocator() {
        for (ContentFile file : files) {
            JsonNode citations = file.data().path("citations");
            assertTrue(citations.size() > 0, file.path() + " cites nothing");
            citations.forEach(c -> assertTrue(c.path("locator").asText().strip().length() >= 2, file.path() + " has a citation without locator"));
        }
    }

    @Test
    void noCountermeasureIsAnOrphan() {
        Set<String> mitigating = ids(RecordKind.THREAT).stream()
                .flatMap(f -> values(f.data().path("mitigated-by")).stream()).collect(Collectors.toSet());
        for (ContentFile cm : ids(RecordKind.COUNTERMEASURE)) {
            assertTrue(mitigating.contains(cm.id()), cm.id() + " mitigates no threat");
            assertTrue(cm.data().path("satisfies").size() > 0, cm.id() + " satisfies no requirement");
            if (!cm.data().path("technical").asBoolean()) {
                assertTrue(cm.data().hasNonNull("manual_reason"), cm.id() + " is not technical but gives no manual_reason");
            }
        }
    }

    @Test
    void derivedNistir8176RequirementsCoverEachArea() {
        Map<String, Long> perArea = ids(RecordKind.REQUIREMENT).stream()
                .filter(f -> f.data().path("category").asText().equals("assurance-requirement"))
                .peek(f -> assertEquals("derived", f.data().path("provenance").asText(), f.id() + " must be derived: NISTIR 8176's wording was not read"))
                .collect(Collectors.groupingBy(f -> f.data().path("area").asText(), Collectors.counting()));
        assertTrue(perArea.getOrDefault("nistir8176:area/hardware-root-of-trust", 0L) >= 3, "A1: " + perArea);
        assertTrue(perArea.getOrDefault("nistir8176:area/host-os-kernel", 0L) >= 12, "A2: " + perArea);
        assertTrue(perArea.getOrDefault("nistir8176:area/image-build-registry", 0L) >= 6, "A3: " + perArea);
        assertTrue(perArea.getOrDefault("nistir8176:area/orchestrator", 0L) >= 5, "A4: " + perArea);
    }

    @Test
    void sp800190RisksAndCountermeasuresAreComplete() {
        List<String> leaves = new ArrayList<>();
        int[] perSection = {5, 3, 5, 5, 5};
        for (int section = 1; section <= 5; section++) {
            for (int item = 1; item <= perSection[section - 1]; item++) {
                leaves.add(section + "." + item);
            }
        }
        Set<String> all = files.stream().map(ContentFile::id).collect(Collectors.toSet());
        for (String leaf : leaves) {
            assertTrue(all.contains("sp800-190:4." + leaf), "missing SP 800-190 countermeasure 4." + leaf);
            assertTrue(all.contains("sp800-190:risk/3." + leaf), "missing SP 800-190 risk 3." + leaf);
        }
        assertTrue(all.contains("sp800-190:4.6"), "missing SP 800-190 4.6 hardware countermeasures");
    }

    @Test
    void kindsMeetTheirMinimumCounts() {
        Map<RecordKind, Long> counts = coverage.countsByKind();
        assertTrue(counts.get(RecordKind.THREAT) >= 15, "threats: " + counts);
        assertTrue(counts.get(RecordKind.COUNTERMEASURE) >= 25, "countermeasures: " + counts);
        long linkedToAttack = ids(RecordKind.THREAT).stream().filter(f -> f.data().path("attack_techniques").size() > 0).count();
        assertTrue(linkedToAttack >= 5, "threats linked to ATT&CK techniques: " + linkedToAttack);
    }

    @Test
    void quotedRecordsCarryTheirQuoteAndOnlyNistOrDodIsQuoted() {
        Set<String> nistSources = Set.of("source:nistir-8176", "source:nistir-8176-draft", "source:nistir-8176-announcement", "source:sp-800-190",
                "source:disa-container-platform-srg");
        for (ContentFile file : files) {
            file.data().path("citations").forEach(c -> {
                if (c.hasNonNull("quote")) {
                    assertTrue(nistSources.contains(c.path("source").asText()),
                            file.path() + " quotes " + c.path("source").asText() + "; only NIST and DISA (public-domain) text may be quoted");
                }
            });
        }
    }

    @Test
    void mostTechnicalCountermeasuresHaveAProbe() {
        assertTrue(coverage.technicalProbeCoverage() >= 0.8,
                "technical countermeasures with a probe: " + Math.round(coverage.technicalProbeCoverage() * 100) + " %");
    }

    @Test
    void everyControlMappingCitesItsSourceOrIsMarkedAsInference() {
        Map<String, Long> byBasis = coverage.controlMappingsByBasis();
        System.out.println("SP 800-53 control mappings by basis: " + byBasis);
        for (ContentFile file : files) {
            file.data().path("controls").forEach(row -> {
                String basis = row.path("basis").asText();
                if (basis.equals("kb-inference")) {
                    assertTrue(!row.has("source") && !row.has("locator"), file.id() + ": an inferred mapping must not cite NIST or DISA as its source");
                    assertTrue(row.path("rationale").asText().contains("inference"), file.id() + ": an inferred mapping's rationale must say it is an inference");
                } else {
                    assertTrue(row.path("source").asText().startsWith("source:") && row.path("locator").asText().length() >= 2,
                            file.id() + ": a " + basis + " mapping must cite its source with a locator");
                }
            });
        }
        assertTrue(byBasis.get("disa-srg") >= 20, "DISA SRG mappings: " + byBasis);
        assertTrue(byBasis.get("kb-inference") >= 10, "inferred mappings: " + byBasis);
    }

    @Test
    void controlsAreOnlyThoseReferencedAndEachIsReferenced() {
        Set<String> referenced = files.stream().flatMap(f -> java.util.stream.StreamSupport.stream(f.data().path("controls").spliterator(), false))
                .map(row -> row.path("control").asText()).collect(Collectors.toSet());
        Set<String> controls = ids(RecordKind.CONTROL).stream().map(ContentFile::id).collect(Collectors.toSet());
        assertEquals(referenced, controls, "content/controls must hold exactly the controls that some record maps to");
        for (ContentFile control : ids(RecordKind.CONTROL)) {
            String family = control.data().path("family").asText();
            assertTrue(control.id().startsWith("sp800-53:" + family.toLowerCase() + "-"), control.id() + " is filed under family " + family);
        }
    }

    @Test
    void srgRequirementsCarryTheirIdentifiersAndAreLinkedToCountermeasures() {
        List<ContentFile> srg = ids(RecordKind.REQUIREMENT).stream().filter(f -> f.data().path("category").asText().equals("srg-requirement")).toList();
        assertTrue(srg.size() >= 20, "SRG requirements: " + srg.size());
        Set<String> satisfied = ids(RecordKind.COUNTERMEASURE).stream()
                .flatMap(f -> values(f.data().path("satisfies")).stream()).collect(Collectors.toSet());
        for (ContentFile req : srg) {
            JsonNode s = req.data().path("srg");
            assertEquals(req.id(), "disa-srg:" + s.path("srg_id").asText().toLowerCase(), "id follows the SRG id");
            assertTrue(s.path("rule_id").asText().startsWith("SV-" + s.path("group_id").asText().substring(2) + "r"), req.id() + " rule id matches its group");
            assertEquals("source:disa-container-platform-srg", req.data().path("document").asText());
            assertTrue(satisfied.contains(req.id()), req.id() + " is satisfied by no countermeasure");
            assertTrue(req.data().path("controls").size() > 0, req.id() + " maps to no 800-53 control");
        }
    }

    private static List<ContentFile> ids(RecordKind kind) {
        return files.stream().filter(((Predicate<ContentFile>) f -> f.kind() == kind)).toList();
    }

    private static Set<String> values(JsonNode array) {
        Set<String> values = new HashSet<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
