package org.cakb.assessment;

import org.cakb.common.DomainException;
import org.cakb.common.Rows;

import org.cakb.common.Validation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Probe evidence of checklist items: requirement ← satisfies ← countermeasures ← verifies ← probes, whose results in the
 * current state of each host linked to the assessment and of each of its containers (view fleet_current_result) are the
 * observations; and the assessor's decisions on them.
 */
@ApplicationScoped
public class ProbeEvidenceService {

    @Inject
    EntityManager em;
    @Inject
    AssessmentService assessments;
    @Inject
    LinkedHosts linkedHosts;
    @Inject
    Validation validation;
    @Inject
    ObjectMapper json;

    @Transactional
    public EvidenceViews.ProbeEvidence evidence(long id, long itemId) {
        ChecklistRecords.find(id);
        return evidence(ChecklistRecords.findItem(id, itemId));
    }

    /**
     * For the checklist: per requirement of the assessment, how many probe observations its linked hosts have and how
     * many of them fail, in one query (nothing when no host is linked).
     */
    @Transactional
    public java.util.Map<String, int[]> summary(long assessmentId) {
        java.util.Map<String, int[]> result = new java.util.HashMap<>();
        Rows.list(em, """
                WITH probe AS (
                    SELECT DISTINCT s.to_id AS requirement_id, v.from_id AS check_id
                    FROM kb_link s
                    JOIN kb_record cm ON cm.id = s.from_id AND cm.status = 'active'
                    JOIN kb_link v ON v.to_id = cm.id AND v.relation = 'verifies'
                    JOIN kb_record p ON p.id = v.from_id AND p.status = 'active'
                    WHERE s.relation = 'satisfies'
                      AND s.to_id IN (SELECT requirement_id FROM checklist_item WHERE assessment_id = :a))
                SELECT probe.requirement_id, count(*) AS observations, count(*) FILTER (WHERE c.status = 'fail') AS failing
                FROM fleet_current_result c
                JOIN assessment_host ah ON ah.host_id = c.host_id AND ah.assessment_id = :a
                JOIN probe ON probe.check_id = c.check_id
                GROUP BY probe.requirement_id""", java.util.Map.of("a", assessmentId),
                row -> result.put(row.get("requirement_id", String.class),
                        new int[]{(int) Rows.number(row, "observations"), (int) Rows.number(row, "failing")}));
        return result;
    }

    private EvidenceViews.ProbeEvidence evidence(ChecklistItem item) {
        List<EvidenceViews.Observation> observations = observations(item);
        return new EvidenceViews.ProbeEvidence(item.id, item.requirementId, item.result, item.version,
                linkedHosts.list(item.assessmentId), observations,
                SuggestionRule.suggest(observations.stream().map(EvidenceViews.Observation::status).toList()), SuggestionRule.TEXT,
                fingerprint(observations), decisions(item.id), byHost(observations));
    }

    private List<EvidenceViews.Observation> observations(ChecklistItem item) {
        return Rows.list(em, """
                        WITH probe AS (
                            SELECT v.from_id AS check_id, string_agg(DISTINCT v.to_id, ' ' ORDER BY v.to_id) AS countermeasures
                            FROM kb_link s
                            JOIN kb_record cm ON cm.id = s.from_id AND cm.status = 'active'
                            JOIN kb_link v ON v.to_id = cm.id AND v.relation = 'verifies'
                            JOIN kb_record p ON p.id = v.from_id AND p.status = 'active'
                            WHERE s.to_id = :requirement AND s.relation = 'satisfies'
                            GROUP BY v.from_id)
                        SELECT c.host_id, c.host, c.check_id, probe.countermeasures, c.status, c.observed, c.expected,
                               c.report_id, c.finished_at, c.agent_version,
                               CASE WHEN c.kind = 'container' THEN c.subject_id END AS container_subject_id,
                               CASE WHEN c.kind = 'container' THEN coalesce(c.container_name, c.container_id) END AS container,
                               CASE WHEN c.kind = 'container' THEN c.container_runtime END AS container_runtime, c.since
                        FROM fleet_current_result c
                        JOIN assessment_host ah ON ah.host_id = c.host_id AND ah.assessment_id = :a
                        JOIN probe ON probe.check_id = c.check_id
                        ORDER BY c.host, c.kind DESC, coalesce(c.container_name, c.container_id), c.subject_id, c.check_id""",
                Map.of("requirement", item.requirementId, "a", item.assessmentId),
                r -> new EvidenceViews.Observation(Rows.number(r, "host_id"), r.get("host", String.class), r.get("check_id", String.class),
                        Arrays.asList(r.get("countermeasures", String.class).split(" ")), r.get("status", String.class),
                        r.get("observed", String.class), r.get("expected", String.class), r.get("report_id").toString(),
                        Times.of(r.get("finished_at")), r.get("agent_version", String.class), Rows.nullableNumber(r, "container_subject_id"),
                        r.get("container", String.class), r.get("container_runtime", String.class), Times.of(r.get("since"))));
    }

