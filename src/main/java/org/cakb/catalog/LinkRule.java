package org.cakb.catalog;

import java.util.List;
import java.util.Optional;

/**
 * How a field of a content file becomes a typed link. Links are declared once, on the {@code from} side,
 * and read in both directions: {@code relation} going out, {@code inverse} coming in.
 */
public record LinkRule(RecordKind from, String field, String relation, String inverse, RecordKind target) {

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
            new LinkRule(RecordKind.PROBE, "verifies", "verifies", "verified-by", RecordKind.COUNTERMEASURE));

    public static List<LinkRule> forKind(RecordKind kind) {
        return ALL.stream().filter(rule -> rule.from == kind).toList();
    }

    public static Optional<LinkRule> byRelation(String relation) {
        return ALL.stream().filter(rule -> rule.relation.equals(relation)).findFirst();
    }
}
