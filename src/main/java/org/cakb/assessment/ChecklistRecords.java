package org.cakb.assessment;

import jakarta.persistence.LockModeType;

import org.cakb.common.DomainException;

import java.time.LocalDate;
import java.time.OffsetDateTime;

import java.util.List;

import java.util.Objects;

/** Lookups and the data rules shared by the checklist services: versions, read-only when completed, a history row for every change, item views. */
final class ChecklistRecords {

    private ChecklistRecords() {
    }

    public static Assessment find(long id) {
        Assessment a = Assessment.findById(id);
        if (a == null) {
            throw DomainException.notFound("No assessment with id " + id);
        }
        return a;
    }

    static Assessment lockedAssessment(long id) {
        Assessment a = Assessment.findById(id, LockModeType.PESSIMISTIC_WRITE);
        if (a == null) {
            throw DomainException.notFound("No assessment with id " + id);
        }
        return a;
    }

    static ChecklistItem findItem(long id, long itemId) {
        ChecklistItem i = ChecklistItem.findById(itemId);
        if (i == null || i.assessmentId != id) {
            throw DomainException.notFound("No item " + itemId + " in assessment " + id);
        }
        return i;
    }

    static ChecklistItem lockedItem(long id, long itemId) {
        ChecklistItem i = ChecklistItem.findById(itemId, LockModeType.PESSIMISTIC_WRITE);
        if (i == null || i.assessmentId != id) {
            throw DomainException.notFound("No item " + itemId + " in assessment " + id);
        }
        return i;
    }

    static void requireOpen(Assessment a) {
        if (a.isCompleted()) {
            throw new DomainException(DomainException.Kind.CONFLICT, "Assessment " + a.id + " is completed and read-only until an admin reopens it");
        }
    }

    static void checkVersion(Assessment a, long version, Object yours) {
        if (a.version != version) {
            throw new ConflictException("Assessment " + a.id + " was changed by " + a.updatedBy + " at " + a.updatedAt
                    + " (version " + a.version + "); you sent version " + version + ". Reload and apply your change again.", yours,
                    new AssessmentViews.StoredItem(a.status, null, null, null, null, a.version, a.updatedBy, a.updatedAt));
        }
    }

    static ConflictException conflict(ChecklistItem i, Object yours) {
        return new ConflictException("Item " + i.id + " was changed by " + i.updatedBy + " at " + i.updatedAt + " (version "
                + i.version + ") after you loaded it. Nothing was saved; compare the stored values with yours and save again.",
                yours, stored(i));
    }

    static AssessmentViews.StoredItem stored(ChecklistItem i) {
        return new AssessmentViews.StoredItem(i.result, i.justification, i.evidenceText, List.copyOf(i.evidenceLinks),
                waiver(i, LocalDate.now()), i.version, i.updatedBy, i.updatedAt);
    }

    static void startIfDraft(Assessment a, String actor) {
        if (Assessment.DRAFT.equals(a.status)) {
            HistoryEntry.record(a.id, null, actor, "status", a.status, Assessment.IN_PROGRESS + " (first item saved)");
            a.status = Assessment.IN_PROGRESS;
            touch(a, actor);
        }
    }

    static boolean change(Assessment a, ChecklistItem i, String actor, String field, String before, String after) {
        if (Objects.equals(before, after)) {
            return false;
        }
        HistoryEntry.record(a.id, i == null ? null : i.id, actor, field, before, after);
        return true;
    }

    static void touch(Assessment a, String actor) {
        a.updatedBy = actor;
        a.updatedAt = OffsetDateTime.now();
    }

    static void touch(ChecklistItem i, String actor) {
        i.updatedBy = actor;
        i.updatedAt = OffsetDateTime.now();
    }

    static String str(Object o) {
        return o == null ? null : o.toString();
    }

    static AssessmentViews.Waiver waiver(ChecklistItem i, LocalDate today) {
        return i.hasWaiver() ? new AssessmentViews.Waiver(i.waiverReason, i.waiverApprover, i.waiverExpires, i.waiverState(today),
                i.waiverControls, i.waiverRequestedBy, i.waiverRequestedAt, i.waiverDecidedBy, i.waiverDecidedAt,
                i.waiverDecisionNote, i.waiverLegacyApprover) : null;
    }

    static AssessmentViews.Item view(ChecklistItem i, List<AssessmentViews.AttachmentInfo> attachments, LocalDate today) {
        return new AssessmentViews.Item(i.id, i.assessmentId, i.position, i.requirementId, i.requirementTitle, i.requirementHash,
                i.areaId, i.areaTitle, i.result, i.justification, i.evidenceText, List.copyOf(i.evidenceLinks), i.evidenceMethod, waiver(i, today),
                i.updatedBy, i.updatedAt, i.version, attachments);
    }

}
