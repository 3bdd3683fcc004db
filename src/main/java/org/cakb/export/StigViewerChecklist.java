package org.cakb.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.cakb.assessment.StigChecklistQueries;
import org.cakb.assessment.StigChecklistQueries.Item;
import org.cakb.assessment.StigChecklistQueries.Probe;
import org.cakb.common.StableUuid;

import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An assessment as a DISA STIG Viewer 3 checklist (.cklb, JSON) against the Container Platform SRG: one rule per
 * checklist item whose requirement is an SRG requirement. The fields and their values are documented in docs/cklb.md;
 * the structure follows STIG Viewer 3's own files and STIG Manager's published ChecklistCklb schema.
 */
@ApplicationScoped
public class StigViewerChecklist {

    static final String STIG_ID = "Container_Platform_SRG";
    static final String RELEASE_INFO = "Release: 3 Benchmark Date: 27 Jan 2022";
    private static final int MAX_PROBE_LINES = 200;

    @Inject
    StigChecklistQueries queries;
    @Inject
    ObjectMapper json;

    public ObjectNode checklist(long assessmentId) {
        StigChecklistQueries.Checklist data = queries.checklist(assessmentId);
        StigChecklistQueries.Header a = data.assessment();
        String stigUuid = StableUuid.of("cklb-stig:" + a.id() + ":" + STIG_ID).toString();
        ObjectNode root = json.createObjectNode();
        root.put("title", a.name() + " - Container Platform SRG");
        root.put("id", StableUuid.of("cklb:" + a.id()).toString());
        ArrayNode stigs = root.putArray("stigs");
        ObjectNode stig = stigs.addObject();
        stig.put("stig_name", "Container Platform Security Requirements Guide");
        stig.put("display_name", "Container Platform");
        stig.put("stig_id", STIG_ID);
        stig.put("version", "1");
        stig.put("release_info", RELEASE_INFO);
        stig.put("uuid", stigUuid);
        stig.put("reference_identifier", "0000");
        stig.put("size", data.items().size());
        ArrayNode rules = stig.putArray("rules");
        for (Item item : data.items()) {
            rules.add(rule(a, item, stigUuid));
        }
        root.put("active", false);
        root.put("mode", 2);
        root.put("has_path", true);
        ObjectNode target = root.putObject("target_data");
        target.put("target_type", "Computing");
        target.put("host_name", a.target() == null ? "" : a.target());
        target.put("ip_address", "");
        target.put("mac_address", "");
        target.put("fqdn", "");
        target.put("comments", "Container Assurance KB assessment " + a.id() + " (" + a.status() + ")"
                + (a.targetLabels().isEmpty() ? "" : "; labels " + a.targetLabels().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "))));
        target.put("role", "None");
        target.put("is_web_database", false);
        target.put("technology_area", "");
        target.put("web_db_site", "");
        target.put("web_db_instance", "");
        return root;
    }

    private ObjectNode rule(StigChecklistQueries.Header a, Item item, String stigUuid) {
        JsonNode srg = item.srg();
        String ruleIdSrc = srg.path("rule_id").asText();
        String groupId = srg.path("group_id").asText();
        String groupTitle = srg.path("group_title").asText(srg.path("srg_id").asText());
        String updated = item.updatedAt() == null ? "" : DateTimeFormatter.ISO_INSTANT.format(item.updatedAt());
        ObjectNode r = json.createObjectNode();
        r.put("uuid", StableUuid.of("cklb-rule:" + a.id() + ":" + item.id()).toString());
        r.put("stig_uuid", stigUuid);
        r.putNull("target_key");
        r.putNull("stig_ref");
        r.put("group_id", groupId);
        r.put("rule_id", ruleIdSrc.replaceFirst("_rule$", ""));
        r.put("rule_id_src", ruleIdSrc);
        r.put("weight", "10.0");
        r.put("classification", "Unclassified");
        r.put("severity", srg.path("severity").asText("medium"));
        r.put("rule_version", srg.path("srg_id").asText());
        r.put("group_title", groupTitle);
        r.put("rule_title", item.title().replaceFirst("^SRG-[A-Z]+-\\d+-[A-Z]+-\\d+: ", ""));
        r.put("fix_text", srg.path("fix").asText());
        r.put("false_positives", "");
        r.put("false_negatives", "");
        r.put("discussion", srg.path("discussion").asText());
        r.put("check_content", srg.path("check").asText());
        r.put("documentable", "false");
        for (String empty : List.of("mitigations", "potential_impacts", "third_party_tools", "mitigation_control", "responsibility",
                "security_override_guidance", "ia_controls")) {
            r.put(empty, "");
        }
        ObjectNode ref = r.putObject("check_content_ref");
        ref.put("href", "");
        ref.put("name", "M");
        r.putArray("legacy_ids");
        ArrayNode ccis = r.putArray("ccis");
        srg.path("cci").forEach(c -> ccis.add(c.asText()));
        ObjectNode tree = r.putArray("group_tree").addObject();
        tree.put("id", groupId);
        tree.put("title", groupTitle);
        tree.put("description", "<GroupDescription></GroupDescription>");
        r.put("createdAt", updated);
        r.put("updatedAt", updated);
        r.put("STIGUuid", stigUuid);
        r.put("status", status(item));
        r.putObject("overrides");
        r.put("comments", comments(a, item));
        r.put("finding_details", findingDetails(item));
        return r;
    }

    /**
     * The assessor's result decides; an item nobody has assessed yet is open when a probe on a linked host fails (a
     * failing check is a finding on its own) and otherwise not reviewed: passing probes cover only part of an SRG check.
     */
    static String status(Item item) {
        return switch (item.result()) {
            case "satisfied" -> "not_a_finding";
            case "not-satisfied", "partially-satisfied" -> "open";
            case "not-applicable" -> "not_applicable";
            default -> item.probes().stream().anyMatch(p -> "fail".equals(p.status())) ? "open" : "not_reviewed";
        };
    }

    private static String findingDetails(Item item) {
        StringBuilder out = new StringBuilder();
        out.append("Result in Container Assurance KB: ").append(item.result());
        if (!item.justification().isBlank()) {
            out.append("\n\nJustification: ").append(item.justification().strip());
        }
        if (!item.evidenceText().isBlank()) {
            out.append("\n\nEvidence (").append(item.evidenceMethod()).append("): ").append(item.evidenceText().strip());
        }
        if (!item.probes().isEmpty()) {
            long fail = item.probes().stream().filter(p -> "fail".equals(p.status())).count();
            long pass = item.probes().stream().filter(p -> "pass".equals(p.status())).count();
            out.append("\n\nProbe evidence (current results on the linked hosts): ").append(pass).append(" pass, ").append(fail)
                    .append(" fail, ").append(item.probes().size() - pass - fail).append(" other");
            item.probes().stream().limit(MAX_PROBE_LINES).forEach(p -> out.append("\n- ").append(line(p)));
            if (item.probes().size() > MAX_PROBE_LINES) {
                out.append("\n- ... ").append(item.probes().size() - MAX_PROBE_LINES).append(" more in the OSCAL assessment-results export");
            }
        }
        return out.toString();
    }

    private static String line(Probe p) {
        return p.host() + (p.container() == null ? "" : " / container " + p.container()) + ": " + p.checkId() + " " + p.status()
                + (p.observed() == null || p.observed().isBlank() ? "" : " (observed: " + p.observed() + ")")
                + (p.finishedAt() == null ? "" : " at " + DateTimeFormatter.ISO_INSTANT.format(p.finishedAt()));
    }

    private static String comments(StigChecklistQueries.Header a, Item item) {
        StringBuilder out = new StringBuilder("Exported from Container Assurance KB assessment ").append(a.id())
                .append(", requirement ").append(item.requirementId());
        if (item.updatedBy() != null) {
            out.append("; last assessed by ").append(item.updatedBy());
        }
        if (item.waiverReason() != null) {
            out.append(". Waiver approved by ").append(item.waiverApprover()).append(" until ").append(item.waiverExpires())
                    .append(": ").append(item.waiverReason());
        }
        return out.toString();
    }
}
