package org.cakb.assessment;

import org.cakb.common.Rows;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import jakarta.transaction.Transactional;
import org.cakb.catalog.CatalogService;
import org.cakb.catalog.KbRecord;
import org.cakb.catalog.RecordKind;

import org.cakb.common.Validation;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;

import java.util.List;
import java.util.Map;

import java.util.TreeMap;

import static org.cakb.assessment.ChecklistRecords.*;

/** Reading and saving checklist items (result, justification, evidence). */
@ApplicationScoped
public class ChecklistItems {

    @Inject
    EntityManager em;
    @Inject
    CatalogService catalog;
    @Inject
    Validation validation;
    @Inject
    AssessmentService assessments;

    @Transactional
    public List<AssessmentViews.Item> items(long id, String result, String area) {
        return items(id, result, area, null);
    }

    /** The checklist items in order; updatedSince keeps items changed at or after that instant (never-edited items have no time). */
    @Transactional
    public List<AssessmentViews.Item> items(long id, String result, String area, OffsetDateTime updatedSince) {
        find(id);
        if (result != null && !result.isBlank() && !ChecklistItem.RESULTS.contains(result)) {
            throw Validation.field("result", "must be one of " + String.join(", ", ChecklistItem.RESULTS));
        }
        List<ChecklistItem> items = ChecklistItem.list("assessmentId = ?1 order by position", id);
        Map<Long, List<AssessmentViews.AttachmentInfo>> attachments = attachments(id);
        LocalDate today = LocalDate.now();
        return items.stream()
                .filter(i -> result == null || result.isBlank() || i.result.equals(result))
                .filter(i -> area == null || area.isBlank() || area.equals(AssessmentService.areaKey(i)))
                .filter(i -> updatedSince == null || (i.updatedAt != null && !i.updatedAt.isBefore(updatedSince)))
                .map(i -> view(i, attachments.getOrDefault(i.id, List.of()), today)).toList();
    }

    /**
     * The checklist page in one read of the items (it read them twice: once for the progress bars, once for the rows),
     * loaded read-only, so Hibernate keeps no snapshots of the JSON columns and checks nothing for changes at commit.
     */
    @Transactional
    public AssessmentViews.Checklist checklist(long id, String result, String area) {
        Assessment a = find(id);
        if (result != null && !result.isBlank() && !ChecklistItem.RESULTS.contains(result)) {
            throw Validation.field("result", "must be one of " + String.join(", ", ChecklistItem.RESULTS));
        }
        List<ChecklistItem> items = ChecklistItem.<ChecklistItem>find("assessmentId = ?1 order by position", id)
                .withHint(org.hibernate.jpa.HibernateHints.HINT_READ_ONLY, true).list();
        Map<Long, List<AssessmentViews.AttachmentInfo>> attachments = attachments(id);
        LocalDate today = LocalDate.now();
        List<AssessmentViews.Item> rows = items.stream()
                .filter(i -> result == null || result.isBlank() || i.result.equals(result))
                .filter(i -> area == null || area.isBlank() || area.equals(AssessmentService.areaKey(i)))
                .map(i -> view(i, attachments.getOrDefault(i.id, List.of()), today)).toList();
        return new AssessmentViews.Checklist(assessments.detail(a, items), rows);
    }

    @Transactional
    public AssessmentViews.ItemDetail item(long id, long itemId) {
        ChecklistItem i = findItem(id, itemId);
        KbRecord current = KbRecord.findById(i.requirementId);
        return new AssessmentViews.ItemDetail(view(i, attachments(i), LocalDate.now()),
                catalog.get(RecordKind.REQUIREMENT, i.requirementId),
                !current.contentHash.equals(i.requirementHash), current.isWithdrawn());
    }

