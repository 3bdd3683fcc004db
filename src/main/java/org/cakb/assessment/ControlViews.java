package org.cakb.assessment;

import java.util.List;

/** JSON shapes of an assessment rolled up per SP 800-53 control. */
public final class ControlViews {

    private ControlViews() {
    }

    /**
     * One control: its items (the checklist items whose requirement maps to it), their results counted, a status
     * derived from them, and the current probe results on the assessment's linked hosts.
     */
    public record ControlResult(String control, String controlId, String title, String family, String familyTitle,
                                String status, Counts items, ProbeEvidence probes, List<SupportingItem> supportingItems) {
    }

    public record Counts(int total, int satisfied, int partiallySatisfied, int notSatisfied, int notApplicable, int notAssessed) {
    }

    /** Probe results (one per subject and check) by status; hosts = linked hosts with at least one such result. */
    public record ProbeEvidence(long pass, long fail, long error, long other, long hosts) {
    }

    public record SupportingItem(long itemId, String requirement, String title, String result, String relationship, String basis) {
    }
}
