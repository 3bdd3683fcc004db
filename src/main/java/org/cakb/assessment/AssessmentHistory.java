package org.cakb.assessment;

import jakarta.enterprise.context.ApplicationScoped;

import jakarta.transaction.Transactional;

import org.cakb.common.PageOf;

import java.time.OffsetDateTime;

import java.util.LinkedHashMap;

import java.util.List;
import java.util.Map;

import static org.cakb.assessment.ChecklistRecords.*;

/** The recorded changes of an assessment and its items. */
@ApplicationScoped
public class AssessmentHistory {

    @Transactional
    public List<AssessmentViews.History> history(long id) {
        find(id);
        return HistoryEntry.<HistoryEntry>list("assessmentId = ?1 order by id", id).stream().map(AssessmentViews.History::of).toList();
    }

    @Transactional
    public List<AssessmentViews.History> itemHistory(long id, long itemId) {
        ChecklistItem i = findItem(id, itemId);
        return HistoryEntry.<HistoryEntry>list("itemId = ?1 order by id", i.id).stream().map(AssessmentViews.History::of).toList();
    }

    /** One page of the assessment's history (its items' changes included), by id; since keeps entries at or after it. */
    @Transactional
    public PageOf<AssessmentViews.History> historyPage(long id, OffsetDateTime since, int page, int size) {
        find(id);
        return historyPage("assessmentId", id, since, page, size);
    }

    @Transactional
    public PageOf<AssessmentViews.History> itemHistoryPage(long id, long itemId, OffsetDateTime since, int page, int size) {
        ChecklistItem i = findItem(id, itemId);
        return historyPage("itemId", i.id, since, page, size);
    }

    private PageOf<AssessmentViews.History> historyPage(String owner, long ownerId, OffsetDateTime since, int page, int size) {
        String where = owner + " = :owner" + (since == null ? "" : " AND at >= :since");
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("owner", ownerId);
        if (since != null) {
            parameters.put("since", since);
        }
        long total = HistoryEntry.count(where, parameters);
        List<AssessmentViews.History> entries = HistoryEntry.<HistoryEntry>find(where + " order by id", parameters)
                .page(page - 1, size).list().stream().map(AssessmentViews.History::of).toList();
        return PageOf.of(entries, page, size, total);
    }

}
