package org.cakb.assessment;

import java.util.Collection;
import java.util.List;

/**
 * How the latest probe results of an item's linked hosts become a suggested result. Only pass and fail say anything
 * about the requirement; not-applicable counts only when nothing else was observed, and errors never count (a check
 * that could not run is no evidence either way, so it is shown but left to the assessor).
 */
public final class SuggestionRule {

    /** The rule as shown to assessors, one line per case, in the order they are tried. */
    public static final List<String> TEXT = List.of(
            "Only the current state counts: each linked host and each of its containers is one observation per check; errors are shown but never count.",
            "Every pass/fail result passes → satisfied.",
            "Every pass/fail result fails → not-satisfied.",
            "Some pass and some fail → partially-satisfied.",
            "No pass or fail, only not-applicable → not-applicable.",
            "Nothing observed, or only errors → no suggestion (decide by hand).");

    private SuggestionRule() {
    }

    /** The suggested result for these statuses, or null when the rule makes none. */
    public static String suggest(Collection<String> statuses) {
        long pass = statuses.stream().filter("pass"::equals).count();
        long fail = statuses.stream().filter("fail"::equals).count();
        long notApplicable = statuses.stream().filter("not-applicable"::equals).count();
        if (pass > 0 && fail == 0) {
            return "satisfied";
        }
        if (fail > 0 && pass == 0) {
            return "not-satisfied";
        }
        if (pass > 0) {
            return "partially-satisfied";
        }
        return notApplicable > 0 ? "not-applicable" : null;
    }
}
