package org.cakb.catalog;

import java.util.List;
import java.util.Optional;

/**
 * How a field of a content file becomes a typed link. Links are declared once, on the {@code from} side,
 * and read in both directions: {@code relation} going out, {@code inverse} coming in. A field is a list of ids, or,
 * when {@code key} is set, a list of objects whose {@code key} property is the target id (a control mapping row).
 */
public record LinkRule(RecordKind from, String field, String relation, String inverse, RecordKind target, String key) {

    public LinkRule(RecordKind from, String field, String relation, String inverse, RecordKind target) {
        this(from, field, relation, inverse, target, null);
    }

    /** The target id of one element of the field. */
    public String targetOf(com.fasterxml.jackson.databind.JsonNode element) {
        return key == null ? element.asText() : element.path(key).asText();
    }

    public static final List<LinkRule> ALL = List.of(
            new LinkRule(RecordKind.REQUIREMENT, "derived-from", "derived-from", "derives", RecordKind.REQUIREMENT),
            new LinkRule(RecordKind.REQUIREMENT, "area", "in-area", "area-includes", RecordKind.REQUIREMENT),
            new LinkRule(RecordKind.THREAT, "mitigated-by", "mitigated-by", "mitigates", RecordKind.COUNTERMEASURE),
            new LinkRule(RecordKind.THREAT, "addressed-by", "addressed-by", "addresses", RecordKind.REQUIREMENT),
            new LinkRule(RecordKind.COUNTERMEASURE, "satisfies", "satisfies", "satisfied-by", RecordKind.REQUIREMENT),
            new LinkRule(RecordKind.RECOMMENDATION, "recommends", "recommends", "recommended-by", RecordKind.COUNTERMEASURE),
            new LinkRule(RecordKind.RECOMMENDATION, "platform", "applies-to", "has-recommendation", RecordKind.PLATFORM),
            new LinkRule(RecordKind.PLATFORM_DEFAULT, "platform", "default-of", "has-default", RecordKind.PLATFORM),
            new LinkRule(RecordKind.PLATFORM_DEFAULT, "countermeasure", "for", "platform-default", RecordKind.COUNTERMEASURE),
            new LinkRule(RecordKind.PROBE, "verifies", "verifies", "verified-by", RecordKind.COUNTERMEASURE),
            new LinkRule(RecordKind.REQUIREMENT, "controls", "maps-to", "mapped-from", RecordKind.CONTROL, "control"),
            new LinkRule(RecordKind.COUNTERMEASURE, "controls", "maps-to", "mapped-from", RecordKind.CONTROL, "control"));

    public static List<LinkRule> forKind(RecordKind kind) {
        return ALL.stream().filter(rule -> rule.from == kind).toList();
    }

    public static Optional<LinkRule> byRelation(String relation) {
        return ALL.stream().filter(rule -> rule.relation.equals(relation)).findFirst();
    }
}
