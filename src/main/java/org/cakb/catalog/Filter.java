package org.cakb.catalog;

import java.util.List;
import java.util.Map;

/**
 * A query parameter that filters a record list by one attribute of the content file.
 * {@code array} attributes (lists of ids or technique IDs) match when they contain the value.
 */
public record Filter(String param, String attribute, boolean array) {

    private static final Map<RecordKind, List<Filter>> BY_KIND = Map.of(
            RecordKind.SOURCE, List.of(new Filter("document-type", "document_type", false)),
            RecordKind.REQUIREMENT, List.of(new Filter("area", "area", false), new Filter("category", "category", false),
                    new Filter("document", "document", false)),
            RecordKind.THREAT, List.of(new Filter("category", "category", false), new Filter("technique", "attack_techniques", true),
                    new Filter("countermeasure", "mitigated-by", true)),
            RecordKind.COUNTERMEASURE, List.of(new Filter("layer", "layer", false), new Filter("technical", "technical", false),
                    new Filter("requirement", "satisfies", true)),
            RecordKind.RECOMMENDATION, List.of(new Filter("scope", "scope", false), new Filter("platform", "platform", false),
                    new Filter("countermeasure", "recommends", true)),
            RecordKind.PLATFORM, List.of(new Filter("lifecycle", "lifecycle", false)),
            RecordKind.PLATFORM_DEFAULT, List.of(new Filter("platform", "platform", false),
                    new Filter("countermeasure", "countermeasure", false), new Filter("state", "state", false),
                    new Filter("evidence", "evidence", false)),
            RecordKind.PROBE, List.of(new Filter("countermeasure", "verifies", true), new Filter("vantage", "vantage", false)),
            RecordKind.CONTROL, List.of(new Filter("family", "family", false)));

    public static List<Filter> forKind(RecordKind kind) {
        return BY_KIND.getOrDefault(kind, List.of());
    }
}
