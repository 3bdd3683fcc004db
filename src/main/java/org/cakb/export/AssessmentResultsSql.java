package org.cakb.export;

/**
 * The queries behind the OSCAL assessment-results export. Probe evidence of an item: the current results of each
 * host linked to the assessment and of each of its containers (view fleet_current_result), of the checks whose countermeasures satisfy the item's requirement
 * (kb_link "satisfies", active countermeasures only), as in the fleet pages.
 */
final class AssessmentResultsSql {

    private AssessmentResultsSql() {
    }

    /** For the sort of ITEM_PROBE_LINKS (hundreds of thousands of short rows for thousands of hosts). */
    static final String WORK_MEM = "64MB";

    static final String ASSESSMENT = """
            SELECT a.name, a.target, a.status, a.start_date, a.created_at, a.completed_at, a.version,
                   greatest(a.updated_at, (SELECT max(i.updated_at) FROM checklist_item i WHERE i.assessment_id = a.id)),
                   (SELECT string_agg(u.username, ',' ORDER BY u.username) FROM assessment_assessor aa
                    JOIN app_user u ON u.id = aa.user_id WHERE aa.assessment_id = a.id)
            FROM assessment a WHERE a.id = ?""";

    /** Waivers count only when approved (requests, refusals and withdrawals are left out; expiry is judged by the writer). */
    static final String ITEMS = """
            SELECT i.id, i.position, i.requirement_id, i.requirement_title, i.result, i.justification, i.evidence_text,
                   i.evidence_links::text, i.evidence_method,
                   CASE WHEN i.waiver_state = 'approved' THEN i.waiver_reason
                        || coalesce(E'\nCompensating controls: ' || i.waiver_controls, '') END,
                   CASE WHEN i.waiver_state = 'approved' THEN i.waiver_approver END,
                   CASE WHEN i.waiver_state = 'approved' THEN i.waiver_expires END,
                   i.updated_by, i.updated_at, i.area_title,
                   CASE WHEN i.waiver_state = 'approved' THEN i.waiver_requested_by END, i.waiver_decided_at
            FROM checklist_item i WHERE i.assessment_id = ? ORDER BY i.position""";

    /** Metadata only: the bytes stay in the database. */
    static final String ATTACHMENTS = """
            SELECT t.item_id, t.id, t.filename, t.content_type, t.size_bytes, t.sha256, t.uploaded_by, t.uploaded_at
            FROM item_attachment t JOIN checklist_item i ON i.id = t.item_id
            WHERE i.assessment_id = ? ORDER BY t.item_id, t.id""";

    /** The decisions without their observation snapshots (those can list thousands of hosts). */
    static final String DECISIONS = """
            SELECT e.item_id, e.id, e.decision, e.suggested_result, e.recorded_result, e.reason, e.decided_by, e.decided_at,
                   jsonb_array_length(e.observations)
            FROM item_probe_evidence e JOIN checklist_item i ON i.id = e.item_id
            WHERE i.assessment_id = ? ORDER BY e.item_id, e.id""";

    /** The SP 800-53 controls of each item's requirement, as OSCAL control ids (sp800-53:sc-4 becomes sc-4). */
    static final String CONTROL_MAPPINGS = """
            SELECT i.id, substring(m.control_id FROM 10), m.relationship, m.basis
            FROM checklist_item i JOIN kb_control_mapping m ON m.record_id = i.requirement_id
            WHERE i.assessment_id = ? ORDER BY i.id, m.position""";

    static final String PEOPLE = """
            SELECT u.username FROM assessment_assessor aa JOIN app_user u ON u.id = aa.user_id WHERE aa.assessment_id = ?
            UNION SELECT i.updated_by FROM checklist_item i WHERE i.assessment_id = ? AND i.updated_by IS NOT NULL
            UNION SELECT e.decided_by FROM item_probe_evidence e JOIN checklist_item i ON i.id = e.item_id WHERE i.assessment_id = ?
            ORDER BY 1""";

    /** The current results of the linked hosts and their containers: the view fleet_current_result (migration V20). */
    private static final String CURRENT = """
            latest AS (
                SELECT c.host_id, c.host, c.report_id, c.finished_at, c.agent_version, c.subject_id, c.kind, c.container_id,
                       c.container_name, c.container_runtime, c.check_id, c.status, c.observed, c.expected, c.countermeasures
                FROM fleet_current_result c JOIN assessment_host ah ON ah.host_id = c.host_id
                WHERE ah.assessment_id = ?)""";

    private static final String ITEM_COUNTERMEASURES = """
            item_cm AS (
                SELECT DISTINCT i.id AS item_id, i.position, l.from_id AS cm
                FROM checklist_item i
                JOIN kb_link l ON l.to_id = i.requirement_id AND l.relation = 'satisfies'
                JOIN kb_record c ON c.id = l.from_id AND c.kind = 'countermeasure' AND c.status = 'active'
                WHERE i.assessment_id = ?)""";

    /** Parameter: assessment id. */
    static final String AGENT_VERSIONS = "WITH " + CURRENT + "\nSELECT DISTINCT agent_version FROM latest ORDER BY 1";

    /** The present containers of the hosts linked to the assessment. Parameter: assessment id. */
    static final String CONTAINERS = """
            SELECT s.id, s.host_id, h.name, s.runtime, s.container_id, s.name, s.image
            FROM assessment_host ah JOIN fleet_host h ON h.id = ah.host_id
            JOIN fleet_subject s ON s.host_id = h.id AND s.kind = 'container' AND s.gone_at IS NULL
            WHERE ah.assessment_id = ? ORDER BY h.name, s.id""";

    /** Hosts linked to the assessment (with or without reports). */
    static final String HOSTS = """
            SELECT h.id, h.name, h.description, h.labels::text, h.hostname, h.runtime, h.vantage
            FROM assessment_host ah JOIN fleet_host h ON h.id = ah.host_id
            WHERE ah.assessment_id = ? ORDER BY h.name""";

    /** One row per probe result that is evidence for at least one item. Parameters: assessment id, assessment id. */
    static final String PROBE_OBSERVATIONS = "WITH " + CURRENT + ", " + ITEM_COUNTERMEASURES + "\n" + """
            SELECT l.host_id, l.host, l.report_id::text, l.finished_at, l.agent_version, l.check_id, l.status,
                   l.observed, l.expected, array_to_string(l.countermeasures, ' '), l.kind, l.subject_id,
                   coalesce(l.container_name, l.container_id), l.container_runtime
            FROM latest l
            WHERE l.countermeasures && (SELECT array_agg(DISTINCT cm) FROM item_cm)
            ORDER BY l.host, l.kind DESC, l.subject_id, l.check_id""";

    /**
     * Which probe results are evidence for which item, in item order; a result verifying several of an item's
     * countermeasures comes once per countermeasure (next to each other). Parameters: assessment id, assessment id.
     */
    static final String ITEM_PROBE_LINKS = "WITH " + CURRENT + ", " + ITEM_COUNTERMEASURES + "\n" + """
            SELECT ic.position, ic.item_id, l.host, l.report_id::text, l.check_id, l.kind, l.subject_id
            FROM latest l
            JOIN item_cm ic ON ic.cm = ANY (l.countermeasures)
            ORDER BY ic.position, l.host, l.kind DESC, l.subject_id, l.check_id""";
}
