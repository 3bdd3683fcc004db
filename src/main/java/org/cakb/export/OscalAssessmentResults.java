package org.cakb.export;

import static org.cakb.export.AssessmentResultsModel.*;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.cakb.common.StableUuid;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.*;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One assessment as an OSCAL 1.0.6 assessment-results document, written straight to the response: the checklist
 * items (at most a few hundred) are held in memory, the hosts and their probe results are read with JDBC cursors
 * and written as they arrive, so an assessment linked to thousands of hosts is never loaded at once. All queries
 * run in one repeatable-read transaction, so the document is one consistent snapshot. UUIDs are name-based
 * ({@link StableUuid}) per subject: exporting unchanged data gives an identical document.
 */
@ApplicationScoped
public class OscalAssessmentResults {

    static final int FETCH_SIZE = 1000;

    @Inject
    AgroalDataSource dataSource;
    @Inject
    ObjectMapper json;

    @ConfigProperty(name = "cakb.oscal.namespace", defaultValue = "https://container-assurance-kb.invalid/ns/oscal")
    String namespace;

    /** The href of import-ap: the assessment itself stands for the plan (scope, assessors, dates); there is no plan export. */
    static String planHref(long assessmentId) {
        return "/api/v1/assessments/" + assessmentId;
    }

    /** Writes the document; server-relative hrefs are made absolute under {@code base} (e.g. https://kb.example.org). */
    public void write(long assessmentId, OutputStream out, String base) throws IOException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false); // a transaction, so the driver reads with cursors (fetch size)
            try (Statement snapshot = connection.createStatement()) {
                snapshot.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                // the item-ordered probe links are sorted in PostgreSQL; let that sort stay in memory (this transaction only)
                snapshot.execute("SET LOCAL work_mem = '" + AssessmentResultsSql.WORK_MEM + "'");
            }
            BufferedOutputStream buffered = new BufferedOutputStream(out, 64 * 1024);
            JsonGenerator generator = new AbsoluteHrefs(json.getFactory().createGenerator(buffered, JsonEncoding.UTF8), base);
            generator.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            new Export(connection, generator, assessmentId).document();
            generator.flush();
            buffered.flush();
            connection.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("assessment-results export of assessment " + assessmentId + " failed", e);
        }
    }

    /** One export: the connection, the generator and what is read once. */
    private final class Export {
        private final Connection db;
        private final JsonGenerator g;
        private final long id;
        private final String prefix;
        private final List<Item> items = new ArrayList<>();
        private final Map<Long, List<Attachment>> attachments = new LinkedHashMap<>();
        private final Map<Long, List<Decision>> decisions = new LinkedHashMap<>();
        private final Map<Long, List<ControlMapping>> controls = new LinkedHashMap<>();
        private final List<String> people = new ArrayList<>();
        private final List<String> agentVersions = new ArrayList<>();
        /** OSCAL arrays may not be empty: the observations array is opened by the first observation. */
        private boolean observationsOpen;

        Export(Connection db, JsonGenerator g, long id) {
            this.db = db;
            this.g = g;
            this.id = id;
            this.prefix = "assessment:" + id;
        }

        void document() throws SQLException, IOException {
            readSmallParts();
            g.writeStartObject();
            g.writeObjectFieldStart("assessment-results");
            g.writeStringField("uuid", uuid(prefix + ":assessment-results"));
            try (PreparedStatement select = db.prepareStatement(AssessmentResultsSql.ASSESSMENT)) {
                select.setLong(1, id);
                try (ResultSet a = select.executeQuery()) {
                    if (!a.next()) {
                        throw new IllegalStateException("assessment " + id + " disappeared during the export");
                    }
                    metadata(a);
                    g.writeObjectFieldStart("import-ap");
                    g.writeStringField("href", planHref(id));
                    g.writeStringField("remarks", "This knowledge base exports no assessment plan; the assessment resource "
                            + "(scope, assessors, dates) stands for it.");
                    g.writeEndObject();
                    g.writeArrayFieldStart("results");
                    result(a);
                    g.writeEndArray();
                }
            }
            g.writeEndObject();
            g.writeEndObject();
        }

        private void readSmallParts() throws SQLException, IOException {
            StreamingQuery.each(db, AssessmentResultsSql.ITEMS, rs -> items.add(new Item(rs.getLong(1), rs.getInt(2), rs.getString(3), rs.getString(4),
                    rs.getString(5), rs.getString(6), rs.getString(7), links(rs.getString(8)), rs.getString(9), rs.getString(10),
                    rs.getString(11), rs.getObject(12, LocalDate.class), rs.getString(13), rs.getObject(14, OffsetDateTime.class),
                    rs.getString(16), rs.getObject(17, OffsetDateTime.class))), id);
            StreamingQuery.each(db, AssessmentResultsSql.ATTACHMENTS, rs -> attachments.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
                    .add(new Attachment(rs.getLong(2), rs.getString(3), rs.getString(4), rs.getInt(5), rs.getString(6),
                            rs.getString(7), rs.getObject(8, OffsetDateTime.class))), id);
            StreamingQuery.each(db, AssessmentResultsSql.DECISIONS, rs -> decisions.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
                    .add(new Decision(rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                            rs.getString(7), rs.getObject(8, OffsetDateTime.class), rs.getInt(9))), id);
            StreamingQuery.each(db, AssessmentResultsSql.PEOPLE, rs -> people.add(rs.getString(1)), id, id, id);
            StreamingQuery.each(db, AssessmentResultsSql.CONTROL_MAPPINGS, rs -> controls.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
                    .add(new ControlMapping(rs.getString(2), rs.getString(3), rs.getString(4))), id);
            StreamingQuery.each(db, AssessmentResultsSql.AGENT_VERSIONS, rs -> agentVersions.add(rs.getString(1)), id);
        }

        private void metadata(ResultSet a) throws SQLException, IOException {
            g.writeObjectFieldStart("metadata");
            g.writeStringField("title", "Assessment results: " + line(a.getString(1)));
            OffsetDateTime modified = a.getObject(8, OffsetDateTime.class);
            g.writeStringField("last-modified", timestamp(modified));
            g.writeStringField("version", a.getLong(7) + "-" + timestamp(modified));
            g.writeStringField("oscal-version", OscalCatalog.OSCAL_VERSION);
            g.writeArrayFieldStart("props");
            prop("assessment-id", Long.toString(id));
            prop("assessment-status", a.getString(3));
            prop("target", line(a.getString(2)));
            g.writeEndArray();
            g.writeArrayFieldStart("roles");
            role("assessor", "Assessor");
            g.writeEndArray();
            if (!people.isEmpty()) {
                g.writeArrayFieldStart("parties");
                for (String person : people) {
                    g.writeStartObject();
                    g.writeStringField("uuid", party(person));
                    g.writeStringField("type", "person");
                    g.writeStringField("name", person);
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            String assessors = a.getString(9);
            if (assessors != null) {
                g.writeArrayFieldStart("responsible-parties");
                g.writeStartObject();
                g.writeStringField("role-id", "assessor");
                g.writeArrayFieldStart("party-uuids");
                for (String assessor : assessors.split(",")) {
                    g.writeString(party(assessor));
                }
                g.writeEndArray();
                g.writeEndObject();
                g.writeEndArray();
            }
            g.writeEndObject();
        }

        private void result(ResultSet a) throws SQLException, IOException {
            g.writeStartObject();
            g.writeStringField("uuid", uuid(prefix + ":result"));
            g.writeStringField("title", line(a.getString(1)));
            g.writeStringField("description", "Checklist of assessment " + id + " on " + a.getString(2).strip()
                    + ": one finding per requirement in scope; observations from the assessors' evidence and from the current "
                    + "probe results of each host linked to the assessment and of each of its containers.");
            LocalDate start = a.getObject(4, LocalDate.class);
            g.writeStringField("start", start != null ? start + "T00:00:00Z" : timestamp(a.getObject(5, OffsetDateTime.class)));
            OffsetDateTime completed = a.getObject(6, OffsetDateTime.class);
            if (completed != null) {
                g.writeStringField("end", timestamp(completed));
            }
            localDefinitions();
            reviewedControls();
            assessorObservations();
            probeObservations();
            if (observationsOpen) {
                g.writeEndArray();
            }
            risks();
            findings();
            g.writeEndObject();
        }

        /** The probe agents (one tool per version) and the linked hosts (streamed). */
        private void localDefinitions() throws SQLException, IOException {
            g.writeObjectFieldStart("local-definitions");
            if (!agentVersions.isEmpty()) {
                g.writeArrayFieldStart("components");
                for (String version : agentVersions) {
                    g.writeStartObject();
                    g.writeStringField("uuid", agent(version));
                    g.writeStringField("type", "software");
                    g.writeStringField("title", "cakb-agent " + version);
                    g.writeStringField("description", "The Container Assurance KB probe agent, version " + version
                            + ", which ran the probes and submitted the reports.");
                    g.writeObjectFieldStart("status");
                    g.writeStringField("state", "operational");
                    g.writeEndObject();
                    g.writeArrayFieldStart("props");
                    prop("agent-version", line(version));
                    g.writeEndArray();
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            boolean[] any = {false};
            StreamingQuery.each(db, AssessmentResultsSql.HOSTS, rs -> {
                if (!any[0]) {
                    g.writeArrayFieldStart("inventory-items");
                    any[0] = true;
                }
                g.writeStartObject();
                g.writeStringField("uuid", host(rs.getLong(1)));
                String description = rs.getString(3).strip();
                g.writeStringField("description", description.isEmpty() ? "Fleet host " + rs.getString(2) : description);
                g.writeArrayFieldStart("props");
                prop("host-name", rs.getString(2));
                prop("host-id", Long.toString(rs.getLong(1)));
                for (int column = 5; column <= 7; column++) {
                    if (rs.getString(column) != null && !rs.getString(column).isBlank()) {
                        prop(new String[]{"hostname", "runtime", "vantage"}[column - 5], line(rs.getString(column)));
                    }
                }
                g.writeEndArray();
                g.writeArrayFieldStart("links");
                g.writeStartObject();
                g.writeStringField("href", "/api/v1/hosts/" + rs.getLong(1));
                g.writeStringField("rel", "fleet-host");
                g.writeEndObject();
                g.writeEndArray();
                g.writeEndObject();
            }, id);
            StreamingQuery.each(db, AssessmentResultsSql.CONTAINERS, rs -> {
                if (!any[0]) {
                    g.writeArrayFieldStart("inventory-items");
                    any[0] = true;
                }
                containerItem(rs);
            }, id);
            if (any[0]) {
                g.writeEndArray();
            }
            g.writeEndObject();
        }

        /** A container as its own inventory item, tied to its host (prop host-id and a link to the host's item). */
        private void containerItem(ResultSet rs) throws SQLException, IOException {
            long subject = rs.getLong(1);
            String name = rs.getString(6) == null ? rs.getString(5) : rs.getString(6);
            g.writeStartObject();
            g.writeStringField("uuid", container(subject));
            g.writeStringField("description", "Container " + line(name) + " (" + rs.getString(4) + ") on fleet host " + rs.getString(3));
            g.writeArrayFieldStart("props");
            prop("asset-type", "container");
            prop("container-id", line(rs.getString(5)));
            if (rs.getString(6) != null) {
                prop("container-name", line(rs.getString(6)));
            }
            prop("runtime", line(rs.getString(4)));
            if (rs.getString(7) != null) {
                prop("image", line(rs.getString(7)));
            }
            prop("host-name", rs.getString(3));
            prop("host-id", Long.toString(rs.getLong(2)));
            g.writeEndArray();
            g.writeArrayFieldStart("links");
            g.writeStartObject();
            g.writeStringField("href", "#" + host(rs.getLong(2)));
            g.writeStringField("rel", "hosted-on");
            g.writeEndObject();
            g.writeStartObject();
            g.writeStringField("href", "/api/v1/containers/" + subject);
            g.writeStringField("rel", "fleet-container");
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
        }

        private void reviewedControls() throws IOException {
            g.writeObjectFieldStart("reviewed-controls");
            g.writeStringField("description", "The requirements in the assessment's scope, one checklist item each.");
            g.writeArrayFieldStart("control-selections");
            g.writeStartObject();
            if (items.isEmpty()) {
                g.writeStringField("description", "No requirement is in scope.");
            } else {
                g.writeArrayFieldStart("include-controls");
                for (Item item : items) {
                    g.writeStartObject();
                    g.writeStringField("control-id", OscalCatalog.token(item.requirementId()));
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
        }

        private void assessorObservations() throws IOException {
            for (Item item : items) {
                List<Attachment> files = attachments.getOrDefault(item.id(), List.of());
                if (!item.hasAssessorEvidence(files)) {
                    continue;
                }
                startObservation();
                g.writeStringField("uuid", assessorObservation(item));
                g.writeStringField("title", "Assessor evidence: " + line(item.requirementTitle()));
                g.writeStringField("description", item.evidenceText().isBlank()
                        ? "Evidence recorded by the assessor as links or files." : item.evidenceText());
                g.writeArrayFieldStart("methods");
                g.writeString(item.evidenceMethod());
                g.writeEndArray();
                if (item.updatedBy() != null) {
                    g.writeArrayFieldStart("origins");
                    g.writeStartObject();
                    g.writeArrayFieldStart("actors");
                    g.writeStartObject();
                    g.writeStringField("type", "party");
                    g.writeStringField("actor-uuid", party(item.updatedBy()));
                    g.writeStringField("role-id", "assessor");
                    g.writeEndObject();
                    g.writeEndArray();
                    g.writeEndObject();
                    g.writeEndArray();
                }
                if (!item.evidenceLinks().isEmpty() || !files.isEmpty()) {
                    g.writeArrayFieldStart("relevant-evidence");
                    for (String link : item.evidenceLinks()) {
                        g.writeStartObject();
                        g.writeStringField("href", link);
                        g.writeStringField("description", "Evidence link recorded by the assessor.");
                        g.writeEndObject();
                    }
                    for (Attachment file : files) {
                        g.writeStartObject();
                        g.writeStringField("href", "/api/v1/assessments/" + id + "/items/" + item.id() + "/attachments/" + file.id());
                        g.writeStringField("description", "Attachment " + line(file.filename()) + " (" + file.contentType() + ", "
                                + file.size() + " bytes), uploaded by " + file.uploadedBy() + " at " + timestamp(file.uploadedAt()) + ".");
                        g.writeArrayFieldStart("props");
                        prop("sha256", file.sha256());
                        g.writeEndArray();
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                }
                g.writeStringField("collected", timestamp(item.updatedAt() != null ? item.updatedAt()
                        : files.get(files.size() - 1).uploadedAt()));
                g.writeEndObject();
            }
        }

        /** One observation per probe result that is evidence for some item (a result can serve several items). */
        private void probeObservations() throws SQLException, IOException {
            StreamingQuery.each(db, AssessmentResultsSql.PROBE_OBSERVATIONS, rs -> {
                String host = rs.getString(2), reportId = rs.getString(3), checkId = rs.getString(6), status = rs.getString(7);
                String observed = rs.getString(8), expected = rs.getString(9);
                boolean inContainer = "container".equals(rs.getString(11));
                long subject = rs.getLong(12);
                String where = inContainer ? "container " + line(rs.getString(13)) + " on host " + host : "host " + host;
                startObservation();
                g.writeStringField("uuid", probeObservation(reportId, inContainer ? subject : null, checkId));
                g.writeStringField("title", "Probe " + checkId + " on " + where + ": " + status);
                g.writeStringField("description", "The probe agent reported " + status + " for " + checkId + " on " + where
                        + (observed == null ? "" : "; observed: " + observed) + (expected == null ? "" : "; expected: " + expected) + ".");
                g.writeArrayFieldStart("props");
                prop("probe-id", line(checkId));
                prop("probe-status", status);
                prop("verifies", line(rs.getString(10)));
                g.writeEndArray();
                g.writeArrayFieldStart("methods");
                g.writeString("TEST");
                g.writeEndArray();
                g.writeArrayFieldStart("origins");
                g.writeStartObject();
                g.writeArrayFieldStart("actors");
                g.writeStartObject();
                g.writeStringField("type", "tool");
                g.writeStringField("actor-uuid", agent(rs.getString(5)));
                g.writeArrayFieldStart("props");
                prop("agent-version", line(rs.getString(5)));
                g.writeEndArray();
                g.writeEndObject();
                g.writeEndArray();
                g.writeEndObject();
                g.writeEndArray();
                g.writeArrayFieldStart("subjects");
                g.writeStartObject();
                g.writeStringField("subject-uuid", inContainer ? container(subject) : host(rs.getLong(1)));
                g.writeStringField("type", "inventory-item");
                g.writeStringField("title", inContainer ? line(rs.getString(13)) + " on " + host : host);
                g.writeEndObject();
                g.writeEndArray();
                g.writeArrayFieldStart("relevant-evidence");
                g.writeStartObject();
                g.writeStringField("href", "/api/v1/hosts/" + rs.getLong(1) + "/reports/" + reportId);
                g.writeStringField("description", "The raw report " + reportId + " the agent submitted for " + host + ".");
                g.writeEndObject();
                g.writeEndArray();
                g.writeStringField("collected", timestamp(rs.getObject(4, OffsetDateTime.class)));
                g.writeEndObject();
            }, id, id);
        }

        /** Approved waivers (the only ones exported): deviation-approved while valid, an open risk again once expired. */
        private void risks() throws IOException {
            List<Item> waived = items.stream().filter(i -> i.waiverReason() != null).toList();
            if (waived.isEmpty()) {
                return;
            }
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            g.writeArrayFieldStart("risks");
            for (Item item : waived) {
                boolean expired = item.waiverExpires().isBefore(today);
                g.writeStartObject();
                g.writeStringField("uuid", risk(item));
                g.writeStringField("title", "Waiver: " + line(item.requirementTitle()));
                g.writeStringField("description", "Requirement " + item.requirementId() + " is waived: " + item.waiverReason());
                g.writeStringField("statement", item.waiverReason());
                g.writeArrayFieldStart("props");
                prop("waiver-approver", line(item.waiverApprover()));
                prop("waiver-approved-at", timestamp(item.waiverApprovedAt()));
                prop("waiver-requested-by", line(item.waiverRequestedBy()));
                prop("waiver-expires", item.waiverExpires().toString());
                prop("waiver-state", expired ? "expired" : "active");
                g.writeEndArray();
                g.writeStringField("status", expired ? "open" : "deviation-approved");
                g.writeStringField("deadline", item.waiverExpires() + "T23:59:59Z");
                g.writeEndObject();
            }
            g.writeEndArray();
        }

        private void findings() throws SQLException, IOException {
            g.writeArrayFieldStart("findings");
            try (PreparedStatement select = db.prepareStatement(AssessmentResultsSql.ITEM_PROBE_LINKS)) {
                select.setFetchSize(FETCH_SIZE);
                select.setLong(1, id);
                select.setLong(2, id);
                try (ResultSet links = select.executeQuery()) {
                    boolean more = links.next();
                    for (Item item : items) {
                        more = finding(item, links, more);
                    }
                }
            }
            g.writeEndArray();
        }

        /** Writes the item's finding, consuming its rows of the (item-ordered) probe links; returns whether rows remain. */
        private boolean finding(Item item, ResultSet links, boolean more) throws SQLException, IOException {
            g.writeStartObject();
            g.writeStringField("uuid", uuid(prefix + ":item:" + item.id() + ":finding"));
            g.writeStringField("title", line(item.requirementTitle()));
            g.writeStringField("description", item.justification().isBlank() ? "No justification recorded." : item.justification());
            g.writeArrayFieldStart("props");
            prop("result", item.result());
            prop("kb-id", item.requirementId());
            for (ControlMapping c : controls.getOrDefault(item.id(), List.of())) {
                prop("nist-800-53-rev5", c.control(), c.remarks());
            }
            if (item.updatedBy() != null) {
                prop("assessor", item.updatedBy());
                prop("updated", timestamp(item.updatedAt()));
            }
            List<Decision> itemDecisions = decisions.getOrDefault(item.id(), List.of());
            for (Decision d : itemDecisions) {
                prop("probe-evidence-decision", d.decision(), d.decidedBy() + " at " + timestamp(d.decidedAt()) + ": suggested "
                        + d.suggested() + ", recorded " + d.recorded() + " (from " + d.observations() + " probe observations)"
                        + (d.reason() == null || d.reason().isBlank() ? "" : "; reason: " + d.reason()));
            }
            g.writeEndArray();
            g.writeObjectFieldStart("target");
            g.writeStringField("type", "statement-id");
            g.writeStringField("target-id", OscalCatalog.token(item.requirementId()) + "_smt");
            g.writeObjectFieldStart("status");
            g.writeStringField("state", findingState(item.result()));
            g.writeStringField("reason", findingReason(item.result()));
            g.writeStringField("remarks", "Checklist result: " + item.result() + ".");
            g.writeEndObject();
            g.writeEndObject();
            boolean wroteObservations = false;
            if (item.hasAssessorEvidence(attachments.getOrDefault(item.id(), List.of()))) {
                wroteObservations = startRelated(false);
                relatedObservation(assessorObservation(item));
            }
            String previous = null;
            while (more && links.getLong(2) == item.id()) {
                String observation = probeObservation(links.getString(4),
                        "container".equals(links.getString(6)) ? links.getLong(7) : null, links.getString(5));
                if (!observation.equals(previous)) { // a result verifying two of the item's countermeasures comes twice
                    wroteObservations = startRelated(wroteObservations);
                    relatedObservation(observation);
                    previous = observation;
                }
                more = links.next();
            }
            if (wroteObservations) {
                g.writeEndArray();
            }
            if (item.waiverReason() != null) {
                g.writeArrayFieldStart("related-risks");
                g.writeStartObject();
                g.writeStringField("risk-uuid", risk(item));
                g.writeEndObject();
                g.writeEndArray();
            }
            if (!itemDecisions.isEmpty()) {
                Decision last = itemDecisions.get(itemDecisions.size() - 1);
                g.writeStringField("remarks", "Probe evidence " + last.decision() + " by " + last.decidedBy() + ": suggested "
                        + last.suggested() + ", recorded " + last.recorded() + ".");
            }
            g.writeEndObject();
            return more;
        }

        private void startObservation() throws IOException {
            if (!observationsOpen) {
                g.writeArrayFieldStart("observations");
                observationsOpen = true;
            }
            g.writeStartObject();
        }

        private boolean startRelated(boolean started) throws IOException {
            if (!started) {
                g.writeArrayFieldStart("related-observations");
            }
            return true;
        }

        private void relatedObservation(String uuid) throws IOException {
            g.writeStartObject();
            g.writeStringField("observation-uuid", uuid);
            g.writeEndObject();
        }

        private void prop(String name, String value) throws IOException {
            prop(name, value, null);
        }

        private void prop(String name, String value, String remarks) throws IOException {
            g.writeStartObject();
            g.writeStringField("name", name);
            g.writeStringField("ns", namespace);
            g.writeStringField("value", value);
            if (remarks != null) {
                g.writeStringField("remarks", remarks);
            }
            g.writeEndObject();
        }

        private void role(String roleId, String title) throws IOException {
            g.writeStartObject();
            g.writeStringField("id", roleId);
            g.writeStringField("title", title);
            g.writeEndObject();
        }

        private String assessorObservation(Item item) {
            return uuid(prefix + ":item:" + item.id() + ":assessor-evidence");
        }

        private String risk(Item item) {
            return uuid(prefix + ":item:" + item.id() + ":waiver");
        }

        private List<String> links(String jsonArray) {
            try {
                return json.readValue(jsonArray, new TypeReference<List<String>>() { });
            } catch (IOException e) {
                throw new IllegalStateException("evidence_links is not a JSON array of strings", e);
            }
        }
    }
}
