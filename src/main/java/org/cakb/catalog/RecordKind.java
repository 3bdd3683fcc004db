package org.cakb.catalog;

import java.util.Arrays;
import java.util.Optional;

/** The kinds of knowledge-base record; each has a folder in content/ and a collection in the API. */
public enum RecordKind {
    SOURCE("source", "sources"),
    REQUIREMENT("requirement", "requirements"),
    THREAT("threat", "threats"),
    COUNTERMEASURE("countermeasure", "countermeasures"),
    RECOMMENDATION("recommendation", "recommendations"),
    PLATFORM("platform", "platforms"),
    PLATFORM_DEFAULT("platform-default", "platform-defaults"),
    PROBE("probe", "probes"),
    CONTROL("control", "controls");

    /** Name used in the database, the JSON schemas and the API's {@code kind} field. */
    public final String code;
    /** Folder in content/ and path segment in the API and the web pages. */
    public final String plural;

    RecordKind(String code, String plural) {
        this.code = code;
        this.plural = plural;
    }

    public static Optional<RecordKind> fromCode(String code) {
        return Arrays.stream(values()).filter(k -> k.code.equals(code)).findFirst();
    }

    public static Optional<RecordKind> fromPlural(String plural) {
        return Arrays.stream(values()).filter(k -> k.plural.equals(plural)).findFirst();
    }

    /** Human label, e.g. "platform default". */
    public String label() {
        return code.replace('-', ' ');
    }
}
