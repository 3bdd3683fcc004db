package org.cakb.assessment;

import org.cakb.security.AppUser;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.cakb.catalog.RecordViews;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/** Requests and responses of the assessment API (and the data behind the pages). */
public final class AssessmentViews {

    private AssessmentViews() {
    }

    // ---- requests ----

    public record NewAssessment(
            @NotBlank @Size(max = 200) String name,
            @NotBlank @Size(max = 2000) String target,
            Map<@Pattern(regexp = "[A-Za-z0-9._/-]{1,63}", message = "label keys are 1-63 letters, digits, . _ / -") String,
                    @Size(max = 200) String> targetLabels,
            @NotNull Scope scope,
            LocalDate startDate,
            LocalDate dueDate,
            List<@NotBlank String> assessors) {
    }

    public record AssessmentUpdate(
            @NotNull Long version,
            @NotBlank @Size(max = 200) String name,
            @NotBlank @Size(max = 2000) String target,
            Map<String, @Size(max = 200) String> targetLabels,
            LocalDate startDate,
            LocalDate dueDate,
            /** A new scope (absent keeps it): items come in for new requirements; untouched items that leave are removed. */
            Scope scope) {

        public AssessmentUpdate(Long version, String name, String target, Map<String, String> targetLabels, LocalDate startDate,
                                LocalDate dueDate) {
            this(version, name, target, targetLabels, startDate, dueDate, null);
        }
    }

    public record StatusChange(@NotNull Long version,
                               @NotNull @Pattern(regexp = "draft|in-progress|completed", message = "must be one of draft, in-progress, completed") String status) {
    }

    public record Reopen(@NotNull Long version, @NotBlank @Size(max = 2000) String reason) {
    }

    public record Assignment(@NotNull List<@NotBlank String> assessors) {
    }

    public record ItemUpdate(
            @NotNull Long version,
            @NotNull @Pattern(regexp = "not-assessed|satisfied|partially-satisfied|not-satisfied|not-applicable",
                    message = "must be one of not-assessed, satisfied, partially-satisfied, not-satisfied, not-applicable") String result,
            @Size(max = 20000) String justification,
            @Size(max = 50000) String evidenceText,
            @Size(max = 50) List<@Pattern(regexp = "https?://\\S{1,2000}", message = "each link must be an http(s) URL without spaces") String> evidenceLinks,
            /** How the evidence was obtained: EXAMINE (documents, files, written evidence) or INTERVIEW (people); absent keeps it. */
            @Pattern(regexp = "EXAMINE|INTERVIEW", message = "must be EXAMINE or INTERVIEW") String evidenceMethod) {

        public ItemUpdate(Long version, String result, String justification, String evidenceText, List<String> evidenceLinks) {
            this(version, result, justification, evidenceText, evidenceLinks, null);
        }
    }

    /**
     * A waiver request. approver is no longer accepted (the approver is the admin who approves it in the application);
     * it stays in the schema only so that an old client sending it gets a clear 400 instead of a silent success.
     */
    public record WaiverUpdate(
            @NotNull Long version,
            @NotBlank @Size(max = 4000) String reason,
            @Size(max = 200) String approver,
            @NotNull LocalDate expires,
            @Size(max = 4000) String compensatingControls) {

        public WaiverUpdate(Long version, String reason, LocalDate expires, String compensatingControls) {
            this(version, reason, null, expires, compensatingControls);
        }
    }

    /** An admin's decision on a requested waiver: send the item version you saw; a refusal needs a note (the why). */
    public record WaiverDecision(@NotNull Long version, @Size(max = 4000) String note) {
    }


    // ---- responses ----

    /** waived: items covered by an approved waiver that has not expired (requested, refused or expired ones do not count). */
    public record Progress(int total, int assessed, int satisfied, int partiallySatisfied, int notSatisfied, int notApplicable,
                           int notAssessed, int percent, int waived) {
    }

    public record AreaProgress(String areaId, String areaTitle, Progress progress) {
    }

