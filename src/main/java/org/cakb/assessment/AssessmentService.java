package org.cakb.assessment;

import org.cakb.security.Roles;

import org.cakb.common.Validation;

import org.cakb.security.Access;
import org.cakb.security.AppUser;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.core.Response;
import org.cakb.catalog.CatalogService;
import org.cakb.catalog.KbRecord;
import org.cakb.catalog.RecordKind;
import org.cakb.common.ApiException;
import org.cakb.common.PageOf;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Assessments, their checklist items, waivers, attachments and history. Callers have already passed
 * {@link Access#require}; this layer keeps the data rules: versions, read-only when completed, history for every change.
 */
@ApplicationScoped
public class AssessmentService {

    public static final int MAX_ITEMS = 500;

    @Inject
    EntityManager em;
    @Inject
    CatalogService catalog;
    @Inject
    Validation validation;

    // ------------------------------------------------------------------ assessments

    @Transactional
    public AssessmentViews.Detail create(AssessmentViews.NewAssessment req, String actor) {
        validation.check(req);
        checkDates(req.startDate(), req.dueDate());
        Scope scope = new Scope(req.scope().areas, req.scope().countermeasures, req.scope().recommendations, req.scope().requirements);
        if (scope.isEmpty()) {
            throw Validation.field("scope", "choose at least one area, countermeasure, recommendation or requirement");
        }
        List<KbRecord> requirements = resolve(scope);
        if (requirements.isEmpty()) {
            throw Validation.field("scope", "selects no active requirement");
        }
        if (requirements.size() > MAX_ITEMS) {
            throw Validation.field("scope", "selects " + requirements.size() + " requirements; at most " + MAX_ITEMS);
        }
        List<AppUser> assessors = assessorsByName(req.assessors() == null ? List.of() : req.assessors());

        Assessment a = new Assessment();
        a.name = req.name().strip();
        a.target = req.target().strip();
        a.targetLabels = req.targetLabels() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(req.targetLabels());
        a.scope = scope;
        a.startDate = req.startDate();
        a.dueDate = req.dueDate();
        a.createdBy = actor;
        a.updatedBy = actor;
        a.persist();

        Map<String, String> areaTitles = new TreeMap<>();
        int position = 1;
        for (KbRecord r : requirements) {
            ChecklistItem item = new ChecklistItem();
            item.assessmentId = a.id;
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
        HistoryEntry.record(a.id, null, actor, "created", null,
                a.name + " (" + requirements.size() + " items; scope: " + scope + ")");
        for (AppUser u : assessors) {
            assign(a.id, u, actor);
        }
        if (!assessors.isEmpty()) {
            HistoryEntry.record(a.id, null, actor, "assessors", "", names(assessors));
        }
        return detail(a.id);
    }

    /** The active requirements a scope selects, in a stable order: areas, countermeasures, recommendations, hand-picked. */
    public List<KbRecord> resolve(Scope scope) {
        Set<String> ids = new LinkedHashSet<>();
        for (String area : scope.areas) {
            KbRecord r = active(area, "scope.areas");
            if (r.kind != RecordKind.REQUIREMENT || !"area".equals(r.attribute("category"))) {
                throw Validation.field("scope.areas", "'" + area + "' is not a NISTIR 8176 area");
            }
            ids.addAll(queryIds("""
                    SELECT r.id FROM kb_record r JOIN kb_link l ON l.from_id = r.id AND l.relation = 'in-area'
                    WHERE l.to_id = :id AND r.status = 'active' AND r.attributes ->> 'category' = 'assurance-requirement'
                    ORDER BY r.id""", area));
        }
        for (String cm : scope.countermeasures) {
            KbRecord r = active(cm, "scope.countermeasures");
            if (r.kind != RecordKind.REQUIREMENT || !"countermeasure".equals(r.attribute("category"))) {
                throw Validation.field("scope.countermeasures", "'" + cm + "' is not an SP 800-190 countermeasure");
            }
            ids.add(r.id);
        }
        for (String rec : scope.recommendations) {
            KbRecord r = active(rec, "scope.recommendations");
            if (r.kind != RecordKind.RECOMMENDATION) {
                throw Validation.field("scope.recommendations", "'" + rec + "' is not a recommendation");
            }
            ids.addAll(queryIds("""
                    SELECT DISTINCT req.id FROM kb_link rl
                    JOIN kb_link sat ON sat.from_id = rl.to_id AND sat.relation = 'satisfies'
                    JOIN kb_record req ON req.id = sat.to_id AND req.status = 'active'
                    WHERE rl.from_id = :id AND rl.relation = 'recommends'
                    ORDER BY req.id""", rec));
        }
        for (String id : scope.requirements) {
            KbRecord r = active(id, "scope.requirements");
            if (r.kind != RecordKind.REQUIREMENT) {
                throw Validation.field("scope.requirements", "'" + id + "' is a " + r.kind.label() + ", not a requirement");
            }
            ids.add(r.id);
        }
        List<KbRecord> result = new ArrayList<>();
        for (String id : ids) {
            result.add(KbRecord.findById(id));
        }
        return result;
    }

    private KbRecord active(String id, String field) {
        KbRecord r = id == null ? null : KbRecord.findById(id);
        if (r == null) {
            throw Validation.field(field, "no record with id '" + id + "'");
        }
        if (r.isWithdrawn()) {
            throw Validation.field(field, "'" + id + "' is withdrawn");
        }
        return r;
    }

    @SuppressWarnings("unchecked")
    private List<String> queryIds(String sql, String id) {
        return em.createNativeQuery(sql).setParameter("id", id).getResultList();
    }

    @Transactional
    public List<AssessmentViews.Summary> list(String status) {
        List<Assessment> all = status == null || status.isBlank()
                ? Assessment.list("order by id desc")
                : Assessment.list("status = ?1 order by id desc", checkStatus(status));
        Map<Long, List<String>> assessors = assessorNames();
        Map<Long, AssessmentViews.Progress> progress = progressByAssessment();
        return all.stream().map(a -> new AssessmentViews.Summary(a.id, a.name, a.target, a.targetLabels, a.status, a.startDate,
                a.dueDate, a.completedAt, assessors.getOrDefault(a.id, List.of()),
                progress.getOrDefault(a.id, progress(List.of())), a.version)).toList();
    }

    public static final int MAX_PAGE_SIZE = 200;

    /**
     * One page of assessments for the API, oldest first (by id, so pages stay put when assessments are added).
     * updatedSince keeps assessments changed at or after that instant, counting changes to their items.
     */
    @Transactional
    public PageOf<AssessmentViews.Summary> page(String status, OffsetDateTime updatedSince, int page, int size) {
        if (page < 1) {
            throw Validation.field("page", "must be 1 or more");
        }
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw Validation.field("size", "must be between 1 and " + MAX_PAGE_SIZE);
        }
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        Map<String, Object> parameters = new LinkedHashMap<>();
        if (status != null && !status.isBlank()) {
            where.append(" AND a.status = :status");
            parameters.put("status", checkStatus(status));
        }
        if (updatedSince != null) {
            where.append(" AND (a.updatedAt >= :since OR EXISTS (SELECT 1 FROM ChecklistItem i WHERE i.assessmentId = a.id AND i.updatedAt >= :since))");
            parameters.put("since", updatedSince);
        }
        var count = em.createQuery("SELECT count(a) FROM Assessment a" + where, Long.class);
        var select = em.createQuery("SELECT a FROM Assessment a" + where + " ORDER BY a.id", Assessment.class);
        parameters.forEach((name, value) -> {
            count.setParameter(name, value);
            select.setParameter(name, value);
        });
        List<Assessment> assessments = select.setFirstResult((page - 1) * size).setMaxResults(size).getResultList();
        Map<Long, List<String>> assessors = assessorNames();
        Map<Long, AssessmentViews.Progress> progress = progressByAssessment();
        List<AssessmentViews.Summary> items = assessments.stream().map(a -> new AssessmentViews.Summary(a.id, a.name, a.target,
                a.targetLabels, a.status, a.startDate, a.dueDate, a.completedAt, assessors.getOrDefault(a.id, List.of()),
                progress.getOrDefault(a.id, progress(List.of())), a.version)).toList();
        return PageOf.of(items, page, size, count.getSingleResult());
    }

    @Transactional
    public AssessmentViews.Detail detail(long id) {
        Assessment a = find(id);
        return detail(a, ChecklistItem.list("assessmentId = ?1 order by position", id));
    }

    /** Name and status only: the item and history pages need no progress, so they load no items. */
    @Transactional
    public AssessmentViews.Header header(long id) {
        Assessment a = find(id);
        return new AssessmentViews.Header(a.id, a.name, a.status);
    }

    /**
     * The checklist page in one read of the items (it used to read them twice: once for the progress bars, once for
     * the rows), loaded read-only so that Hibernate keeps no snapshots of the JSON columns and checks nothing at commit.
     */
    @Transactional
    public AssessmentViews.Checklist checklist(long id, String result, String area) {
        Assessment a = find(id);
        checkResultFilter(result);
        List<ChecklistItem> items = ChecklistItem.<ChecklistItem>find("assessmentId = ?1 order by position", id)
                .withHint(org.hibernate.jpa.HibernateHints.HINT_READ_ONLY, true).list();
        Map<Long, List<AssessmentViews.AttachmentInfo>> attachments = attachments(id);
        LocalDate today = LocalDate.now();
        List<AssessmentViews.Item> rows = items.stream()
                .filter(i -> result == null || result.isBlank() || i.result.equals(result))
                .filter(i -> area == null || area.isBlank() || area.equals(areaKey(i)))
                .map(i -> view(i, attachments.getOrDefault(i.id, List.of()), today)).toList();
        return new AssessmentViews.Checklist(detail(a, items), rows);
    }

    private AssessmentViews.Detail detail(Assessment a, List<ChecklistItem> items) {
        Map<String, List<ChecklistItem>> byArea = new LinkedHashMap<>();
        Map<String, String> areaTitles = new LinkedHashMap<>();
        items.stream().sorted((x, y) -> Objects.compare(areaKey(x), areaKey(y), String::compareTo)).forEach(i -> {
            byArea.computeIfAbsent(areaKey(i), k -> new ArrayList<>()).add(i);
            areaTitles.putIfAbsent(areaKey(i), i.areaTitle == null ? "Other requirements" : i.areaTitle);
        });
        List<AssessmentViews.AreaProgress> areas = byArea.entrySet().stream()
                .map(e -> new AssessmentViews.AreaProgress(e.getKey(), areaTitles.get(e.getKey()), progress(e.getValue()))).toList();
        return new AssessmentViews.Detail(a.id, a.name, a.target, a.targetLabels, a.scope, a.status, a.startDate, a.dueDate,
                a.completedAt, a.createdBy, a.createdAt, a.updatedBy, a.updatedAt, assessorNames(a.id), progress(items), areas, a.version);
    }

    private static String areaKey(ChecklistItem i) {
        return i.areaId == null ? "other" : i.areaId;
    }

    @Transactional
    public AssessmentViews.Detail update(long id, AssessmentViews.AssessmentUpdate req, String actor) {
        validation.check(req);
        checkDates(req.startDate(), req.dueDate());
        Assessment a = lockedAssessment(id);
        checkVersion(a, req.version(), req);
        requireOpen(a);
        Map<String, String> labels = req.targetLabels() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(req.targetLabels());
        change(a, null, actor, "name", a.name, req.name().strip());
        change(a, null, actor, "target", a.target, req.target().strip());
        change(a, null, actor, "targetLabels", String.valueOf(a.targetLabels), String.valueOf(labels));
        change(a, null, actor, "startDate", str(a.startDate), str(req.startDate()));
        change(a, null, actor, "dueDate", str(a.dueDate), str(req.dueDate()));
        a.name = req.name().strip();
        a.target = req.target().strip();
        a.targetLabels = labels;
        a.startDate = req.startDate();
        a.dueDate = req.dueDate();
        touch(a, actor);
        return detail(id);
    }

    @Transactional
    public AssessmentViews.Detail changeStatus(long id, AssessmentViews.StatusChange req, String actor) {
        validation.check(req);
        Assessment a = lockedAssessment(id);
        checkVersion(a, req.version(), req);
        requireOpen(a);
        String to = req.status();
        if (to.equals(a.status)) {
            return detail(id);
        }
        boolean allowed = (Assessment.DRAFT.equals(a.status) && Assessment.IN_PROGRESS.equals(to))
                || (Assessment.IN_PROGRESS.equals(a.status) && (Assessment.COMPLETED.equals(to) || Assessment.DRAFT.equals(to)));
        if (!allowed) {
            throw Validation.field("status", "cannot go from " + a.status + " to " + to
                    + " (draft → in-progress → completed; an admin reopens a completed assessment)");
        }
        if (Assessment.COMPLETED.equals(to)) {
            long open = ChecklistItem.count("assessmentId = ?1 and result = ?2", id, ChecklistItem.NOT_ASSESSED);
            if (open > 0) {
                throw Validation.field("status", open + " item(s) are still not assessed; assess every item before completing");
            }
            a.completedAt = OffsetDateTime.now();
        }
        HistoryEntry.record(id, null, actor, "status", a.status, to);
        a.status = to;
        touch(a, actor);
        return detail(id);
    }

    @Transactional
    public AssessmentViews.Detail reopen(long id, AssessmentViews.Reopen req, String actor) {
        validation.check(req);
        Assessment a = lockedAssessment(id);
        checkVersion(a, req.version(), req);
        if (!a.isCompleted()) {
            throw Validation.field("status", "only a completed assessment can be reopened; this one is " + a.status);
        }
        HistoryEntry.record(id, null, actor, "status", a.status, Assessment.IN_PROGRESS + " (reopened: " + req.reason().strip() + ")");
        a.status = Assessment.IN_PROGRESS;
        a.completedAt = null;
        touch(a, actor);
        return detail(id);
    }

    @Transactional
    public AssessmentViews.Detail assign(long id, AssessmentViews.Assignment req, String actor) {
        validation.check(req);
        Assessment a = lockedAssessment(id);
        requireOpen(a);
        List<AppUser> wanted = assessorsByName(req.assessors());
        String before = String.join(", ", assessorNames(id));
        em.createNativeQuery("DELETE FROM assessment_assessor WHERE assessment_id = :a").setParameter("a", id).executeUpdate();
        for (AppUser u : wanted) {
            assign(id, u, actor);
        }
        String after = names(wanted);
        if (!before.equals(after)) {
            HistoryEntry.record(id, null, actor, "assessors", before, after);
            touch(a, actor);
        }
        return detail(id);
    }

    private void assign(long assessmentId, AppUser user, String actor) {
        em.createNativeQuery("INSERT INTO assessment_assessor (assessment_id, user_id, assigned_by) VALUES (:a, :u, :by)")
                .setParameter("a", assessmentId).setParameter("u", user.id).setParameter("by", actor).executeUpdate();
    }

    private List<AppUser> assessorsByName(List<String> usernames) {
        List<AppUser> users = new ArrayList<>();
        for (String name : new LinkedHashSet<>(usernames).stream().sorted().toList()) {
            AppUser u = AppUser.findByUsername(name);
            if (u == null) {
                throw Validation.field("assessors", "no user '" + name + "'");
            }
            if (!List.of(u.roles.split(",")).contains(Roles.ASSESSOR)) {
                throw Validation.field("assessors", "'" + name + "' does not have the assessor role");
            }
            users.add(u);
        }
        return users;
    }

    // ------------------------------------------------------------------ items

    @Transactional
    public List<AssessmentViews.Item> items(long id, String result, String area) {
        return items(id, result, area, null);
    }

    /** The checklist items in order; updatedSince keeps items changed at or after that instant (never-edited items have no time). */
    @Transactional
    public List<AssessmentViews.Item> items(long id, String result, String area, OffsetDateTime updatedSince) {
        find(id);
        checkResultFilter(result);
        List<ChecklistItem> items = ChecklistItem.list("assessmentId = ?1 order by position", id);
        Map<Long, List<AssessmentViews.AttachmentInfo>> attachments = attachments(id);
        LocalDate today = LocalDate.now();
        return items.stream()
                .filter(i -> result == null || result.isBlank() || i.result.equals(result))
                .filter(i -> area == null || area.isBlank() || area.equals(areaKey(i)))
                .filter(i -> updatedSince == null || (i.updatedAt != null && !i.updatedAt.isBefore(updatedSince)))
                .map(i -> view(i, attachments.getOrDefault(i.id, List.of()), today)).toList();
    }

    private static void checkResultFilter(String result) {
        if (result != null && !result.isBlank() && !ChecklistItem.RESULTS.contains(result)) {
            throw Validation.field("result", "must be one of " + String.join(", ", ChecklistItem.RESULTS));
        }
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
        validation.check(req);
        Assessment a = find(id);
        requireOpen(a);
        ChecklistItem i = lockedItem(id, itemId);
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

    @Transactional
    public AssessmentViews.Item setWaiver(long id, long itemId, AssessmentViews.WaiverUpdate req, String actor) {
        validation.check(req);
        Assessment a = find(id);
        requireOpen(a);
        ChecklistItem i = lockedItem(id, itemId);
        if (i.version != req.version()) {
            throw conflict(i, req);
        }
        boolean changed = change(a, i, actor, "waiverReason", i.waiverReason, req.reason().strip())
                | change(a, i, actor, "waiverApprover", i.waiverApprover, req.approver().strip())
                | change(a, i, actor, "waiverExpires", str(i.waiverExpires), str(req.expires()));
        if (changed) {
            i.waiverReason = req.reason().strip();
            i.waiverApprover = req.approver().strip();
            i.waiverExpires = req.expires();
            touch(i, actor);
            startIfDraft(a, actor);
        }
        em.flush();
        return view(i, attachments(i), LocalDate.now());
    }

    @Transactional
    public AssessmentViews.Item clearWaiver(long id, long itemId, long version, String actor) {
        Assessment a = find(id);
        requireOpen(a);
        ChecklistItem i = lockedItem(id, itemId);
        if (i.version != version) {
            throw conflict(i, Map.of("version", version, "waiver", "remove"));
        }
        if (i.hasWaiver()) {
            change(a, i, actor, "waiverReason", i.waiverReason, null);
            change(a, i, actor, "waiverApprover", i.waiverApprover, null);
            change(a, i, actor, "waiverExpires", str(i.waiverExpires), null);
            i.waiverReason = null;
            i.waiverApprover = null;
            i.waiverExpires = null;
            touch(i, actor);
        }
        em.flush();
        return view(i, attachments(i), LocalDate.now());
    }

    // ------------------------------------------------------------------ attachments

    @Transactional
    public AssessmentViews.AttachmentInfo attach(long id, long itemId, String filename, String declaredType, byte[] data, String actor) {
        Assessment a = find(id);
        requireOpen(a);
        ChecklistItem i = findItem(id, itemId);
        Attachments.Checked checked = Attachments.check(filename, declaredType, data);
        ItemAttachment att = new ItemAttachment();
        att.itemId = i.id;
        att.filename = checked.filename();
        att.contentType = checked.contentType();
        att.sizeBytes = data.length;
        att.sha256 = checked.sha256();
        att.data = data;
        att.uploadedBy = actor;
        att.persist();
        HistoryEntry.record(id, i.id, actor, "attachment", null,
                att.filename + " (" + att.contentType + ", " + att.sizeBytes + " bytes, sha256 " + att.sha256 + ")");
        startIfDraft(a, actor);
        return AssessmentViews.AttachmentInfo.of(att);
    }

    @Transactional
    public ItemAttachment attachment(long id, long itemId, long attachmentId) {
        ChecklistItem i = findItem(id, itemId);
        ItemAttachment att = ItemAttachment.findById(attachmentId);
        if (att == null || !att.itemId.equals(i.id)) {
            throw ApiException.notFound("No attachment " + attachmentId + " on item " + itemId);
        }
        att.data.getClass(); // load the bytes inside the transaction
        return att;
    }

    // ------------------------------------------------------------------ history

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

    // ------------------------------------------------------------------ helpers

    public Assessment find(long id) {
        Assessment a = Assessment.findById(id);
        if (a == null) {
            throw ApiException.notFound("No assessment with id " + id);
        }
        return a;
    }

    Assessment lockedAssessment(long id) {
        Assessment a = Assessment.findById(id, LockModeType.PESSIMISTIC_WRITE);
        if (a == null) {
            throw ApiException.notFound("No assessment with id " + id);
        }
        return a;
    }

    ChecklistItem findItem(long id, long itemId) {
        ChecklistItem i = ChecklistItem.findById(itemId);
        if (i == null || i.assessmentId != id) {
            throw ApiException.notFound("No item " + itemId + " in assessment " + id);
        }
        return i;
    }

    ChecklistItem lockedItem(long id, long itemId) {
        ChecklistItem i = ChecklistItem.findById(itemId, LockModeType.PESSIMISTIC_WRITE);
        if (i == null || i.assessmentId != id) {
            throw ApiException.notFound("No item " + itemId + " in assessment " + id);
        }
        return i;
    }

    static void requireOpen(Assessment a) {
        if (a.isCompleted()) {
            throw new ApiException(Response.Status.CONFLICT, "Assessment " + a.id + " is completed and read-only until an admin reopens it");
        }
    }

    private static void checkVersion(Assessment a, long version, Object yours) {
        if (a.version != version) {
            throw new ConflictException("Assessment " + a.id + " was changed by " + a.updatedBy + " at " + a.updatedAt
                    + " (version " + a.version + "); you sent version " + version + ". Reload and apply your change again.", yours,
                    new AssessmentViews.StoredItem(a.status, null, null, null, null, a.version, a.updatedBy, a.updatedAt));
        }
    }

    private ConflictException conflict(ChecklistItem i, Object yours) {
        return new ConflictException("Item " + i.id + " was changed by " + i.updatedBy + " at " + i.updatedAt + " (version "
                + i.version + ") after you loaded it. Nothing was saved; compare the stored values with yours and save again.",
                yours, stored(i));
    }

    static AssessmentViews.StoredItem stored(ChecklistItem i) {
        return new AssessmentViews.StoredItem(i.result, i.justification, i.evidenceText, List.copyOf(i.evidenceLinks),
                waiver(i, LocalDate.now()), i.version, i.updatedBy, i.updatedAt);
    }

    void startIfDraft(Assessment a, String actor) {
        if (Assessment.DRAFT.equals(a.status)) {
            HistoryEntry.record(a.id, null, actor, "status", a.status, Assessment.IN_PROGRESS + " (first item saved)");
            a.status = Assessment.IN_PROGRESS;
            touch(a, actor);
        }
    }

    private static boolean change(Assessment a, ChecklistItem i, String actor, String field, String before, String after) {
        if (Objects.equals(before, after)) {
            return false;
        }
        HistoryEntry.record(a.id, i == null ? null : i.id, actor, field, before, after);
        return true;
    }

    private static void touch(Assessment a, String actor) {
        a.updatedBy = actor;
        a.updatedAt = OffsetDateTime.now();
    }

    static void touch(ChecklistItem i, String actor) {
        i.updatedBy = actor;
        i.updatedAt = OffsetDateTime.now();
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }

    private static void checkDates(LocalDate start, LocalDate due) {
        if (start != null && due != null && due.isBefore(start)) {
            throw Validation.field("dueDate", "must not be before startDate");
        }
    }

    private static String checkStatus(String status) {
        if (!List.of(Assessment.DRAFT, Assessment.IN_PROGRESS, Assessment.COMPLETED).contains(status)) {
            throw Validation.field("status", "must be one of draft, in-progress, completed");
        }
        return status;
    }

    private static String names(List<AppUser> users) {
        return String.join(", ", users.stream().map(u -> u.username).sorted().toList());
    }

    static AssessmentViews.Waiver waiver(ChecklistItem i, LocalDate today) {
        return i.hasWaiver() ? new AssessmentViews.Waiver(i.waiverReason, i.waiverApprover, i.waiverExpires, i.waiverState(today)) : null;
    }

    static AssessmentViews.Item view(ChecklistItem i, List<AssessmentViews.AttachmentInfo> attachments, LocalDate today) {
        return new AssessmentViews.Item(i.id, i.assessmentId, i.position, i.requirementId, i.requirementTitle, i.requirementHash,
                i.areaId, i.areaTitle, i.result, i.justification, i.evidenceText, List.copyOf(i.evidenceLinks), i.evidenceMethod, waiver(i, today),
                i.updatedBy, i.updatedAt, i.version, attachments);
    }

    public static AssessmentViews.Progress progress(List<ChecklistItem> items) {
        int[] n = new int[5];
        for (ChecklistItem i : items) {
            n[ChecklistItem.RESULTS.indexOf(i.result)]++;
        }
        int total = items.size();
        int assessed = total - n[0];
        return new AssessmentViews.Progress(total, assessed, n[1], n[2], n[3], n[4], n[0], total == 0 ? 0 : assessed * 100 / total);
    }

    private Map<Long, AssessmentViews.Progress> progressByAssessment() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("SELECT assessment_id, result, count(*) FROM checklist_item GROUP BY assessment_id, result")
                .getResultList();
        Map<Long, int[]> counts = new TreeMap<>();
        for (Object[] row : rows) {
            counts.computeIfAbsent(((Number) row[0]).longValue(), k -> new int[5])[ChecklistItem.RESULTS.indexOf((String) row[1])] +=
                    ((Number) row[2]).intValue();
        }
        Map<Long, AssessmentViews.Progress> result = new TreeMap<>();
        counts.forEach((id, n) -> {
            int total = n[0] + n[1] + n[2] + n[3] + n[4];
            int assessed = total - n[0];
            result.put(id, new AssessmentViews.Progress(total, assessed, n[1], n[2], n[3], n[4], n[0], total == 0 ? 0 : assessed * 100 / total));
        });
        return result;
    }

    @SuppressWarnings("unchecked")
    public List<String> assessorNames(long id) {
        return em.createNativeQuery("""
                        SELECT u.username FROM assessment_assessor aa JOIN app_user u ON u.id = aa.user_id
                        WHERE aa.assessment_id = :a ORDER BY u.username""")
                .setParameter("a", id).getResultList();
    }

    private Map<Long, List<String>> assessorNames() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                SELECT aa.assessment_id, u.username FROM assessment_assessor aa JOIN app_user u ON u.id = aa.user_id
                ORDER BY u.username""").getResultList();
        Map<Long, List<String>> result = new TreeMap<>();
        rows.forEach(r -> result.computeIfAbsent(((Number) r[0]).longValue(), k -> new ArrayList<>()).add((String) r[1]));
        return result;
    }

    private List<AssessmentViews.AttachmentInfo> attachments(ChecklistItem i) {
        return em.createQuery("SELECT new org.cakb.assessment.AssessmentViews$AttachmentInfo(a.id, a.filename, a.contentType, "
                        + "a.sizeBytes, a.sha256, a.uploadedBy, a.uploadedAt) FROM ItemAttachment a WHERE a.itemId = :i ORDER BY a.id",
                AssessmentViews.AttachmentInfo.class).setParameter("i", i.id).getResultList();
    }

    private Map<Long, List<AssessmentViews.AttachmentInfo>> attachments(long assessmentId) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                SELECT a.item_id, a.id, a.filename, a.content_type, a.size_bytes, a.sha256, a.uploaded_by, a.uploaded_at
                FROM item_attachment a JOIN checklist_item i ON i.id = a.item_id WHERE i.assessment_id = :a ORDER BY a.id""")
                .setParameter("a", assessmentId).getResultList();
        Map<Long, List<AssessmentViews.AttachmentInfo>> result = new TreeMap<>();
        for (Object[] r : rows) {
            OffsetDateTime at = r[7] instanceof java.time.Instant instant ? instant.atOffset(java.time.ZoneOffset.UTC)
                    : r[7] instanceof OffsetDateTime o ? o : OffsetDateTime.parse(r[7].toString().replace(' ', 'T'));
            result.computeIfAbsent(((Number) r[0]).longValue(), k -> new ArrayList<>()).add(new AssessmentViews.AttachmentInfo(
                    ((Number) r[1]).longValue(), (String) r[2], (String) r[3], ((Number) r[4]).intValue(), (String) r[5], (String) r[6], at));
        }
        return result;
    }
}
