package org.cakb.assessment;

import static org.cakb.assessment.ChecklistRecords.*;

import org.cakb.security.Roles;

import org.cakb.common.Validation;

import org.cakb.security.Access;
import org.cakb.security.AppUser;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import jakarta.transaction.Transactional;
import org.cakb.catalog.CatalogService;
import org.cakb.catalog.KbRecord;

import org.cakb.common.PageOf;
import org.cakb.common.Paging;
import org.cakb.common.Rows;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import java.util.TreeMap;

/**
 * Assessments: creating them from a scope, listing, their lifecycle (status, reopen) and their assessors. Callers have already passed
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
    @Inject
    ScopeChange scopeChange;

    // ------------------------------------------------------------------ assessments

    @Transactional
    public AssessmentViews.Detail create(AssessmentViews.NewAssessment req, String actor) {
        validation.check(req);
        checkDates(req.startDate(), req.dueDate());
        Scope scope = new Scope(req.scope().areas, req.scope().countermeasures, req.scope().recommendations, req.scope().requirements);
        List<KbRecord> requirements = scopeChange.requirements(scope);
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

        scopeChange.addItems(a.id, requirements, 0);
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

    /** Every assessment (admins, api-read tokens). */
    @Transactional
    public List<AssessmentViews.Summary> list(String status) {
        return list(status, null);
    }

    /** The assessments visibleTo may read (a member of: assigned or granted); all when visibleTo is null. */
    @Transactional
    public List<AssessmentViews.Summary> list(String status, String visibleTo) {
        List<Assessment> all = status == null || status.isBlank()
                ? Assessment.list("order by id desc")
                : Assessment.list("status = ?1 order by id desc", checkStatus(status));
        if (visibleTo != null) {
            java.util.Set<Long> visible = memberOf(visibleTo);
            all = all.stream().filter(a -> visible.contains(a.id)).toList();
        }
        Map<Long, List<String>> assessors = assessorNames();
        Map<Long, AssessmentViews.Progress> progress = Progress.byAssessment(em);
        return all.stream().map(a -> new AssessmentViews.Summary(a.id, a.name, a.target, a.targetLabels, a.status, a.startDate,
                a.dueDate, a.completedAt, assessors.getOrDefault(a.id, List.of()),
                progress.getOrDefault(a.id, Progress.of(List.of())), a.version)).toList();
    }

    /**
     * One page of assessments for the API, oldest first (by id, so pages stay put when assessments are added).
     * updatedSince keeps assessments changed at or after that instant, counting changes to their items.
     */
    @Transactional
    public PageOf<AssessmentViews.Summary> page(String status, OffsetDateTime updatedSince, int page, int size) {
        return page(status, updatedSince, page, size, null);
    }

    /** As {@link #page(String, OffsetDateTime, int, int)}, only the assessments visibleTo is a member of (null: all). */
    @Transactional
    public PageOf<AssessmentViews.Summary> page(String status, OffsetDateTime updatedSince, int page, int size, String visibleTo) {
        Paging.page(page);
        Paging.size(size);
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        Map<String, Object> parameters = new LinkedHashMap<>();
        if (visibleTo != null) {
            java.util.Set<Long> visible = memberOf(visibleTo);
            where.append(" AND a.id IN :visible");
            parameters.put("visible", visible.isEmpty() ? List.of(-1L) : visible);
        }
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
        Map<Long, AssessmentViews.Progress> progress = Progress.byAssessment(em);
        List<AssessmentViews.Summary> items = assessments.stream().map(a -> new AssessmentViews.Summary(a.id, a.name, a.target,
                a.targetLabels, a.status, a.startDate, a.dueDate, a.completedAt, assessors.getOrDefault(a.id, List.of()),
                progress.getOrDefault(a.id, Progress.of(List.of())), a.version)).toList();
        return PageOf.of(items, page, size, count.getSingleResult());
    }

    @Transactional
    public AssessmentViews.Detail detail(long id) {
        return detail(find(id), ChecklistItem.list("assessmentId = ?1 order by position", id));
    }

    /** Name and status only: the item and history pages show no progress, so they load no items. */
    @Transactional
    public AssessmentViews.Header header(long id) {
        Assessment a = find(id);
        return new AssessmentViews.Header(a.id, a.name, a.status);
    }

    /** The assessment with its progress, counted from items the caller has read already. */
    AssessmentViews.Detail detail(Assessment a, List<ChecklistItem> items) {
        long id = a.id;
        Map<String, List<ChecklistItem>> byArea = new LinkedHashMap<>();
        Map<String, String> areaTitles = new LinkedHashMap<>();
        items.stream().sorted((x, y) -> Objects.compare(areaKey(x), areaKey(y), String::compareTo)).forEach(i -> {
            byArea.computeIfAbsent(areaKey(i), k -> new ArrayList<>()).add(i);
            areaTitles.putIfAbsent(areaKey(i), i.areaTitle == null ? "Other requirements" : i.areaTitle);
        });
        List<AssessmentViews.AreaProgress> areas = byArea.entrySet().stream()
                .map(e -> new AssessmentViews.AreaProgress(e.getKey(), areaTitles.get(e.getKey()), Progress.of(e.getValue()))).toList();
        return new AssessmentViews.Detail(a.id, a.name, a.target, a.targetLabels, a.scope, a.status, a.startDate, a.dueDate,
                a.completedAt, a.createdBy, a.createdAt, a.updatedBy, a.updatedAt, assessorNames(id), Progress.of(items), areas, a.version);
    }

    static String areaKey(ChecklistItem i) {
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
        if (req.scope() != null && !req.scope().equals(a.scope)) {
            Scope scope = new Scope(req.scope().areas, req.scope().countermeasures, req.scope().recommendations, req.scope().requirements);
            String before = String.valueOf(a.scope);
            HistoryEntry.record(id, null, actor, "scope", before, scopeChange.apply(a, scope, actor));
        }
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

    /** The assessments a user is a member of: assigned as an assessor or granted read access. */
    java.util.Set<Long> memberOf(String username) {
        java.util.Set<Long> ids = new java.util.HashSet<>();
        Rows.list(em, """
                SELECT aa.assessment_id AS id FROM assessment_assessor aa JOIN app_user u ON u.id = aa.user_id WHERE u.username = :u
                UNION SELECT m.assessment_id FROM assessment_member m JOIN app_user u ON u.id = m.user_id WHERE u.username = :u""",
                Map.of("u", username), row -> ids.add(Rows.number(row, "id")));
        return ids;
    }

    public List<String> assessorNames(long id) {
        return Rows.strings(em, """
                SELECT u.username FROM assessment_assessor aa JOIN app_user u ON u.id = aa.user_id
                WHERE aa.assessment_id = :a ORDER BY u.username""", Map.of("a", id));
    }

    private Map<Long, List<String>> assessorNames() {
        Map<Long, List<String>> result = new TreeMap<>();
        Rows.list(em, """
                SELECT aa.assessment_id AS assessment, u.username AS username
                FROM assessment_assessor aa JOIN app_user u ON u.id = aa.user_id ORDER BY u.username""",
                row -> result.computeIfAbsent(Rows.number(row, "assessment"), k -> new ArrayList<>()).add(row.get("username", String.class)));
        return result;
    }

}
