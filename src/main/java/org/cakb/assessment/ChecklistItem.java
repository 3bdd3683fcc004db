package org.cakb.assessment;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** One requirement of an assessment's scope, with the assessor's result, evidence and waiver. */
@Entity
@Table(name = "checklist_item")
public class ChecklistItem extends PanacheEntityBase {

    public static final List<String> RESULTS = List.of("not-assessed", "satisfied", "partially-satisfied", "not-satisfied", "not-applicable");
    public static final String NOT_ASSESSED = "not-assessed";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "assessment_id", nullable = false)
    public Long assessmentId;

    @Column(nullable = false)
    public int position;

    @Column(name = "requirement_id", nullable = false)
    public String requirementId;

    @Column(name = "requirement_title", nullable = false)
    public String requirementTitle;

    @Column(name = "requirement_hash", nullable = false)
    public String requirementHash;

    @Column(name = "area_id")
    public String areaId;

    @Column(name = "area_title")
    public String areaTitle;

    @Column(nullable = false)
    public String result = NOT_ASSESSED;

    @Column(nullable = false)
    public String justification = "";

    @Column(name = "evidence_text", nullable = false)
    public String evidenceText = "";

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "evidence_links", nullable = false, columnDefinition = "jsonb")
    public List<String> evidenceLinks = new ArrayList<>();

    /** EXAMINE or INTERVIEW: how the assessor evidence was obtained (the OSCAL observation method). */
    @Column(name = "evidence_method", nullable = false)
    public String evidenceMethod = "EXAMINE";

    @Column(name = "waiver_reason")
    public String waiverReason;

    @Column(name = "waiver_approver")
    public String waiverApprover;

    @Column(name = "waiver_expires")
    public LocalDate waiverExpires;

    /** requested, approved, refused or withdrawn; null when no waiver was ever requested ("expired" is derived). */
    @Column(name = "waiver_state")
    public String waiverStatus;

    @Column(name = "waiver_controls")
    public String waiverControls;

    @Column(name = "waiver_requested_by")
    public String waiverRequestedBy;

    @Column(name = "waiver_requested_at")
    public OffsetDateTime waiverRequestedAt;

    @Column(name = "waiver_decided_by")
    public String waiverDecidedBy;

    @Column(name = "waiver_decided_at")
    public OffsetDateTime waiverDecidedAt;

    @Column(name = "waiver_decision_note")
    public String waiverDecisionNote;

    /** Before waivers were approved in the application, the assessor typed an approver's name: kept for the deciding admin. */
    @Column(name = "waiver_legacy_approver")
    public String waiverLegacyApprover;

    @Column(name = "updated_by")
    public String updatedBy;

    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;

    @Version
    @Column(nullable = false)
    public long version;

    public boolean hasWaiver() {
        return waiverStatus != null;
    }

    /**
     * requested, approved, refused, withdrawn or expired (approved, or still requested, past its expiry date); none
     * when there never was a request. Only an approved, unexpired waiver covers the item.
     */
    public String waiverState(LocalDate today) {
        if (!hasWaiver()) {
            return "none";
        }
        boolean open = WAIVER_REQUESTED.equals(waiverStatus) || WAIVER_APPROVED.equals(waiverStatus);
        return open && waiverExpires.isBefore(today) ? "expired" : waiverStatus;
    }

    /** Whether an approved, unexpired waiver covers the item (what progress and the exports count). */
    public boolean waived(LocalDate today) {
        return WAIVER_APPROVED.equals(waiverState(today));
    }

    public static final String WAIVER_REQUESTED = "requested";
    public static final String WAIVER_APPROVED = "approved";
    public static final String WAIVER_REFUSED = "refused";
    public static final String WAIVER_WITHDRAWN = "withdrawn";
}
