package org.cakb.assessment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Tuple;
import jakarta.transaction.Transactional;
import org.cakb.common.DomainException;
import org.cakb.common.Rows;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a STIG Viewer checklist of an assessment needs: the checklist items whose requirement is a DISA SRG requirement
 * (with the SRG rule's identifiers and texts from the record) and the current probe results of the linked hosts that
 * verify those requirements' countermeasures.
 */
@ApplicationScoped
public class StigChecklistQueries {

    private static final String ITEMS = """
            SELECT i.id, i.requirement_id, i.requirement_title, i.result, i.justification, i.evidence_text, i.evidence_method,
                   i.waiver_reason, i.waiver_approver, i.waiver_expires, i.updated_by, i.updated_at,
                   r.attributes -> 'srg' AS srg, r.body
            FROM checklist_item i JOIN kb_record r ON r.id = i.requirement_id
            WHERE i.assessment_id = :a AND r.attributes ->> 'category' = 'srg-requirement'
            ORDER BY r.attributes -> 'srg' ->> 'group_id', i.position""";

    private static final String PROBES = """
            SELECT DISTINCT i.id AS item_id, res.host, CASE WHEN res.kind = 'container' THEN coalesce(nullif(res.container_name, ''), res.container_id) END AS container, res.check_id,
                   res.status, res.observed, res.finished_at
            FROM checklist_item i
            JOIN kb_link s ON s.to_id = i.requirement_id AND s.relation = 'satisfies'
            JOIN kb_record c ON c.id = s.from_id AND c.kind = 'countermeasure' AND c.status = 'active'
            JOIN fleet_current_result res ON s.from_id = ANY (res.countermeasures)
            JOIN assessment_host ah ON ah.host_id = res.host_id AND ah.assessment_id = i.assessment_id
            WHERE i.assessment_id = :a
            ORDER BY i.id, res.host, container NULLS FIRST, res.check_id""";

    @Inject
    EntityManager em;
    @Inject
    ObjectMapper json;

    public record Header(long id, String name, String target, Map<String, String> targetLabels, String status) {
    }

    public record Probe(String host, String container, String checkId, String status, String observed, OffsetDateTime finishedAt) {
    }

    public record Item(long id, String requirementId, String title, String result, String justification, String evidenceText,
                       String evidenceMethod, String waiverReason, String waiverApprover, String waiverExpires,
                       String updatedBy, OffsetDateTime updatedAt, JsonNode srg, List<Probe> probes) {
    }

    public record Checklist(Header assessment, List<Item> items) {
    }

    @Transactional
    public Checklist checklist(long assessmentId) {
        Assessment a = ChecklistRecords.find(assessmentId);
        Map<Long, List<Probe>> probes = new LinkedHashMap<>();
        for (Tuple row : Rows.list(em, PROBES, Map.of("a", assessmentId), row -> row)) {
            probes.computeIfAbsent(Rows.number(row, "item_id"), k -> new ArrayList<>()).add(new Probe(row.get("host", String.class),
                    row.get("container", String.class), row.get("check_id", String.class), row.get("status", String.class),
                    row.get("observed", String.class), Times.of(row.get("finished_at"))));
        }
        List<Item> items = Rows.list(em, ITEMS, Map.of("a", assessmentId), row -> new Item(Rows.number(row, "id"),
                row.get("requirement_id", String.class), row.get("requirement_title", String.class), row.get("result", String.class),
                row.get("justification", String.class), row.get("evidence_text", String.class), row.get("evidence_method", String.class),
                row.get("waiver_reason", String.class), row.get("waiver_approver", String.class),
                row.get("waiver_expires") == null ? null : row.get("waiver_expires").toString(),
                row.get("updated_by", String.class), Times.of(row.get("updated_at")), srg(row.get("srg")),
                probes.getOrDefault(Rows.number(row, "id"), List.of())));
        if (items.isEmpty()) {
            throw DomainException.unprocessable("Assessment " + assessmentId + " has no DISA Container Platform SRG requirement in its "
                    + "scope, so there is nothing to put in a STIG Viewer checklist. Create an assessment whose scope.requirements "
                    + "lists disa-srg:... requirements (see /requirements?category=srg-requirement).");
        }
        return new Checklist(new Header(a.id, a.name, a.target, a.targetLabels, a.status), items);
    }

    private JsonNode srg(Object value) {
        try {
            return value == null ? json.createObjectNode() : json.readTree(value.toString());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("srg attributes of a loaded record are not JSON", e);
        }
    }
}
