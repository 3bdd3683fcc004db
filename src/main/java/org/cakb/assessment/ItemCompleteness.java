package org.cakb.assessment;

import java.util.ArrayList;
import java.util.List;

/**
 * What a checklist result needs beside itself: every result other than "not assessed" a justification, and
 * "satisfied" also evidence (a description, a link, an attached file, or accepted probe evidence). Checked on every
 * save, from the API and the pages alike, and reported together with the input's other problems.
 */
final class ItemCompleteness {

    private ItemCompleteness() {
    }

    static List<String> problems(AssessmentViews.ItemUpdate req, boolean hasFiles, boolean acceptedProbeEvidence) {
        List<String> problems = new ArrayList<>();
        String result = req.result();
        if (result == null || !ChecklistItem.RESULTS.contains(result) || ChecklistItem.NOT_ASSESSED.equals(result)) {
            return problems;
        }
        if (blank(req.justification())) {
            problems.add("Justification: explain why the result is " + result.replace('-', ' ')
                    + " (every result other than not assessed needs a justification)");
        }
        boolean evidence = !blank(req.evidenceText()) || (req.evidenceLinks() != null && req.evidenceLinks().stream().anyMatch(l -> l != null && l.strip().matches("https?://\\S+")))
                || hasFiles || acceptedProbeEvidence;
        if ("satisfied".equals(result) && !evidence) {
            problems.add("Evidence: a satisfied result needs evidence: describe it, add a link, attach a file, or accept probe evidence");
        }
        return problems;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
