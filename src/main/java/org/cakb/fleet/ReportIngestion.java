package org.cakb.fleet;

import org.cakb.common.DomainException;

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

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Validates and stores an agent's report: size, JSON, schema, known check ids and plausible timestamps first;
 * then the report and all its results in one transaction. Idempotent by report UUID: the same report sent
 * again is stored once; a different report reusing a UUID is refused.
 */
@ApplicationScoped
public class ReportIngestion {

    public static final int MAX_REPORT_BYTES = 1024 * 1024;
    static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    static final Duration MAX_AGE = Duration.ofDays(30);

    public enum Outcome { STORED, DUPLICATE }

    private static final List<String> STATUSES = List.of("pass", "fail", "not-applicable", "error");

    @Inject
    ObjectMapper json;
    @Inject
    AgroalDataSource dataSource;

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
        Set<String> seen = new HashSet<>();
        JsonNode results = report.get("results");
        for (int i = 0; i < results.size(); i++) {
            String id = results.get(i).get("id").asText();
            if (!known.contains(id)) {
                throw unprocessable("results[" + i + "].id: unknown check id '" + id + "'");
            }
            if (!seen.add(id)) {
                throw unprocessable("results[" + i + "].id: check '" + id + "' appears twice");
            }
        }
    }

    /**
     * One statement, so one round trip and atomic without an explicit transaction: the report row, its results
     * extracted by PostgreSQL from the stored payload (parsed once, as jsonb), and the host's last-seen data. A report
     * id already present inserts nothing at all, and then {@link #duplicate} tells a resend from a reused id.
     */
    private static final String STORE = """
            WITH report AS (
                INSERT INTO fleet_report (id, host_id, credential_id, started_at, finished_at, agent_version, vantage, runtime,
                    hostname, kernel, os_release, passed, failed, not_applicable, errors, payload_sha256, payload)
                VALUES (?::uuid, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)
                ON CONFLICT (id) DO NOTHING
                RETURNING id, host_id, agent_version, vantage, runtime, hostname, kernel, os_release, payload),
            results AS (
                INSERT INTO fleet_result (report_id, check_id, countermeasures, status, observed, expected, explanation)
                SELECT report.id, r.id, ARRAY(SELECT jsonb_array_elements_text(coalesce(r.verifies, '[]'))), r.status,
                       r.observed, r.expected, r.explanation
                FROM report, jsonb_to_recordset(report.payload -> 'results')
                    AS r (id text, verifies jsonb, status text, observed text, expected text, explanation text)),
            -- last seen is shown to the second: an agent reporting many times a second rewrites its host row once a second
            host AS (
                UPDATE fleet_host h SET last_seen_at = now(), agent_version = report.agent_version, vantage = report.vantage,
                    runtime = report.runtime, hostname = report.hostname, kernel = report.kernel, os_release = report.os_release
                FROM report
                WHERE h.id = report.host_id AND (h.last_seen_at IS NULL OR h.last_seen_at < now() - interval '1 second'
                    OR (h.agent_version, h.vantage, h.runtime, h.hostname, h.kernel, h.os_release) IS DISTINCT FROM
                       (report.agent_version, report.vantage, report.runtime, report.hostname, report.kernel, report.os_release)))
            SELECT count(*) FROM report""";

    private Outcome store(long hostId, long credentialId, JsonNode report, byte[] body) {
        String payloadHash = sha256(body);
        String reportId = report.get("reportId").asText();
        JsonNode system = report.path("system");
        JsonNode environment = report.path("environment");
        int[] counts = new int[4];
        for (JsonNode result : report.get("results")) {
            counts[STATUSES.indexOf(result.get("status").asText())]++;
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement store = connection.prepareStatement(STORE)) {
            store.setString(1, reportId);
            store.setLong(2, hostId);
            store.setLong(3, credentialId);
            store.setTimestamp(4, Timestamp.from(instant(report, "startedAt")));
            store.setTimestamp(5, Timestamp.from(instant(report, "finishedAt")));
            store.setString(6, report.get("agentVersion").asText());
            store.setString(7, text(environment, "vantage"));
            store.setString(8, text(environment, "runtime"));
            store.setString(9, text(system, "hostname"));
            store.setString(10, text(system, "kernel"));
            store.setString(11, text(system, "osRelease"));
            for (int i = 0; i < 4; i++) {
                store.setInt(12 + i, counts[i]);
            }
            store.setString(16, payloadHash);
            store.setString(17, new String(body, StandardCharsets.UTF_8)); // stored as received; no re-serialisation
            try (ResultSet stored = store.executeQuery()) {
                stored.next();
                if (stored.getLong(1) == 1) {
                    return Outcome.STORED;
                }
            }
            return duplicate(connection, hostId, reportId, payloadHash);
        } catch (SQLException e) {
            throw new IllegalStateException("could not store report " + reportId, e);
        }
    }

    private static Outcome duplicate(Connection connection, long hostId, String reportId, String payloadHash) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT host_id, payload_sha256 FROM fleet_report WHERE id = ?::uuid")) {
            select.setString(1, reportId);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                if (row.getLong(1) == hostId && row.getString(2).equals(payloadHash)) {
                    return Outcome.DUPLICATE;
                }
            }
        }
        throw new DomainException(DomainException.Kind.CONFLICT, "report " + reportId + " was already stored with different content; "
                + "a report id must not be reused");
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
