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

    /**
     * The current result of one check on one linked host or one of its containers ({@code container} null for the host
     * itself); also the provenance stored with a decision. {@code reportId} is the latest report that confirmed it,
     * {@code since} when it took this status.
     */
    public record Observation(long hostId, String host, String checkId, List<String> countermeasures, String status,
                              String observed, String expected, String reportId, OffsetDateTime finishedAt, String agentVersion,
                              Long containerSubjectId, String container, String containerRuntime, OffsetDateTime since) {
        /** The container's name, or its id when it has none; null for the host itself. */
        public String where() {
            return container == null ? host : host + " / " + container;
        }
    }

    /** The observations of one linked host, grouped: counts over the host and its containers, and the failing containers by name. */
    public record HostEvidence(long hostId, String host, int containers, int passed, int failed, int notApplicable, int errors,
                               boolean hostFails, List<String> failingContainers) {
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
                                List<PastDecision> decisions, List<HostEvidence> byHost) {
        public boolean hasSuggestion() {
            return suggestion != null;
        }
    }
}
