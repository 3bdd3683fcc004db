package org.cakb.assessment;

import org.cakb.common.Rows;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import jakarta.transaction.Transactional;
import org.cakb.catalog.CatalogService;
import org.cakb.catalog.KbRecord;
import org.cakb.catalog.RecordViews;
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
    @Inject
    ProbeEvidenceService probeEvidence;

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
        return checklist(id, result, area, null, true);
    }

    /**
     * The checklist page: its queries are the assessment, the items, their attachments, the probe-evidence summary and
     * the scope's record names, whatever the number of items.
     *
     * @param evidence null, or one of {@link #EVIDENCE_FILTERS}
     * @param linkedHosts whether hosts are linked (without them there is no probe evidence to read)
     */
    @Transactional
    public AssessmentViews.Checklist checklist(long id, String result, String area, String evidence, boolean linkedHosts) {
        Assessment a = find(id);
        if (result != null && !result.isBlank() && !ChecklistItem.RESULTS.contains(result)) {
            throw Validation.field("result", "must be one of " + String.join(", ", ChecklistItem.RESULTS));
        }
        if (evidence != null && !EVIDENCE_FILTERS.contains(evidence)) {
            throw Validation.field("evidence", "must be one of " + String.join(", ", EVIDENCE_FILTERS));
        }
        List<ChecklistItem> items = ChecklistItem.<ChecklistItem>find("assessmentId = ?1 order by position", id)
                .withHint(org.hibernate.jpa.HibernateHints.HINT_READ_ONLY, true).list();
        Map<Long, List<AssessmentViews.AttachmentInfo>> attachments = attachments(id);
        Map<String, int[]> probe = linkedHosts ? probeEvidence.summary(id) : Map.of();
        LocalDate today = LocalDate.now();
        List<AssessmentViews.ChecklistRow> rows = items.stream()
                .filter(i -> result == null || result.isBlank() || i.result.equals(result))
                .filter(i -> area == null || area.isBlank() || area.equals(AssessmentService.areaKey(i)))
                .map(i -> row(view(i, attachments.getOrDefault(i.id, List.of()), today), probe.get(i.requirementId)))
                .filter(r -> evidence == null || matches(r, evidence))
                .toList();
        return new AssessmentViews.Checklist(assessments.detail(a, items), rows, scopeParts(a.scope));
    }

    /** Values of the checklist's evidence filter. */
    public static final List<String> EVIDENCE_FILTERS = List.of("with-evidence", "without-evidence", "probe-evidence", "probe-failing", "waiver");

    private static AssessmentViews.ChecklistRow row(AssessmentViews.Item i, int[] probe) {
        int given = (i.evidenceText() == null || i.evidenceText().isBlank() ? 0 : 1) + i.evidenceLinks().size() + i.attachments().size();
        return new AssessmentViews.ChecklistRow(i, given > 0, given, probe == null ? 0 : probe[0], probe == null ? 0 : probe[1]);
    }

    private static boolean matches(AssessmentViews.ChecklistRow r, String evidence) {
        return switch (evidence) {
            case "with-evidence" -> r.hasEvidence();
            case "without-evidence" -> !r.hasEvidence() && r.probeObservations() == 0;
            case "probe-evidence" -> r.probeObservations() > 0;
            case "probe-failing" -> r.probeFailing() > 0;
            case "waiver" -> r.item().waiver() != null;
            default -> true;
        };
    }

    /** The scope by record names, read in one query. */
    List<AssessmentViews.ScopePart> scopeParts(Scope scope) {
        if (scope == null || scope.isEmpty()) {
            return List.of();
        }
        List<String> ids = new ArrayList<>();
        ids.addAll(scope.areas);
        ids.addAll(scope.countermeasures);
        ids.addAll(scope.recommendations);
        ids.addAll(scope.requirements);
        Map<String, String[]> names = records(ids);
        List<AssessmentViews.ScopePart> parts = new ArrayList<>();
        addPart(parts, "NISTIR 8176 areas", scope.areas, names);
        addPart(parts, "SP 800-190 countermeasures", scope.countermeasures, names);
        addPart(parts, "Recommendations", scope.recommendations, names);
        addPart(parts, "Requirements", scope.requirements, names);
        return parts;
    }

    private static void addPart(List<AssessmentViews.ScopePart> parts, String label, List<String> ids, Map<String, String[]> names) {
        if (ids.isEmpty()) {
            return;
        }
        parts.add(new AssessmentViews.ScopePart(label, ids.stream().map(id -> {
            String[] n = names.get(id);
            return new AssessmentViews.Named(id, n == null ? id : n[0], n == null ? null : "/" + n[1] + "s/" + id);
        }).toList()));
    }

    /** Title and kind of each of these records that exists, in one query. */
    private Map<String, String[]> records(java.util.Collection<String> ids) {
        Map<String, String[]> names = new java.util.HashMap<>();
        if (!ids.isEmpty()) {
            Rows.list(em, "SELECT id, kind, title FROM kb_record WHERE id = ANY(string_to_array(:ids, ' '))",
                    Map.of("ids", String.join(" ", ids)), row -> names.put(row.get("id", String.class),
                            new String[]{row.get("title", String.class), row.get("kind", String.class)}));
        }
        return names;
    }

    /** Record titles by id (ids without a record are left out), for pages that list records by name. */
    @Transactional
    public Map<String, String> names(java.util.Collection<String> ids) {
        Map<String, String> titles = new java.util.HashMap<>();
        records(ids).forEach((id, n) -> titles.put(id, n[0]));
        return titles;
    }

    /** An item near another one (or, for the row named total, the number of items). */
    private record Near(Long id, String title) {
    }

    /** The items before and after one item (checklist order), the next one not assessed, and the count, in one query. */
    @Transactional
    public AssessmentViews.Neighbours neighbours(long id, long itemId) {
        ChecklistItem i = findItem(id, itemId);
        Map<String, Near> found = new java.util.HashMap<>();
        Rows.list(em, """
                (SELECT 'previous' AS which, id, requirement_title AS title FROM checklist_item
                  WHERE assessment_id = :a AND position < :p ORDER BY position DESC LIMIT 1)
                UNION ALL (SELECT 'next', id, requirement_title FROM checklist_item
                  WHERE assessment_id = :a AND position > :p ORDER BY position LIMIT 1)
                UNION ALL (SELECT 'open', id, requirement_title FROM checklist_item
                  WHERE assessment_id = :a AND position > :p AND result = 'not-assessed' ORDER BY position LIMIT 1)
                UNION ALL (SELECT 'total', count(*), '' FROM checklist_item WHERE assessment_id = :a)""",
                Map.of("a", id, "p", i.position),
                row -> found.put(row.get("which", String.class), new Near(Rows.number(row, "id"), row.get("title", String.class))));
        Near none = new Near(null, null);
        Near previous = found.getOrDefault("previous", none), next = found.getOrDefault("next", none), open = found.getOrDefault("open", none);
        return new AssessmentViews.Neighbours(previous.id(), previous.title(), next.id(), next.title(), open.id(), open.title(),
                i.position, found.get("total").id().intValue());
    }

    @Transactional
    public AssessmentViews.ItemDetail item(long id, long itemId) {
        ChecklistItem i = findItem(id, itemId);
        RecordViews.Detail requirement = catalog.get(RecordKind.REQUIREMENT, i.requirementId); // both kept per content version
        return new AssessmentViews.ItemDetail(view(i, attachments(i), LocalDate.now()), requirement,
                !i.requirementHash.equals(catalog.contentHash(i.requirementId)), KbRecord.WITHDRAWN.equals(requirement.status()));
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
