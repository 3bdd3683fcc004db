package org.cakb.assessment;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.time.OffsetDateTime;
import java.util.List;

/** Requests and responses for hosts linked to an assessment and the probe evidence of its items. */
public final class EvidenceViews {

    private EvidenceViews() {
    }

    // ---- requests ----

    public record HostLinks(@NotNull @Size(max = 500) List<@NotNull Long> hostIds) {
    }

    /** accept takes the suggestion; override records {@code result} with a mandatory reason. */
    public record Decision(
            @NotNull @Pattern(regexp = "accept|override", message = "must be accept or override") String decision,
            String result,
            @Size(max = 20000) String reason,
            @NotBlank String fingerprint,
            @NotNull Long version) {
    }

    // ---- responses ----

    /** A host linked to an assessment, with its newest report (null when it has not reported yet). */
    public record LinkedHost(long id, String name, String linkedBy, OffsetDateTime linkedAt, String latestReportId,
                             OffsetDateTime latestReportAt, String agentVersion) {
    }

    /** One result of one check in the latest report of one linked host; also the provenance stored with a decision. */
    public record Observation(long hostId, String host, String checkId, List<String> countermeasures, String status,
                              String observed, String expected, String reportId, OffsetDateTime finishedAt, String agentVersion) {
    }

    public record PastDecision(long id, String decision, String suggestedResult, String recordedResult, String reason,
                               String decidedBy, OffsetDateTime decidedAt, List<Observation> observations) {
    }

    /**
     * The evidence of one item. {@code fingerprint} identifies the observation set; a decision must send it back,
     * so a decision is never recorded on results other than those the assessor saw.
     */
    public record ProbeEvidence(long itemId, String requirementId, String itemResult, long itemVersion, List<LinkedHost> hosts,
                                List<Observation> observations, String suggestion, List<String> rule, String fingerprint,
                                List<PastDecision> decisions) {
        public boolean hasSuggestion() {
            return suggestion != null;
        }
    }
}
