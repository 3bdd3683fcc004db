package org.cakb.assessment;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.cakb.common.DomainException;
import org.cakb.common.Rows;
import org.cakb.common.Validation;
import org.cakb.security.AuditTrail;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import static org.cakb.assessment.ChecklistRecords.*;

/**
 * Waivers on checklist items: an assessor (or admin) requests one with a reason, expiry and optional compensating
 * controls; an admin other than the requester approves or refuses it, as the signed-in account; the request can be
 * withdrawn. Every step is a history row of the item and an audit event. The database refuses an approval by the
 * requester too (constraint checklist_item_waiver_approver).
 */
@ApplicationScoped
public class Waivers {

    @Inject
    Validation validation;
    @Inject
    ChecklistItems items;
    @Inject
    EntityManager em;
    @Inject
    AuditTrail audit;

    /** Requests a waiver; refused (409) while another request is pending or an approved waiver is still in force. */
    @Transactional
    public AssessmentViews.Item request(long id, long itemId, AssessmentViews.WaiverUpdate req, String actor) {
        validation.check(req);
        if (req.approver() != null && !req.approver().isBlank()) {
            throw Validation.field("approver", "is no longer typed: request the waiver, and an admin other than you approves it "
                    + "in the application (the approver is recorded as that admin's account)");
        }
        if (req.expires().isBefore(LocalDate.now())) {
            throw Validation.field("expires", "must be today or later, got " + req.expires());
        }
        Assessment a = find(id);
        requireOpen(a);
        ChecklistItem i = lockedItem(id, itemId);
        if (i.version != req.version()) {
            throw conflict(i, req);
        }
        String state = i.waiverState(LocalDate.now());
        if (ChecklistItem.WAIVER_REQUESTED.equals(state) || ChecklistItem.WAIVER_APPROVED.equals(state)) {
            throw DomainException.conflict("Item " + itemId + " already has a " + state + " waiver (by " + i.waiverRequestedBy
                    + "); withdraw it before requesting another");
        }
        String reason = req.reason().strip();
        String controls = blankToNull(req.compensatingControls());
        change(a, i, actor, "waiverState", state.equals("none") ? null : state, ChecklistItem.WAIVER_REQUESTED);
        change(a, i, actor, "waiverReason", i.waiverReason, reason);
        change(a, i, actor, "waiverControls", i.waiverControls, controls);
        change(a, i, actor, "waiverExpires", str(i.waiverExpires), str(req.expires()));
        i.waiverStatus = ChecklistItem.WAIVER_REQUESTED;
        i.waiverReason = reason;
        i.waiverControls = controls;
        i.waiverExpires = req.expires();
        i.waiverRequestedBy = actor;
        i.waiverRequestedAt = OffsetDateTime.now();
        i.waiverApprover = null;
        i.waiverDecidedBy = null;
        i.waiverDecidedAt = null;
        i.waiverDecisionNote = null;
        i.waiverLegacyApprover = null;
        touch(i, actor);
        startIfDraft(a, actor);
        audit.record(AuditTrail.WAIVER_REQUEST, actor, target(i), true, "expires " + req.expires() + ": " + reason);
        em.flush();
        return items.viewOf(i);
    }

    /** Approves a pending request as the signed-in admin {@code actor}, who must not be its requester. */
    @Transactional
    public AssessmentViews.Item approve(long id, long itemId, AssessmentViews.WaiverDecision req, String actor) {
        validation.check(req);
        Assessment a = find(id);
        requireOpen(a);
        ChecklistItem i = pending(id, itemId, req.version(), req);
        if (actor.equals(i.waiverRequestedBy)) {
            audit.recordAlone(AuditTrail.WAIVER_DECISION, actor, null, target(i), false, "refused: approving one's own request");
            throw DomainException.forbidden("You requested this waiver; another admin has to approve it (separation of duties)");
        }
        if (i.waiverExpires.isBefore(LocalDate.now())) {
            throw DomainException.conflict("The requested expiry " + i.waiverExpires + " has passed; refuse it and ask for a new request");
        }
        String note = blankToNull(req.note());
        decide(a, i, ChecklistItem.WAIVER_APPROVED, note, actor);
        i.waiverApprover = actor;
        audit.record(AuditTrail.WAIVER_DECISION, actor, target(i), true, "approved waiver requested by " + i.waiverRequestedBy
                + " until " + i.waiverExpires + (note == null ? "" : ": " + note));
        em.flush();
        return items.viewOf(i);
    }

