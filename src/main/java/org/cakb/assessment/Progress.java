package org.cakb.assessment;

import org.cakb.common.Rows;

import jakarta.persistence.EntityManager;

import java.util.List;
import java.util.Map;

import java.util.TreeMap;

/** Counting checklist results: per list of items, and per assessment in one query. */
public final class Progress {

    private Progress() {
    }

    public static AssessmentViews.Progress of(List<ChecklistItem> items) {
        int[] n = new int[6];
        java.time.LocalDate today = java.time.LocalDate.now();
        for (ChecklistItem i : items) {
            n[ChecklistItem.RESULTS.indexOf(i.result)]++;
            if (i.waived(today)) {
                n[5]++;
            }
        }
        return fromCounts(n);
    }

    /**
     * n holds the count of each result, in the order of {@link ChecklistItem#RESULTS} (not-assessed first), then the
     * count of items under an approved, unexpired waiver.
     */
    private static AssessmentViews.Progress fromCounts(int[] n) {
        int total = n[0] + n[1] + n[2] + n[3] + n[4];
        int assessed = total - n[0];
        return new AssessmentViews.Progress(total, assessed, n[1], n[2], n[3], n[4], n[0], total == 0 ? 0 : assessed * 100 / total, n[5]);
    }

    static Map<Long, AssessmentViews.Progress> byAssessment(EntityManager em) {
        Map<Long, int[]> counts = new TreeMap<>();
        Rows.list(em, """
                SELECT assessment_id AS assessment, result, count(*) AS n,
                       count(*) FILTER (WHERE waiver_state = 'approved' AND waiver_expires >= current_date) AS waived
                FROM checklist_item GROUP BY assessment_id, result""", row -> {
            int[] n = counts.computeIfAbsent(Rows.number(row, "assessment"), k -> new int[6]);
            n[ChecklistItem.RESULTS.indexOf(row.get("result", String.class))] += (int) Rows.number(row, "n");
            n[5] += (int) Rows.number(row, "waived");
            return n;
        });
        Map<Long, AssessmentViews.Progress> result = new TreeMap<>();
        counts.forEach((id, n) -> result.put(id, fromCounts(n)));
        return result;
    }

}
