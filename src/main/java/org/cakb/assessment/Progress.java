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
        int[] n = new int[5];
        for (ChecklistItem i : items) {
            n[ChecklistItem.RESULTS.indexOf(i.result)]++;
        }
        return fromCounts(n);
    }

    /** n holds the count of each result, in the order of {@link ChecklistItem#RESULTS} (not-assessed first). */
    private static AssessmentViews.Progress fromCounts(int[] n) {
        int total = n[0] + n[1] + n[2] + n[3] + n[4];
        int assessed = total - n[0];
        return new AssessmentViews.Progress(total, assessed, n[1], n[2], n[3], n[4], n[0], total == 0 ? 0 : assessed * 100 / total);
    }

    static Map<Long, AssessmentViews.Progress> byAssessment(EntityManager em) {
        Map<Long, int[]> counts = new TreeMap<>();
        Rows.list(em, "SELECT assessment_id AS assessment, result, count(*) AS n FROM checklist_item GROUP BY assessment_id, result",
                row -> counts.computeIfAbsent(Rows.number(row, "assessment"), k -> new int[5])
                        [ChecklistItem.RESULTS.indexOf(row.get("result", String.class))] += (int) Rows.number(row, "n"));
        Map<Long, AssessmentViews.Progress> result = new TreeMap<>();
        counts.forEach((id, n) -> result.put(id, fromCounts(n)));
        return result;
    }

}