    /** Refuses a pending request; the note (why) is required. An admin may refuse their own request. */
    @Transactional
    public AssessmentViews.Item refuse(long id, long itemId, AssessmentViews.WaiverDecision req, String actor) {
        validation.check(req);
        String note = blankToNull(req.note());
        if (note == null) {
            throw Validation.field("note", "say why the waiver is refused");
        }
        Assessment a = find(id);
        requireOpen(a);
        ChecklistItem i = pending(id, itemId, req.version(), req);
        decide(a, i, ChecklistItem.WAIVER_REFUSED, note, actor);
        i.waiverApprover = null;
        audit.record(AuditTrail.WAIVER_DECISION, actor, target(i), true, "refused waiver requested by " + i.waiverRequestedBy + ": " + note);
        em.flush();
        return items.viewOf(i);
    }

    /** Withdraws the pending or approved waiver (the requester, another assigned assessor or an admin). */
    @Transactional
    public AssessmentViews.Item withdraw(long id, long itemId, long version, String actor) {
        Assessment a = find(id);
        requireOpen(a);
        ChecklistItem i = lockedItem(id, itemId);
        if (i.version != version) {
            throw conflict(i, Map.of("version", version, "waiver", "withdraw"));
        }
        if (!ChecklistItem.WAIVER_REQUESTED.equals(i.waiverStatus) && !ChecklistItem.WAIVER_APPROVED.equals(i.waiverStatus)) {
            throw DomainException.conflict("Item " + itemId + " has no requested or approved waiver to withdraw");
        }
        change(a, i, actor, "waiverState", i.waiverState(LocalDate.now()), ChecklistItem.WAIVER_WITHDRAWN);
        i.waiverStatus = ChecklistItem.WAIVER_WITHDRAWN;
        i.waiverApprover = null;
        i.waiverDecidedBy = actor;
        i.waiverDecidedAt = OffsetDateTime.now();
        i.waiverDecisionNote = null;
        touch(i, actor);
        audit.record(AuditTrail.WAIVER_WITHDRAW, actor, target(i), true, "withdrew waiver requested by " + i.waiverRequestedBy);
        em.flush();
        return items.viewOf(i);
    }

    /** Requests waiting for a decision, oldest first (the admins' queue). */
    @Transactional
    public List<AssessmentViews.PendingWaiver> pending() {
        LocalDate today = LocalDate.now();
        Map<Long, String> names = new java.util.HashMap<>();
        Rows.list(em, "SELECT id, name FROM assessment WHERE id IN (SELECT assessment_id FROM checklist_item WHERE waiver_state = 'requested')",
                row -> names.put(Rows.number(row, "id"), row.get("name", String.class)));
        List<ChecklistItem> waiting = ChecklistItem.list("waiverStatus = ?1 order by waiverRequestedAt, id", ChecklistItem.WAIVER_REQUESTED);
        return waiting.stream().map(i -> new AssessmentViews.PendingWaiver(i.assessmentId, names.get(i.assessmentId), i.id,
                i.requirementId, i.requirementTitle, waiver(i, today), i.version)).toList();
    }

    private ChecklistItem pending(long id, long itemId, long version, Object yours) {
        ChecklistItem i = lockedItem(id, itemId);
        if (i.version != version) {
            throw conflict(i, yours);
        }
        if (!ChecklistItem.WAIVER_REQUESTED.equals(i.waiverStatus)) {
            throw DomainException.conflict("Item " + itemId + " has no waiver request waiting for a decision (state: "
                    + i.waiverState(LocalDate.now()) + ")");
        }
        return i;
    }

    private static void decide(Assessment a, ChecklistItem i, String state, String note, String actor) {
        change(a, i, actor, "waiverState", i.waiverStatus, state);
        change(a, i, actor, "waiverDecisionNote", i.waiverDecisionNote, note);
        i.waiverStatus = state;
        i.waiverDecidedBy = actor;
        i.waiverDecidedAt = OffsetDateTime.now();
        i.waiverDecisionNote = note;
        i.waiverLegacyApprover = null; // decided in the application now; the typed name stays in the history
        touch(i, actor);
    }

    private static String target(ChecklistItem i) {
        return "assessment:" + i.assessmentId + "/item:" + i.id;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