    /** Per linked host: how many of its containers were observed, the status counts, and its failing containers by name. */
    static List<EvidenceViews.HostEvidence> byHost(List<EvidenceViews.Observation> observations) {
        java.util.Map<Long, List<EvidenceViews.Observation>> hosts = new java.util.LinkedHashMap<>();
        observations.forEach(o -> hosts.computeIfAbsent(o.hostId(), k -> new ArrayList<>()).add(o));
        List<EvidenceViews.HostEvidence> result = new ArrayList<>();
        for (List<EvidenceViews.Observation> list : hosts.values()) {
            int[] counts = new int[4];
            List<String> statuses = List.of("pass", "fail", "not-applicable", "error");
            list.forEach(o -> counts[statuses.indexOf(o.status())]++);
            java.util.Set<String> failing = new java.util.TreeSet<>();
            boolean hostFails = false;
            for (EvidenceViews.Observation o : list) {
                if ("fail".equals(o.status())) {
                    if (o.container() == null) {
                        hostFails = true;
                    } else {
                        failing.add(o.container());
                    }
                }
            }
            int containers = (int) list.stream().map(EvidenceViews.Observation::containerSubjectId).filter(java.util.Objects::nonNull)
                    .distinct().count();
            result.add(new EvidenceViews.HostEvidence(list.get(0).hostId(), list.get(0).host(), containers, counts[0], counts[1],
                    counts[2], counts[3], hostFails, List.copyOf(failing)));
        }
        return result;
    }

