package org.cakb.assessment;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.cakb.catalog.KbRecord;
import org.cakb.common.Rows;
import org.cakb.common.Validation;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a scope makes of a checklist: the items a new assessment gets, the count a choice would create (for the
 * scope picker), and changing the scope of an open assessment. A change adds items for requirements that came into
 * scope and removes items that left it, but only untouched ones: an item that holds work (a saved result, evidence,
 * a waiver, a file, probe evidence) is never deleted by a scope change; the change is refused and names them.
 */
@ApplicationScoped
public class ScopeChange {

    @Inject
    ScopeResolver scopes;
    @Inject
    EntityManager em;

    /** The requirements a scope selects, refused when it selects none or more than a checklist holds. */
    List<KbRecord> requirements(Scope scope) {
        if (scope.isEmpty()) {
            throw Validation.field("scope", "choose at least one area, countermeasure, recommendation or requirement");
        }
        List<KbRecord> requirements = scopes.resolve(scope);
        if (requirements.isEmpty()) {
            throw Validation.field("scope", "selects no active requirement");
        }
        if (requirements.size() > AssessmentService.MAX_ITEMS) {
            throw Validation.field("scope", "selects " + requirements.size() + " requirements; at most " + AssessmentService.MAX_ITEMS);
        }
        return requirements;
    }

    /** How many checklist items each single area or recommendation creates, by record id (a countermeasure creates one). */
    public Map<String, Integer> itemCounts() {
        Map<String, Integer> counts = new TreeMap<>();
        Rows.list(em, """
                SELECT l.to_id AS choice, count(DISTINCT r.id) AS items FROM kb_record r
                JOIN kb_link l ON l.from_id = r.id AND l.relation = 'in-area'
                WHERE r.status = 'active' AND r.attributes ->> 'category' = 'assurance-requirement'
                GROUP BY l.to_id
                UNION ALL
                SELECT rl.from_id AS choice, count(DISTINCT req.id) AS items FROM kb_link rl
                JOIN kb_link sat ON sat.from_id = rl.to_id AND sat.relation = 'satisfies'
                JOIN kb_record req ON req.id = sat.to_id AND req.status = 'active'
                WHERE rl.relation = 'recommends'
                GROUP BY rl.from_id""", Map.of(), row -> counts.put(row.get("choice", String.class), (int) Rows.number(row, "items")));
        return counts;
    }

    /** Appends items for {@code requirements} after position {@code after}. */
    void addItems(long assessmentId, List<KbRecord> requirements, int after) {
        Map<String, String> areaTitles = new TreeMap<>();
        int position = after + 1;
        for (KbRecord r : requirements) {
            ChecklistItem item = new ChecklistItem();
            item.assessmentId = assessmentId;
            item.position = position++;
            item.requirementId = r.id;
            item.requirementTitle = r.title;
            item.requirementHash = r.contentHash;
            item.areaId = r.attribute("area");
            if (item.areaId != null) {
                item.areaTitle = areaTitles.computeIfAbsent(item.areaId, id -> {
                    KbRecord area = KbRecord.findById(id);
                    return area == null ? id : area.title;
                });
            }
            item.persist();
        }
    }

    /** Applies a new scope to an open assessment (locked by the caller); returns "+added −removed" for the history. */
    String apply(Assessment a, Scope scope, String actor) {
        List<KbRecord> wanted = requirements(scope);
        Set<String> wantedIds = new LinkedHashSet<>(wanted.stream().map(r -> r.id).toList());
        List<ChecklistItem> existing = ChecklistItem.list("assessmentId = ?1 order by position", a.id);
        Set<String> present = new LinkedHashSet<>(existing.stream().map(i -> i.requirementId).toList());
        List<ChecklistItem> leaving = existing.stream().filter(i -> !wantedIds.contains(i.requirementId)).toList();
        if (!leaving.isEmpty()) {
            List<String> worked = worked(a.id, leaving.stream().map(i -> i.id).toList());
            if (!worked.isEmpty()) {
                throw Validation.field("scope", "the new scope would remove " + worked.size() + " item(s) that already hold work ("
                        + String.join("; ", worked.stream().limit(5).toList()) + (worked.size() > 5 ? "; …" : "")
                        + "). Keep them in scope, for example as hand-picked requirements");
            }
            for (ChecklistItem i : leaving) {
                i.delete();
            }
        }
        List<KbRecord> added = new ArrayList<>(wanted.stream().filter(r -> !present.contains(r.id)).toList());
        int last = existing.stream().mapToInt(i -> i.position).max().orElse(0);
        addItems(a.id, added, last);
        a.scope = scope;
        return "+" + added.size() + " item(s), -" + leaving.size() + " item(s); scope: " + scope;
    }

    /** Titles of the given items that hold anything worth keeping. */
    private List<String> worked(long assessmentId, List<Long> itemIds) {
        return Rows.strings(em, """
                SELECT i.requirement_title FROM checklist_item i
                WHERE i.assessment_id = :a AND i.id IN (:ids)
                  AND (i.version > 0 OR i.result <> 'not-assessed' OR i.justification <> '' OR i.evidence_text <> ''
                       OR jsonb_array_length(i.evidence_links) > 0 OR i.waiver_reason IS NOT NULL
                       OR EXISTS (SELECT 1 FROM item_attachment x WHERE x.item_id = i.id)
                       OR EXISTS (SELECT 1 FROM item_probe_evidence e WHERE e.item_id = i.id)
                       OR EXISTS (SELECT 1 FROM assessment_history h WHERE h.item_id = i.id))
                ORDER BY i.position""", Map.of("a", assessmentId, "ids", itemIds));
    }
}
