package org.cakb.export;

import org.cakb.common.StableUuid;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The rows an assessment-results export reads, and how they become OSCAL values: finding states, stable UUIDs of
 * parties, tools, hosts, containers and observations, one-line strings and timestamps.
 */
final class AssessmentResultsModel {

    private AssessmentResultsModel() {
    }

    record Item(long id, int position, String requirementId, String requirementTitle, String result, String justification,
                String evidenceText, List<String> evidenceLinks, String evidenceMethod, String waiverReason,
                String waiverApprover, LocalDate waiverExpires, String updatedBy, OffsetDateTime updatedAt,
                String waiverRequestedBy, OffsetDateTime waiverApprovedAt) {
        boolean hasAssessorEvidence(List<Attachment> attachments) {
            return !evidenceText.isBlank() || !evidenceLinks.isEmpty() || !attachments.isEmpty();
        }
    }

    record Attachment(long id, String filename, String contentType, int size, String sha256, String uploadedBy, OffsetDateTime uploadedAt) {
    }

    record Decision(long id, String decision, String suggested, String recorded, String reason, String decidedBy,
                    OffsetDateTime decidedAt, int observations) {
    }

    /** OSCAL has two states; the five-valued result is kept in a prop. Anything short of satisfied is not satisfied. */
    /** A control an item's requirement maps to: its OSCAL id in NIST's Rev. 5 catalog (sc-4, ac-6.8), relationship and basis. */
    record ControlMapping(String control, String relationship, String basis) {
        String remarks() {
            return relationship + "; basis: " + basis + (basis.equals("kb-inference") ? " (this knowledge base's inference, not NIST's or DISA's)" : "");
        }
    }

    static String findingState(String result) {
        return switch (result) {
            case "satisfied", "not-applicable" -> "satisfied";
            default -> "not-satisfied";
        };
    }

    static String findingReason(String result) {
        return switch (result) {
            case "satisfied" -> "pass";
            case "not-satisfied", "partially-satisfied" -> "fail";
            default -> "other";
        };
    }

    static String party(String username) {
        return uuid("party:" + username);
    }

    static String agent(String version) {
        return uuid("agent:cakb-agent:" + version);
    }

    static String host(long hostId) {
        return uuid("fleet-host:" + hostId);
    }

    static String container(long subjectId) {
        return uuid("fleet-container:" + subjectId);
    }

    /** The host's own results keep the identity they had before containers; a container's include its subject id. */
    static String probeObservation(String reportId, Long containerSubject, String checkId) {
        return uuid("fleet-result:" + reportId + ":" + (containerSubject == null ? "" : containerSubject + ":") + checkId);
    }

    static String uuid(String name) {
        return StableUuid.of(name).toString();
    }

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    /** OSCAL string values (props, titles) are one line without surrounding whitespace. */
    static String line(String value) {
        if (value == null || value.isBlank()) {
            return "-";
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isWhitespace(value.charAt(i)) && (value.charAt(i) != ' ' || i == 0 || i == value.length() - 1
                    || value.charAt(i + 1) == ' ')) {
                return WHITESPACE.matcher(value).replaceAll(" ").strip();
            }
        }
        return value;
    }

    static String timestamp(OffsetDateTime time) {
        return time.withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }
}