    public record Summary(long id, String name, String target, Map<String, String> targetLabels, String status,
                          LocalDate startDate, LocalDate dueDate, OffsetDateTime completedAt, List<String> assessors,
                          Progress progress, long version) {
    }

    /** What a page about one item shows of its assessment (no items loaded for it). */
    public record Header(long id, String name, String status) {
    }

    /** The checklist page's data: the assessment with its progress and the (filtered) rows, from one read of the items. */
    public record Checklist(Detail detail, List<ChecklistRow> rows, List<ScopePart> scope) {
    }

    /**
     * A checklist row: the item, whether the assessor gave evidence (text, links or files), and its probe evidence on the
     * linked hosts (observations and how many of them fail).
     */
    public record ChecklistRow(Item item, boolean hasEvidence, int evidenceCount, int probeObservations, int probeFailing) {
    }

    /** One part of an assessment's scope, by record name (the id on a secondary line). */
    public record ScopePart(String label, List<Named> records) {
    }

    public record Named(String id, String title, String href) {
    }

    /** The items before and after one item in checklist order, and the next item still not assessed. */
    public record Neighbours(Long previousId, String previousTitle, Long nextId, String nextTitle, Long nextOpenId,
                             String nextOpenTitle, int position, int total) {
    }

    public record Detail(long id, String name, String target, Map<String, String> targetLabels, Scope scope, String status,
                         LocalDate startDate, LocalDate dueDate, OffsetDateTime completedAt, String createdBy,
                         OffsetDateTime createdAt, String updatedBy, OffsetDateTime updatedAt, List<String> assessors,
                         Progress progress, List<AreaProgress> areas, long version) {
    }

    /**
     * The item's current waiver request and its decision. state: requested, approved, refused, withdrawn or expired;
     * only approved counts. approver is the approving admin account (approved only); legacyApprover is the name typed
     * before waivers were approved in the application (unverified, shown to the deciding admin).
     */
    public record Waiver(String reason, String approver, LocalDate expires, String state, String compensatingControls,
                         String requestedBy, OffsetDateTime requestedAt, String decidedBy, OffsetDateTime decidedAt,
                         String decisionNote, String legacyApprover) {
    }

    /** A waiver request waiting for an admin, with where it is. */
    public record PendingWaiver(long assessmentId, String assessmentName, long itemId, String requirementId,
                                String requirementTitle, Waiver waiver, long version) {
    }

    public record AttachmentInfo(long id, String filename, String contentType, int sizeBytes, String sha256,
                                 String uploadedBy, OffsetDateTime uploadedAt) {
        static AttachmentInfo of(ItemAttachment a) {
            return new AttachmentInfo(a.id, a.filename, a.contentType, a.sizeBytes, a.sha256, a.uploadedBy, a.uploadedAt);
        }
    }

    public record Item(long id, long assessmentId, int position, String requirementId, String requirementTitle,
                       String requirementHash, String areaId, String areaTitle, String result, String justification,
                       String evidenceText, List<String> evidenceLinks, String evidenceMethod, Waiver waiver, String updatedBy,
                       OffsetDateTime updatedAt, long version, List<AttachmentInfo> attachments) {
    }

    /** An item with what the assessor needs to see: the requirement as it is now, and whether it changed since. */
    public record ItemDetail(Item item, RecordViews.Detail requirement, boolean requirementChanged, boolean requirementWithdrawn) {
    }

    public record History(long id, long assessmentId, Long itemId, String actor, OffsetDateTime at, String field,
                          String oldValue, String newValue) {
        static History of(HistoryEntry e) {
            return new History(e.id, e.assessmentId, e.itemId, e.actor, e.at, e.field, e.oldValue, e.newValue);
        }
    }

    /** What was stored when a save came too late, next to what the caller sent. */
    public record StoredItem(String result, String justification, String evidenceText, List<String> evidenceLinks, Waiver waiver,
                             long version, String updatedBy, OffsetDateTime updatedAt) {
    }

    public record Conflict(int status, String error, String message, Object yours, StoredItem current) {
    }

}
