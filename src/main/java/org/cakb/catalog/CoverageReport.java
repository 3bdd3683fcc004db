package org.cakb.catalog;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Coverage of content/: counts per kind and per cited source, and the countermeasures no probe verifies.
 * Reads the files directly (no database), so reviewers can run it on a branch.
 */
public final class CoverageReport {

    private final List<ContentFile> files;

    public CoverageReport(List<ContentFile> files) {
        this.files = files;
    }

    public static CoverageReport of(Path contentDir) {
        ContentReader.Result read = new ContentReader(contentDir).read();
        if (!read.problems().isEmpty()) {
            throw new ContentException(read.problems());
        }
        return new CoverageReport(read.files());
    }

    public Map<RecordKind, Long> countsByKind() {
        Map<RecordKind, Long> counts = new TreeMap<>();
        files.forEach(f -> counts.merge(f.kind(), 1L, Long::sum));
        return counts;
    }

    /** How many records cite each source. */
    public Map<String, Long> citingRecordsBySource() {
        Map<String, Long> counts = new TreeMap<>();
        for (ContentFile file : files) {
            Set<String> cited = new TreeSet<>();
            file.data().path("citations").forEach(c -> cited.add(c.path("source").asText()));
            cited.forEach(source -> counts.merge(source, 1L, Long::sum));
        }
        return counts;
    }

    /** Countermeasures verified by at least one probe that can give a result on every host (no {@code applies_only}). */
    public Set<String> countermeasuresVerifiedByProbes() {
        return files.stream().filter(f -> f.kind() == RecordKind.PROBE).filter(f -> !f.data().hasNonNull("applies_only"))
                .flatMap(f -> stream(f.data().path("verifies")))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** Countermeasure id to the limits of the probes that verify it only on some hosts (and no probe does everywhere). */
    public Map<String, String> countermeasuresPartlyVerified() {
        Set<String> full = countermeasuresVerifiedByProbes();
        Map<String, String> partly = new TreeMap<>();
        files.stream().filter(f -> f.kind() == RecordKind.PROBE).filter(f -> f.data().hasNonNull("applies_only"))
                .forEach(f -> stream(f.data().path("verifies")).filter(cm -> !full.contains(cm))
                        .forEach(cm -> partly.merge(cm, f.data().get("applies_only").asText(), (a, b) -> a + "; " + b)));
        return partly;
    }

    public List<ContentFile> countermeasures(boolean technical) {
        return files.stream().filter(f -> f.kind() == RecordKind.COUNTERMEASURE)
                .filter(f -> f.data().path("technical").asBoolean() == technical).toList();
    }

    public List<ContentFile> countermeasuresWithoutProbe() {
        Set<String> verified = countermeasuresVerifiedByProbes();
        return files.stream().filter(f -> f.kind() == RecordKind.COUNTERMEASURE).filter(f -> !verified.contains(f.id())).toList();
    }

    public double technicalProbeCoverage() {
        List<ContentFile> technical = countermeasures(true);
        Set<String> verified = countermeasuresVerifiedByProbes();
        return technical.isEmpty() ? 0 : (double) technical.stream().filter(f -> verified.contains(f.id())).count() / technical.size();
    }

    /** Control mapping rows by basis: SP 800-190 Appendix B, the DISA SRG, or this knowledge base's inference. */
    public Map<String, Long> controlMappingsByBasis() {
        Map<String, Long> counts = new java.util.TreeMap<>();
        for (String basis : List.of("sp800-190-appendix-b", "disa-srg", "kb-inference")) {
            counts.put(basis, 0L);
        }
        files.forEach(f -> f.data().path("controls").forEach(row -> counts.merge(row.path("basis").asText(), 1L, Long::sum)));
        return counts;
    }

    public String render() {
        StringBuilder out = new StringBuilder("Content coverage\n\nRecords per kind\n");
        countsByKind().forEach((kind, n) -> out.append(String.format("  %-18s %4d%n", kind.plural, n)));
        out.append("\nRecords citing each source\n");
        citingRecordsBySource().forEach((source, n) -> out.append(String.format("  %-55s %4d%n", source, n)));
        out.append("\nSP 800-53 control mappings by basis\n");
        controlMappingsByBasis().forEach((basis, n) -> out.append(String.format("  %-55s %4d%n", basis, n)));
        out.append(String.format("%nTechnical countermeasures with a probe: %.0f %% (%d technical)%n",
                technicalProbeCoverage() * 100, countermeasures(true).size()));
        out.append("\nCountermeasures without a probe\n");
        for (ContentFile cm : countermeasuresWithoutProbe()) {
            String partly = countermeasuresPartlyVerified().get(cm.id());
            String reason = partly != null ? "partly: its probe applies only on " + partly
                    : cm.data().path("technical").asBoolean() ? "technical: a probe is missing"
                    : "manual: " + firstSentence(cm.data().path("manual_reason").asText("no reason given"));
            out.append(String.format("  %-40s %s%n", cm.id(), reason));
        }
        return out.toString();
    }

    private static String firstSentence(String text) {
        String flat = text.replaceAll("\\s+", " ").strip();
        int end = flat.indexOf(". ");
        return end < 0 ? flat : flat.substring(0, end + 1);
    }

    private static java.util.stream.Stream<String> stream(JsonNode array) {
        java.util.stream.Stream.Builder<String> builder = java.util.stream.Stream.builder();
        array.forEach(node -> builder.add(node.asText()));
        return builder.build();
    }

    public static void main(String[] args) {
        System.out.print(of(Path.of(args.length > 0 ? args[0] : "content")).render());
    }
}