    @Transactional
    public AssessmentViews.Item updateItem(long id, long itemId, AssessmentViews.ItemUpdate req, String actor) {
        List<String> problems = new ArrayList<>(validation.problems(req));
        Assessment a = find(id);
        requireOpen(a);
        ChecklistItem i = lockedItem(id, itemId);
        if (req != null) {
            problems.addAll(ItemCompleteness.problems(req, !attachments(i).isEmpty(), acceptedProbeEvidence(i.id)));
        }
        if (!problems.isEmpty()) {
            throw Validation.invalid(problems);
        }
        if (i.version != req.version()) {
            throw conflict(i, req);
        }
        String justification = req.justification() == null ? "" : req.justification();
        String evidence = req.evidenceText() == null ? "" : req.evidenceText();
        List<String> links = req.evidenceLinks() == null ? List.of() : req.evidenceLinks().stream().map(String::strip).distinct().toList();
        String method = req.evidenceMethod() == null ? i.evidenceMethod : req.evidenceMethod();
        boolean changed = change(a, i, actor, "result", i.result, req.result())
                | change(a, i, actor, "justification", i.justification, justification)
                | change(a, i, actor, "evidenceText", i.evidenceText, evidence)
                | change(a, i, actor, "evidenceLinks", String.join("\n", i.evidenceLinks), String.join("\n", links))
                | change(a, i, actor, "evidenceMethod", i.evidenceMethod, method);
        if (changed) {
            i.result = req.result();
            i.justification = justification;
            i.evidenceText = evidence;
            i.evidenceLinks = new ArrayList<>(links);
            i.evidenceMethod = method;
            touch(i, actor);
            startIfDraft(a, actor);
        }
        em.flush();
        return view(i, attachments(i), LocalDate.now());
    }

    /** Whether the latest probe-evidence decision on the item accepted the probes' suggestion. */
    private boolean acceptedProbeEvidence(long itemId) {
        return !Rows.strings(em, "SELECT decision FROM item_probe_evidence WHERE item_id = :i ORDER BY id DESC LIMIT 1",
                Map.of("i", itemId)).stream().filter("accepted"::equals).toList().isEmpty();
    }

    List<AssessmentViews.AttachmentInfo> attachments(ChecklistItem i) {
        return em.createQuery("SELECT new org.cakb.assessment.AssessmentViews$AttachmentInfo(a.id, a.filename, a.contentType, "
                        + "a.sizeBytes, a.sha256, a.uploadedBy, a.uploadedAt) FROM ItemAttachment a WHERE a.itemId = :i ORDER BY a.id",
                AssessmentViews.AttachmentInfo.class).setParameter("i", i.id).getResultList();
    }

    private Map<Long, List<AssessmentViews.AttachmentInfo>> attachments(long assessmentId) {
        Map<Long, List<AssessmentViews.AttachmentInfo>> result = new TreeMap<>();
        Rows.list(em, """
                SELECT a.item_id, a.id, a.filename, a.content_type, a.size_bytes, a.sha256, a.uploaded_by, a.uploaded_at
                FROM item_attachment a JOIN checklist_item i ON i.id = a.item_id WHERE i.assessment_id = :a ORDER BY a.id""",
                Map.of("a", assessmentId), row -> {
                    Object uploaded = row.get("uploaded_at");
                    OffsetDateTime at = uploaded instanceof java.time.Instant instant ? instant.atOffset(java.time.ZoneOffset.UTC)
                            : uploaded instanceof OffsetDateTime o ? o : OffsetDateTime.parse(uploaded.toString().replace(' ', 'T'));
                    return result.computeIfAbsent(Rows.number(row, "item_id"), k -> new ArrayList<>()).add(new AssessmentViews.AttachmentInfo(
                            Rows.number(row, "id"), row.get("filename", String.class), row.get("content_type", String.class),
                            (int) Rows.number(row, "size_bytes"), row.get("sha256", String.class), row.get("uploaded_by", String.class), at));
                });
        return result;
    }

    AssessmentViews.Item viewOf(ChecklistItem i) {
        return view(i, attachments(i), LocalDate.now());
    }
}