    /** Changes whenever a linked host reports again, a host is linked or unlinked, or the content's probe links change. */
    static String fingerprint(List<EvidenceViews.Observation> observations) {
        StringBuilder canonical = new StringBuilder();
        for (EvidenceViews.Observation o : observations) {
            canonical.append(o.hostId()).append('\u001f').append(o.containerSubjectId()).append('\u001f').append(o.checkId()).append('\u001f').append(o.reportId()).append('\u001f')
                    .append(o.status()).append('\u001f').append(String.join(",", o.countermeasures())).append('\u001e');
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<EvidenceViews.PastDecision> decisions(long itemId) {
        return Rows.list(em, """
                        SELECT id, decision, suggested_result, recorded_result, reason, decided_by, decided_at, observations::text AS observations
                        FROM item_probe_evidence WHERE item_id = :i ORDER BY id DESC""", Map.of("i", itemId),
                r -> new EvidenceViews.PastDecision(Rows.number(r, "id"), r.get("decision", String.class), r.get("suggested_result", String.class),
                        r.get("recorded_result", String.class), r.get("reason", String.class), r.get("decided_by", String.class),
                        Times.of(r.get("decided_at")), read(r.get("observations", String.class))));
    }

    /**
     * Records a decision on the evidence exactly as the caller saw it: the item version and the evidence fingerprint
     * must still be current, otherwise 409 and nothing is written.
     */
    @Transactional
    public EvidenceViews.ProbeEvidence decide(long id, long itemId, EvidenceViews.Decision req, String actor) {
        validation.check(req);
        boolean accept = req.decision().equals("accept");
        String reason = req.reason() == null ? "" : req.reason().strip();
        if (!accept) {
            if (req.result() == null || !ChecklistItem.RESULTS.contains(req.result())) {
                throw unprocessable("result", "an override needs a result, one of " + String.join(", ", ChecklistItem.RESULTS));
            }
            if (reason.isEmpty()) {
                throw unprocessable("reason", "an override needs a reason: say why the probe results do not decide this item");
            }
        }
        Assessment a = ChecklistRecords.lockedAssessment(id); // serialises with host link changes, which alter the evidence
        ChecklistRecords.requireOpen(a);
        ChecklistItem item = ChecklistRecords.lockedItem(id, itemId);
        if (item.version != req.version()) {
            throw new ConflictException("Item " + itemId + " is at version " + item.version + (item.updatedBy == null ? ""
                    : " (last saved by " + item.updatedBy + " at " + item.updatedAt + ")") + "; you sent version " + req.version()
                    + ", so it changed after you loaded it. Nothing was recorded; reload the item and decide again.",
                    req, ChecklistRecords.stored(item));
        }
        EvidenceViews.ProbeEvidence current = evidence(item);
        if (!current.fingerprint().equals(req.fingerprint())) {
            throw new DomainException(DomainException.Kind.CONFLICT, "The probe evidence of item " + itemId + " changed after you loaded it"
                    + " (new reports arrived or linked hosts changed; fingerprint now " + current.fingerprint() + "). Nothing was"
                    + " recorded; reload the evidence, review it and decide again.");
        }
        String suggestion = current.suggestion();
        if (accept && suggestion == null) {
            throw unprocessable("decision", "there is no suggestion to accept (no pass, fail or not-applicable result);"
                    + " override with a result and a reason instead");
        }
        if (!accept && req.result().equals(suggestion)) {
            throw unprocessable("result", "'" + suggestion + "' is the suggestion; accept it instead of overriding");
        }
        String recorded = accept ? suggestion : req.result();
        String suggested = suggestion == null ? ChecklistItem.NOT_ASSESSED : suggestion;
        Map<String, Object> decision = new java.util.HashMap<>();
        decision.put("i", item.id);
        decision.put("d", accept ? "accepted" : "overridden");
        decision.put("s", suggested);
        decision.put("r", recorded);
        decision.put("reason", accept ? null : reason); // Map.of refuses the null of an accepted suggestion
        decision.put("by", actor);
        decision.put("obs", write(current.observations()));
        long decisionId = Rows.one(em, """
                        INSERT INTO item_probe_evidence (item_id, decision, suggested_result, recorded_result, reason, decided_by, observations)
                        VALUES (:i, :d, :s, :r, :reason, :by, CAST(:obs AS jsonb)) RETURNING id""", decision, r -> Rows.number(r, "id"));
        history(a, item, actor, accept, decisionId, suggestion, recorded, reason, current.observations());
        if (!recorded.equals(item.result)) {
            HistoryEntry.record(a.id, item.id, actor, "result", item.result, recorded);
            item.result = recorded;
        }
        ChecklistRecords.touch(item, actor);
        ChecklistRecords.startIfDraft(a, actor);
        em.flush();
        return evidence(item);
    }

    private static void history(Assessment a, ChecklistItem item, String actor, boolean accept, long decisionId, String suggestion,
                                String recorded, String reason, List<EvidenceViews.Observation> observations) {
        if (accept) {
            HistoryEntry.record(a.id, item.id, actor, "probe evidence", null, "accepted suggestion " + recorded + " from "
                    + observations.size() + " observation(s) (decision " + decisionId + ")");
            for (EvidenceViews.Observation o : observations) {
                HistoryEntry.record(a.id, item.id, actor, "probe evidence observation", null, (o.container() == null ? "host "
                        + o.host() : "host " + o.host() + ", container " + o.container()) + ", check "
                        + o.checkId() + ": " + o.status() + " (report " + o.reportId() + ", finished " + o.finishedAt() + ")");
            }
        } else {
            HistoryEntry.record(a.id, item.id, actor, "probe evidence", null, "overrode suggestion "
                    + (suggestion == null ? "(none)" : suggestion) + " with " + recorded + " (decision " + decisionId + "); reason: " + reason);
        }
    }

    private static DomainException unprocessable(String field, String message) {
        return new DomainException(DomainException.Kind.UNPROCESSABLE, field + ": " + message + ". Nothing was recorded.", List.of(field + ": " + message));
    }

    private String write(List<EvidenceViews.Observation> observations) {
        try {
            return json.writeValueAsString(observations);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<EvidenceViews.Observation> read(String observations) {
        try {
            return json.readValue(observations, new TypeReference<>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored observations are not readable", e);
        }
    }
}
