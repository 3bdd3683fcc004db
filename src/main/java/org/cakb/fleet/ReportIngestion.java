package org.cakb.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.cakb.catalog.ContentLoaded;
import org.cakb.common.DomainException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Validates an agent's report (format 1 or 2): size, JSON, schema, known check ids and plausible timestamps first;
 * then {@link ReportWriter} has {@link FleetStateStore} apply it to the host's stored state, by change only, in one transaction
 * shared with the reports that arrive meanwhile, and answers after the commit. Idempotent by report UUID: the same report sent
 * again is stored once; a different report reusing a UUID is refused.
 */
@ApplicationScoped
public class ReportIngestion {

    /** Format 2 carries up to 2,000 containers; a full report of 20 containers x 40 results is about 250 KB. */
    public static final int MAX_REPORT_BYTES = 4 * 1024 * 1024;
    static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    static final Duration MAX_AGE = Duration.ofDays(30);

    public enum Outcome { STORED, DUPLICATE }


    @Inject
    ObjectMapper json;
    @Inject
    AgroalDataSource dataSource;
    @Inject
    ReportWriter writer;
    @Inject
    FleetChanges changes;

    private final JsonSchema schema = loadSchema();
    private volatile Set<String> knownChecks;

    void contentChanged(@Observes ContentLoaded event) {
        knownChecks = null;
    }

    public Outcome ingest(long hostId, long credentialId, byte[] body) {
        if (body.length > MAX_REPORT_BYTES) {
            throw new DomainException(DomainException.Kind.TOO_LARGE,
                    "report is " + body.length + " bytes; the limit is " + MAX_REPORT_BYTES + " bytes");
        }
        JsonNode report;
        try {
            report = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw DomainException.invalid("report is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw DomainException.invalid("report could not be read");
        }
        if (report == null || !report.isObject()) {
            throw DomainException.invalid("report must be a JSON object");
        }
        validate(report);
        return store(hostId, credentialId, report, body);
    }

    private void validate(JsonNode report) {
        Set<ValidationMessage> messages = schema.validate(report);
        if (!messages.isEmpty()) {
            throw new DomainException(DomainException.Kind.UNPROCESSABLE, "report does not match the report schema",
                    messages.stream().map(ValidationMessage::getMessage).sorted().limit(20).toList());
        }
        Instant started = instant(report, "startedAt");
        Instant finished = instant(report, "finishedAt");
        Instant now = Instant.now();
        if (finished.isBefore(started)) {
            throw unprocessable("finishedAt (" + finished + ") is before startedAt (" + started + ")");
        }
        if (finished.isAfter(now.plus(MAX_CLOCK_SKEW))) {
            throw unprocessable("finishedAt (" + finished + ") is in the future; check the host's clock");
        }
        if (started.isBefore(now.minus(MAX_AGE))) {
            throw unprocessable("startedAt (" + started + ") is more than " + MAX_AGE.toDays() + " days old");
        }
        Set<String> known = knownChecks();
        checks(known, report.get("results"), "results");
        JsonNode containers = report.path("containers");
        Set<String> containerIds = new HashSet<>();
        for (int c = 0; c < containers.size(); c++) {
            JsonNode container = containers.get(c);
            if (!containerIds.add(container.get("runtime").asText() + "/" + container.get("id").asText())) {
                throw unprocessable("containers[" + c + "].id: container '" + container.get("id").asText() + "' appears twice");
            }
            checks(known, container.get("results"), "containers[" + c + "].results");
        }
        if (report.path("format").asInt(1) < 2 && (report.has("containers") || report.has("baseReportId"))) {
            throw unprocessable("containers and baseReportId need \"format\": 2");
        }
        if (!report.has("baseReportId") && report.get("results").isEmpty() && containers.isEmpty()) {
            throw unprocessable("a full report needs at least one result (in results or in a container)");
        }
    }

    private static void checks(Set<String> known, JsonNode results, String path) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < results.size(); i++) {
            String id = results.get(i).get("id").asText();
            if (!known.contains(id)) {
                throw unprocessable(path + "[" + i + "].id: unknown check id '" + id + "'");
            }
            if (!seen.add(id)) {
                throw unprocessable(path + "[" + i + "].id: check '" + id + "' appears twice");
            }
        }
    }

    private Outcome store(long hostId, long credentialId, JsonNode report, byte[] body) {
        JsonNode system = report.path("system");
        JsonNode environment = report.path("environment");
        List<IncomingReport.Subject> subjects = new ArrayList<>();
        JsonNode hostResults = report.get("results");
        if (hostResults.size() > 0 || !report.has("containers") && !report.has("baseReportId")) {
            subjects.add(new IncomingReport.Subject("host", "", "", null, null, null, null, results(hostResults)));
        }
        for (JsonNode container : report.path("containers")) {
            subjects.add(new IncomingReport.Subject("container", container.get("runtime").asText(), container.get("id").asText(),
                    text(container, "name"), text(container, "image"), container.get("pid").asInt(), text(container, "cgroup"),
                    results(container.get("results"))));
        }
        IncomingReport incoming = new IncomingReport(report.get("reportId").asText(), report.path("format").asInt(1),
                text(report, "baseReportId"), instant(report, "startedAt"), instant(report, "finishedAt"),
                report.get("agentVersion").asText(), text(environment, "vantage"), text(environment, "runtime"),
                text(system, "hostname"), text(system, "kernel"), text(system, "osRelease"), subjects);
        // the payload is kept as received; no re-serialisation
        FleetStateStore.Applied applied = writer.write(hostId, credentialId, incoming, new String(body, StandardCharsets.UTF_8), sha256(body));
        if (applied.changes() > 0) {
            changes.changed(hostId);
        }
        return applied.outcome();
    }

    /** The results as the state keeps them; the agent's "verifies" list is not kept (the server's content decides). */
    private static List<IncomingReport.Result> results(JsonNode results) {
        List<IncomingReport.Result> list = new ArrayList<>(results.size());
        for (JsonNode r : results) {
            list.add(new IncomingReport.Result(r.get("id").asText(), r.get("status").asText(), text(r, "observed"),
                    text(r, "expected"), text(r, "explanation")));
        }
        return list;
    }

    private Set<String> knownChecks() {
        Set<String> known = knownChecks;
        if (known == null) {
            known = new HashSet<>();
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement select = connection.prepareStatement("SELECT id FROM kb_record WHERE kind = 'probe'");
                 ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    known.add(rows.getString(1));
                }
            } catch (SQLException e) {
                throw new IllegalStateException("could not read the probe set", e);
            }
            knownChecks = known;
        }
        return known;
    }

    private static Instant instant(JsonNode report, String field) {
        try {
            return Instant.parse(report.get(field).asText());
        } catch (DateTimeParseException e) {
            throw unprocessable(field + " is not an ISO-8601 UTC timestamp such as 2026-11-23T10:15:30Z");
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static DomainException unprocessable(String message) {
        return DomainException.unprocessable(message);
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonSchema loadSchema() {
        try (InputStream in = ReportIngestion.class.getResourceAsStream("/fleet/report.schema.json")) {
            SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                    .getSchema(new String(in.readAllBytes(), StandardCharsets.UTF_8), config);
        } catch (IOException e) {
            throw new IllegalStateException("report schema missing", e);
        }
    }
}
