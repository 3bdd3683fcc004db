package org.cakb.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.hibernate.Session;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes validated content to PostgreSQL in one transaction: upsert by id, skip files whose hash did not change,
 * withdraw records that disappeared. Runs under an advisory lock so two loads never interleave.
 */
@ApplicationScoped
public class ContentWriter {

    private static final long LOAD_LOCK = 8176_0001L;
    private static final Set<String> CORE_FIELDS = Set.of("id", "title", "body", "provenance", "citations");

    @Inject
    EntityManager em;
    @Inject
    ObjectMapper json;

    public record Counts(int added, int updated, int unchanged, int withdrawn) {
    }

    @Transactional
    public Counts write(List<ContentFile> files) {
        return em.unwrap(Session.class).doReturningWork(connection -> write(connection, files));
    }

    private Counts write(Connection connection, List<ContentFile> files) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            lock.setLong(1, LOAD_LOCK);
            lock.execute();
        }
        Map<String, String> existing = existingActiveHashes(connection);
        Set<String> known = existingIds(connection);
        Timestamp now = Timestamp.from(Instant.now());

        List<ContentFile> changed = new ArrayList<>();
        int added = 0;
        int unchanged = 0;
        for (ContentFile file : files) {
            if (file.hash().equals(existing.get(file.id()))) {
                unchanged++;
            } else {
                changed.add(file);
                if (!known.contains(file.id())) {
                    added++;
                }
            }
        }
        upsertRecords(connection, changed, now);
        replaceCitationsAndLinks(connection, changed);

        Set<String> present = new HashSet<>();
        files.forEach(f -> present.add(f.id()));
        List<String> gone = existing.keySet().stream().filter(id -> !present.contains(id)).sorted().toList();
        withdraw(connection, gone, now);
        return new Counts(added, changed.size() - added, unchanged, gone.size());
    }

    private static Map<String, String> existingActiveHashes(Connection connection) throws SQLException {
        Map<String, String> hashes = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT id, content_hash FROM kb_record WHERE status = 'active'");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                hashes.put(rows.getString(1), rows.getString(2));
            }
        }
        return hashes;
    }

    private static Set<String> existingIds(Connection connection) throws SQLException {
        Set<String> ids = new HashSet<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT id FROM kb_record");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
        }
        return ids;
    }

    private void upsertRecords(Connection connection, List<ContentFile> changed, Timestamp now) throws SQLException {
        String sql = """
                INSERT INTO kb_record (id, kind, title, body, provenance, status, attributes, source_file, content_hash,
                                       created_at, updated_at, withdrawn_at)
                VALUES (?, ?, ?, ?, ?, 'active', ?::jsonb, ?, ?, ?, ?, NULL)
                ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, title = EXCLUDED.title, body = EXCLUDED.body,
                    provenance = EXCLUDED.provenance, status = 'active', attributes = EXCLUDED.attributes,
                    source_file = EXCLUDED.source_file, content_hash = EXCLUDED.content_hash,
                    updated_at = EXCLUDED.updated_at, withdrawn_at = NULL
                """;
        try (PreparedStatement upsert = connection.prepareStatement(sql)) {
            for (ContentFile file : changed) {
                JsonNode data = file.data();
                upsert.setString(1, file.id());
                upsert.setString(2, file.kind().code);
                upsert.setString(3, data.path("title").asText().strip());
                upsert.setString(4, data.path("body").asText("").strip());
                upsert.setString(5, data.hasNonNull("provenance") ? data.get("provenance").asText() : null);
                upsert.setString(6, attributes(data));
                upsert.setString(7, file.path());
                upsert.setString(8, file.hash());
                upsert.setTimestamp(9, now);
                upsert.setTimestamp(10, now);
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
    }

    private String attributes(JsonNode data) {
        ObjectNode attributes = json.createObjectNode();
        data.fields().forEachRemaining(field -> {
            if (!CORE_FIELDS.contains(field.getKey())) {
                attributes.set(field.getKey(), field.getValue());
            }
        });
        return attributes.toString();
    }

    private static void replaceCitationsAndLinks(Connection connection, List<ContentFile> changed) throws SQLException {
        if (changed.isEmpty()) {
            return;
        }
        String[] ids = changed.stream().map(ContentFile::id).toArray(String[]::new);
        try (PreparedStatement deleteCitations = connection.prepareStatement("DELETE FROM kb_citation WHERE record_id = ANY (?)");
             PreparedStatement deleteLinks = connection.prepareStatement("DELETE FROM kb_link WHERE from_id = ANY (?)")) {
            deleteCitations.setArray(1, connection.createArrayOf("text", ids));
            deleteCitations.executeUpdate();
            deleteLinks.setArray(1, connection.createArrayOf("text", ids));
            deleteLinks.executeUpdate();
        }
        try (PreparedStatement citation = connection.prepareStatement(
                "INSERT INTO kb_citation (record_id, position, source_id, locator, quote, note) VALUES (?, ?, ?, ?, ?, ?)");
             PreparedStatement link = connection.prepareStatement(
                     "INSERT INTO kb_link (from_id, relation, to_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
            for (ContentFile file : changed) {
                JsonNode citations = file.data().path("citations");
                for (int i = 0; i < citations.size(); i++) {
                    JsonNode c = citations.get(i);
                    citation.setString(1, file.id());
                    citation.setInt(2, i);
                    citation.setString(3, c.path("source").asText());
                    citation.setString(4, c.path("locator").asText().strip());
                    citation.setString(5, c.hasNonNull("quote") ? c.get("quote").asText().strip() : null);
                    citation.setString(6, c.hasNonNull("note") ? c.get("note").asText().strip() : null);
                    citation.addBatch();
                }
                for (LinkRule rule : LinkRule.forKind(file.kind())) {
                    JsonNode value = file.data().get(rule.field());
                    if (value == null) {
                        continue;
                    }
                    for (JsonNode target : value.isArray() ? value : List.of(value)) {
                        link.setString(1, file.id());
                        link.setString(2, rule.relation());
                        link.setString(3, rule.targetOf(target));
                        link.addBatch();
                    }
                }
            }
            citation.executeBatch();
            link.executeBatch();
        }
    }

    private static void withdraw(Connection connection, List<String> gone, Timestamp now) throws SQLException {
        if (gone.isEmpty()) {
            return;
        }
        // Withdrawn records stay (assessments made against them must keep working) but leave the live graph.
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE kb_record SET status = 'withdrawn', withdrawn_at = ?, updated_at = ? WHERE id = ANY (?)");
             PreparedStatement unlink = connection.prepareStatement("DELETE FROM kb_link WHERE from_id = ANY (?)")) {
            update.setTimestamp(1, now);
            update.setTimestamp(2, now);
            update.setArray(3, connection.createArrayOf("text", gone.toArray()));
            update.executeUpdate();
            unlink.setArray(1, connection.createArrayOf("text", gone.toArray()));
            unlink.executeUpdate();
        }
    }
}
