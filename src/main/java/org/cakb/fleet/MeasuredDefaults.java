package org.cakb.fleet;

import org.cakb.common.DomainException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Measured platform defaults (issue 7): imports the records {@code bin/measure-defaults} writes (one per runtime,
 * derived from an agent report taken inside a container started with that runtime's defaults) and reads them back.
 * Stored apart from the content's documented platform defaults, in {@code measured_run} and
 * {@code measured_platform_default}. Import is all-or-nothing and idempotent by measurement id.
 *
 * <p>For pages: {@link #list(String)} (every run, newest first), {@link #latestPerRuntime()} (the newest run of each
 * runtime, for the matrix) and {@link #latestForPlatform(String)} (countermeasure id to the newest measured state on
 * that platform, for "documented vs measured" on platform pages).
 */
@ApplicationScoped
public class MeasuredDefaults {

    public static final int MAX_BYTES = 4 * 1024 * 1024;
    static final Pattern UUID = Pattern.compile("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
    static final Pattern RUNTIME = Pattern.compile("^[a-z0-9][a-z0-9._-]{0,31}$");
    static final Set<String> STATUSES = Set.of("measured", "skipped", "error");
    static final Set<String> STATES = Set.of("enabled", "disabled", "partial", "unknown");

    public record MeasuredDefault(String countermeasure, String state, List<Map<String, Object>> checks) {
    }

    public record MeasuredRun(String id, String runtime, String platform, String runtimeVersion, String kernel,
                              OffsetDateTime measuredAt, String status, String reason, String invocation, String sourceReport,
                              String agentVersion, Map<String, Object> raw, OffsetDateTime importedAt, String importedBy,
                              List<MeasuredDefault> defaults) {
    }

    public record ImportResult(int imported, int duplicates, List<String> ids) {
    }

    @Inject
    ObjectMapper json;
    @Inject
    AgroalDataSource dataSource;
    @Inject
    jakarta.enterprise.event.Event<MeasuredDefaultsImported> importedEvent;

    // ------------------------------------------------------------------ import

    /** Imports one measurement object or an array of them, in one transaction. */
    public ImportResult importMeasurements(byte[] body, String admin) {
        if (body == null || body.length == 0) {
            throw DomainException.invalid("body must be a measurement object (bin/measure-defaults output) or an array of them");
        }
        if (body.length > MAX_BYTES) {
            throw new DomainException(DomainException.Kind.TOO_LARGE, "body is " + body.length
                    + " bytes; the limit is " + MAX_BYTES + " bytes");
        }
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw DomainException.invalid("not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw DomainException.invalid("body could not be read");
        }
        List<JsonNode> items = new ArrayList<>();
        if (root != null && root.isArray()) {
            root.forEach(items::add);
        } else if (root != null && root.isObject()) {
            items.add(root);
        } else {
            throw DomainException.invalid("body must be a JSON object or an array of objects");
        }
        if (items.isEmpty()) {
            throw DomainException.invalid("no measurement in the body");
        }
        try (Connection c = dataSource.getConnection()) {
            Set<String> countermeasures = countermeasures(c);
            for (int i = 0; i < items.size(); i++) {
                validate(items.get(i), items.size() == 1 ? "" : "[" + i + "].", countermeasures);
            }
            c.setAutoCommit(false);
            try {
                int imported = 0;
                int duplicates = 0;
                List<String> ids = new ArrayList<>();
                for (JsonNode m : items) {
                    if (insert(c, m, admin)) {
                        imported++;
                    } else {
                        duplicates++;
                    }
                    ids.add(m.get("measurementId").asText());
                }
                c.commit();
                if (imported > 0) {
                    importedEvent.fire(new MeasuredDefaultsImported(imported));
                }
                return new ImportResult(imported, duplicates, ids);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not store measured defaults", e);
        }
    }

    private static void validate(JsonNode m, String at, Set<String> countermeasures) {
        if (!m.isObject()) {
            throw DomainException.unprocessable(at + "measurement must be an object");
        }
        if (m.path("format").asInt(-1) != 1) {
            throw DomainException.unprocessable(at + "format: expected 1");
        }
        String id = m.path("measurementId").asText("");
        if (!UUID.matcher(id).matches()) {
            throw DomainException.unprocessable(at + "measurementId: must be a lower-case UUID");
        }
        if (!RUNTIME.matcher(m.path("runtime").asText("")).matches()) {
            throw DomainException.unprocessable(at + "runtime: 1-32 lower-case letters, digits, '.', '_' or '-'");
        }
        String status = m.path("status").asText("");
        if (!STATUSES.contains(status)) {
            throw DomainException.unprocessable(at + "status: must be one of " + STATUSES);
        }
        Instant when = instant(m, "measuredAt", at);
        if (when.isAfter(Instant.now().plusSeconds(300))) {
            throw DomainException.unprocessable(at + "measuredAt is in the future");
        }
        for (String f : List.of("platform", "runtimeVersion", "kernel", "reason", "invocation", "agentVersion")) {
            JsonNode v = m.get(f);
            if (v != null && !v.isNull() && (!v.isTextual() || v.asText().length() > 2000)) {
                throw DomainException.unprocessable(at + f + ": must be a string of at most 2000 characters");
            }
        }
        JsonNode source = m.get("sourceReport");
        if (source != null && !source.isNull() && !UUID.matcher(source.asText()).matches()) {
            throw DomainException.unprocessable(at + "sourceReport: must be a report UUID");
        }
        JsonNode cms = m.path("countermeasures");
        if (status.equals("measured")) {
            if (!cms.isArray() || cms.isEmpty()) {
                throw DomainException.unprocessable(at + "countermeasures: a measured run needs at least one countermeasure");
            }
            if (m.path("runtimeVersion").asText("").isBlank()) {
                throw DomainException.unprocessable(at + "runtimeVersion: required for a measured run");
            }
        } else if (status.equals("skipped") && m.path("reason").asText("").isBlank()) {
            throw DomainException.unprocessable(at + "reason: a skipped runtime needs the reason");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < cms.size(); i++) {
            JsonNode cm = cms.get(i);
            String cid = cm.path("id").asText("");
            if (!countermeasures.contains(cid)) {
                throw DomainException.unprocessable(at + "countermeasures[" + i + "].id: unknown countermeasure '" + cid + "'");
            }
            if (!seen.add(cid)) {
                throw DomainException.unprocessable(at + "countermeasures[" + i + "].id: '" + cid + "' appears twice");
            }
            if (!STATES.contains(cm.path("state").asText(""))) {
                throw DomainException.unprocessable(at + "countermeasures[" + i + "].state: must be one of " + STATES);
            }
            if (cm.has("checks") && !cm.get("checks").isArray()) {
                throw DomainException.unprocessable(at + "countermeasures[" + i + "].checks: must be an array");
            }
        }
    }

    private boolean insert(Connection c, JsonNode m, String admin) throws SQLException {
        String id = m.get("measurementId").asText();
        String payload = m.toString();
        String hash = sha256(payload);
        try (PreparedStatement ins = c.prepareStatement("""
                INSERT INTO measured_run (id, runtime, platform, runtime_version, kernel, measured_at, status, reason, invocation,
                    source_report, agent_version, raw, payload_sha256, payload, imported_by)
                VALUES (?::uuid, ?, ?, ?, ?, ?, ?, ?, ?, ?::uuid, ?, ?::jsonb, ?, ?::jsonb, ?)
                ON CONFLICT (id) DO NOTHING""")) {
            ins.setString(1, id);
            ins.setString(2, m.get("runtime").asText());
            ins.setString(3, text(m, "platform"));
            ins.setString(4, text(m, "runtimeVersion"));
            ins.setString(5, text(m, "kernel"));
            ins.setTimestamp(6, Timestamp.from(instant(m, "measuredAt", "")));
            ins.setString(7, m.get("status").asText());
            ins.setString(8, text(m, "reason"));
            ins.setString(9, text(m, "invocation"));
            ins.setString(10, text(m, "sourceReport"));
            ins.setString(11, text(m, "agentVersion"));
            ins.setString(12, m.path("raw").isObject() ? m.get("raw").toString() : "{}");
            ins.setString(13, hash);
            ins.setString(14, payload);
            ins.setString(15, admin);
            if (ins.executeUpdate() == 0) {
                try (PreparedStatement sel = c.prepareStatement("SELECT payload_sha256 FROM measured_run WHERE id = ?::uuid")) {
                    sel.setString(1, id);
                    try (ResultSet r = sel.executeQuery()) {
                        r.next();
                        if (r.getString(1).equals(hash)) {
                            return false;
                        }
                    }
                }
                throw new DomainException(DomainException.Kind.CONFLICT, "measurement " + id
                        + " was already imported with different content; a measurement id must not be reused");
            }
        }
        try (PreparedStatement ins = c.prepareStatement("""
                INSERT INTO measured_platform_default (run_id, countermeasure, state, observed) VALUES (?::uuid, ?, ?, ?::jsonb)""")) {
            for (JsonNode cm : m.path("countermeasures")) {
                ins.setString(1, id);
                ins.setString(2, cm.get("id").asText());
                ins.setString(3, cm.get("state").asText());
                ins.setString(4, cm.path("checks").isArray() ? cm.get("checks").toString() : "[]");
                ins.addBatch();
            }
            ins.executeBatch();
        }
        return true;
    }

    // ------------------------------------------------------------------ read

    /** Every imported run, newest measurement first; {@code runtime} null for all. */
    public List<MeasuredRun> list(String runtime) {
        return runs(runtime == null ? "TRUE" : "runtime = ?", runtime);
    }

    /** The newest run of each runtime (measured or skipped), for the platform-defaults matrix. */
    public List<MeasuredRun> latestPerRuntime() {
        return runs("id IN (SELECT DISTINCT ON (runtime) id FROM measured_run ORDER BY runtime, measured_at DESC, imported_at DESC)",
                null);
    }

    /** Countermeasure id to the newest measured state on a platform (e.g. {@code platform:docker}); empty if never measured. */
    public Map<String, MeasuredDefault> latestForPlatform(String platformId) {
        Map<String, MeasuredDefault> out = new LinkedHashMap<>();
        latestRunForPlatform(platformId).ifPresent(run -> run.defaults().forEach(d -> out.put(d.countermeasure(), d)));
        return out;
    }

    /** The newest measured (not skipped) run on a platform, with its states; empty if never measured. */
    public java.util.Optional<MeasuredRun> latestRunForPlatform(String platformId) {
        List<MeasuredRun> runs = runs("id = (SELECT id FROM measured_run WHERE platform = ? AND status = 'measured' "
                + "ORDER BY measured_at DESC, imported_at DESC LIMIT 1)", platformId);
        return runs.stream().findFirst();
    }

    private List<MeasuredRun> runs(String where, String param) {
        try (Connection c = dataSource.getConnection()) {
            List<MeasuredRun> runs = new ArrayList<>();
            Map<String, List<MeasuredDefault>> defaults = new LinkedHashMap<>();
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT id::text, runtime, platform, runtime_version, kernel, measured_at, status, reason, invocation,
                           source_report::text, agent_version, raw::text, imported_at, imported_by
                    FROM measured_run WHERE\s""" + where + " ORDER BY measured_at DESC, imported_at DESC, runtime")) {
                if (param != null) {
                    s.setString(1, param);
                }
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        List<MeasuredDefault> d = new ArrayList<>();
                        defaults.put(r.getString(1), d);
                        runs.add(new MeasuredRun(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                                offset(r.getTimestamp(6)), r.getString(7), r.getString(8), r.getString(9), r.getString(10),
                                r.getString(11), map(r.getString(12)), offset(r.getTimestamp(13)), r.getString(14), d));
                    }
                }
            }
            if (!defaults.isEmpty()) {
                try (PreparedStatement s = c.prepareStatement("""
                        SELECT run_id::text, countermeasure, state, observed::text FROM measured_platform_default
                        WHERE run_id = ANY (?::uuid[]) ORDER BY countermeasure""")) {
                    s.setArray(1, c.createArrayOf("text", defaults.keySet().toArray()));
                    try (ResultSet r = s.executeQuery()) {
                        while (r.next()) {
                            defaults.get(r.getString(1)).add(new MeasuredDefault(r.getString(2), r.getString(3), checks(r.getString(4))));
                        }
                    }
                }
            }
            return runs;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read measured defaults", e);
        }
    }

    // ------------------------------------------------------------------ helpers

    private Set<String> countermeasures(Connection c) throws SQLException {
        Set<String> out = new HashSet<>();
        try (PreparedStatement s = c.prepareStatement("SELECT id FROM kb_record WHERE kind = 'countermeasure'");
             ResultSet r = s.executeQuery()) {
            while (r.next()) {
                out.add(r.getString(1));
            }
        }
        return out;
    }

    private Map<String, Object> map(String text) {
        try {
            return json.readValue(text, new TypeReference<LinkedHashMap<String, Object>>() {
            });
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }

    private List<Map<String, Object>> checks(String text) {
        try {
            return json.readValue(text, new TypeReference<List<Map<String, Object>>>() {
            });
        } catch (JsonProcessingException e) {
            return List.of();
        }
    }

    private static OffsetDateTime offset(Timestamp t) {
        return t == null ? null : t.toInstant().atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(JsonNode m, String field, String at) {
        try {
            return Instant.parse(m.path(field).asText(""));
        } catch (DateTimeParseException e) {
            throw DomainException.unprocessable(at + field + ": must be an ISO-8601 UTC timestamp such as 2026-11-23T10:15:30Z");
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
