package org.cakb.assessment;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Tuple;
import jakarta.transaction.Transactional;
import org.cakb.common.Rows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An assessment in SP 800-53 terms: its checklist items rolled up per control they map to (kb_control_mapping rows of
 * the item's requirement), with the current probe results of the linked hosts behind each control (checks verifying a
 * countermeasure that maps to the control or satisfies one of its items' requirements).
 */
@ApplicationScoped
public class ControlRollups implements org.cakb.catalog.ControlAssessments {

    @Inject
    org.cakb.security.Access access;
    @Inject
    AssessmentService assessments;

    private static final String ASSESSMENTS_OF_CONTROL = """
            SELECT a.id FROM assessment a
            WHERE EXISTS (SELECT 1 FROM checklist_item i JOIN kb_control_mapping m ON m.record_id = i.requirement_id
                          WHERE i.assessment_id = a.id AND m.control_id = :c)
            ORDER BY greatest(a.updated_at, (SELECT max(i.updated_at) FROM checklist_item i WHERE i.assessment_id = a.id)) DESC NULLS LAST, a.id DESC
            LIMIT :n""";

    /** Items per control: one row per (control, item). Parameter: a = assessment id. */
    private static final String ITEMS = """
            SELECT m.control_id, c.title AS control_title, c.attributes ->> 'control_id' AS label,
                   c.attributes ->> 'family' AS family, c.attributes ->> 'family_title' AS family_title,
                   i.id AS item_id, i.requirement_id, i.requirement_title, i.result, m.relationship, m.basis
            FROM checklist_item i
            JOIN kb_control_mapping m ON m.record_id = i.requirement_id
            JOIN kb_record c ON c.id = m.control_id AND c.status = 'active'
            WHERE i.assessment_id = :a
            ORDER BY c.attributes ->> 'family', m.control_id, i.position""";

    /** Current results of the linked hosts per control, counted by status. Parameter: a = assessment id. */
    private static final String PROBES = """
            WITH item_controls AS (
                SELECT DISTINCT m.control_id, i.requirement_id FROM checklist_item i
                JOIN kb_control_mapping m ON m.record_id = i.requirement_id WHERE i.assessment_id = :a),
            control_cms AS (
                SELECT ic.control_id, s.from_id AS cm FROM item_controls ic
                JOIN kb_link s ON s.to_id = ic.requirement_id AND s.relation = 'satisfies'
                UNION
                SELECT m.control_id, m.record_id FROM kb_control_mapping m
                WHERE m.record_kind = 'countermeasure' AND m.control_id IN (SELECT control_id FROM item_controls))
            , evidence AS (
                SELECT DISTINCT cc.control_id, r.host_id, r.subject_id, r.check_id, r.status
                FROM control_cms cc
                JOIN fleet_current_result r ON cc.cm = ANY (r.countermeasures)
                JOIN assessment_host ah ON ah.host_id = r.host_id AND ah.assessment_id = :a)
            SELECT e.control_id, e.status, count(*) AS results,
                   (SELECT count(DISTINCT h.host_id) FROM evidence h WHERE h.control_id = e.control_id) AS hosts
            FROM evidence e
            GROUP BY e.control_id, e.status""";

    @Inject
    EntityManager em;

    @Transactional
    public List<ControlViews.ControlResult> rollup(long assessmentId) {
        ChecklistRecords.find(assessmentId);
        Map<String, Builder> byControl = new LinkedHashMap<>();
        for (Tuple row : Rows.list(em, ITEMS, Map.of("a", assessmentId), row -> row)) {
            Builder b = byControl.computeIfAbsent(row.get("control_id", String.class), id -> new Builder(id,
                    row.get("label", String.class), row.get("control_title", String.class), row.get("family", String.class),
                    row.get("family_title", String.class)));
            b.items.add(new ControlViews.SupportingItem(Rows.number(row, "item_id"), row.get("requirement_id", String.class),
                    row.get("requirement_title", String.class), row.get("result", String.class),
                    row.get("relationship", String.class), row.get("basis", String.class)));
        }
        for (Tuple row : Rows.list(em, PROBES, Map.of("a", assessmentId), row -> row)) {
            Builder b = byControl.get(row.get("control_id", String.class));
            if (b != null) {
                b.probes.add(row.get("status", String.class), Rows.number(row, "results"), Rows.number(row, "hosts"));
            }
        }
        return byControl.values().stream().map(Builder::build).toList();
    }

    @Override
    @Transactional
    public List<Standing> forControl(String controlId, int limit) {
        List<Standing> result = new ArrayList<>();
        // only assessments the signed-in person may read (members: assigned or granted), like every other assessment read
        java.util.Set<Long> visible = access.seesAllAssessments() ? null : assessments.memberOf(access.username());
        for (String id : Rows.strings(em, ASSESSMENTS_OF_CONTROL.replace("SELECT a.id", "SELECT a.id::text"),
                Map.of("c", controlId, "n", visible == null ? limit : 1000))) {
            if (result.size() >= limit || visible != null && !visible.contains(Long.parseLong(id))) {
                continue;
            }
            Assessment a = ChecklistRecords.find(Long.parseLong(id));
            rollup(a.id).stream().filter(c -> c.control().equals(controlId)).findFirst().ifPresent(c -> result.add(new Standing(a.id, a.name,
                    a.status, c.status(), c.items().total(), c.items().satisfied(), c.items().notSatisfied() + c.items().partiallySatisfied(),
                    c.items().notAssessed(), c.probes().pass(), c.probes().fail(), c.probes().hosts())));
        }
        return result;
    }

    private static final class Builder {
        final String id;
        final String label;
        final String title;
        final String family;
        final String familyTitle;
        final List<ControlViews.SupportingItem> items = new ArrayList<>();
        final ProbeTally probes = new ProbeTally();

        Builder(String id, String label, String title, String family, String familyTitle) {
            this.id = id;
            this.label = label;
            this.title = title;
            this.family = family;
            this.familyTitle = familyTitle;
        }

        ControlViews.ControlResult build() {
            int satisfied = 0;
            int partially = 0;
            int notSatisfied = 0;
            int notApplicable = 0;
            int notAssessed = 0;
            for (ControlViews.SupportingItem item : items) {
                switch (item.result()) {
                    case "satisfied" -> satisfied++;
                    case "partially-satisfied" -> partially++;
                    case "not-satisfied" -> notSatisfied++;
                    case "not-applicable" -> notApplicable++;
                    default -> notAssessed++;
                }
            }
            ControlViews.Counts counts = new ControlViews.Counts(items.size(), satisfied, partially, notSatisfied, notApplicable, notAssessed);
            return new ControlViews.ControlResult(id, label, title, family, familyTitle, status(counts), counts, probes.view(), List.copyOf(items));
        }

        /** Worst first: one unmet item makes the control not satisfied; any open item keeps it from being satisfied. */
        private static String status(ControlViews.Counts c) {
            if (c.notSatisfied() > 0) {
                return "not-satisfied";
            }
            if (c.partiallySatisfied() > 0) {
                return "partially-satisfied";
            }
            if (c.notAssessed() > 0) {
                return c.notAssessed() == c.total() ? "not-assessed" : "partially-assessed";
            }
            return c.satisfied() > 0 ? "satisfied" : "not-applicable";
        }
    }

    private static final class ProbeTally {
        long pass;
        long fail;
        long error;
        long other;
        long hosts;

        void add(String status, long results, long hostCount) {
            switch (status) {
                case "pass" -> pass += results;
                case "fail" -> fail += results;
                case "error" -> error += results;
                default -> other += results;
            }
            hosts = hostCount; // the same figure on every status row of a control
        }

        ControlViews.ProbeEvidence view() {
            return new ControlViews.ProbeEvidence(pass, fail, error, other, hosts);
        }
    }
}
