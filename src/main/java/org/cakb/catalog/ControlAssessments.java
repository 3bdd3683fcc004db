package org.cakb.catalog;

import java.util.List;

/**
 * How the assessments stand on one SP 800-53 control, asked by the knowledge-base pages (which may not depend on the
 * assessment domain); implemented in {@code org.cakb.assessment}.
 */
public interface ControlAssessments {

    /** One assessment's items that map to the control, counted; probe results on its linked hosts. */
    record Standing(long assessmentId, String assessmentName, String assessmentStatus, String controlStatus, int items, int satisfied,
                    int notSatisfied, int notAssessed, long probePass, long probeFail, long probeHosts) {
    }

    /** The most recently changed assessments (at most {@code limit}) that have an item mapping to the control. */
    List<Standing> forControl(String controlId, int limit);
}
