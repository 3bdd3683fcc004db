package org.cakb.catalog;

import org.cakb.common.DomainException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.cakb.common.PageOf;
import org.cakb.common.Paging;
import org.cakb.common.Rows;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Read access to the knowledge base: filtered pages, records with their links, citations and traceability. */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class CatalogService {

    public static final int MAX_PAGE_SIZE = Paging.MAX_PAGE_SIZE;
    /** Query parameter for incremental sync: records changed (including withdrawn) at or after a time. */
    public static final String UPDATED_SINCE = "updated-since";

    @Inject
    EntityManager em;
    @Inject
    ObjectMapper json;
    @ConfigProperty(name = "cakb.content.dir")
    Path contentDir;

    private final Map<RecordKind, JsonNode> schemas = new ConcurrentHashMap<>();

    public PageOf<RecordViews.Summary> list(RecordKind kind, Map<String, String> params, String provenance, String status,
                                             int page, int size) {
        Paging.page(page);
        Paging.size(size);
        StringBuilder where = new StringBuilder("kind = :kind");
        Map<String, Object> bind = new LinkedHashMap<>();
        bind.put("kind", kind.code);
        if (!"all".equals(status)) {
            if (!Set.of(KbRecord.ACTIVE, KbRecord.WITHDRAWN).contains(status)) {
                throw DomainException.invalid("status must be one of active, withdrawn, all; got '" + status + "'");
            }
            where.append(" AND status = :status");
            bind.put("status", status);
        }
        if (provenance != null) {
            if (!Set.of("quoted", "paraphrased", "derived").contains(provenance)) {
                throw DomainException.invalid("provenance must be one of quoted, paraphrased, derived; got '" + provenance + "'");
            }
            where.append(" AND provenance = :provenance");
            bind.put("provenance", provenance);
        }
        Map<String, String> attributeParams = new LinkedHashMap<>(params);
        String updatedSince = attributeParams.remove(UPDATED_SINCE);
        if (updatedSince != null) {
            try {
                bind.put("updatedSince", java.time.OffsetDateTime.parse(updatedSince));
            } catch (java.time.format.DateTimeParseException e) {
                throw DomainException.invalid("updated-since must be an ISO-8601 timestamp with offset, e.g. 2026-11-01T00:00:00Z; got '"
                        + updatedSince + "'");
            }
            where.append(" AND updated_at >= :updatedSince");
        }
        ObjectNode containment = attributeFilter(kind, attributeParams);
        if (!containment.isEmpty()) {
            where.append(" AND attributes @> CAST(:attributes AS jsonb)");
            bind.put("attributes", containment.toString());
        }
        long total = Rows.count(em, "SELECT count(*) FROM kb_record WHERE " + where, bind);
        Map<String, Object> selectBind = new LinkedHashMap<>(bind);
        selectBind.put("limit", size);
        selectBind.put("offset", (long) (page - 1) * size);
        List<KbRecord> records = Rows.entities(em, "SELECT * FROM kb_record WHERE " + where + " ORDER BY id LIMIT :limit OFFSET :offset",
                selectBind, KbRecord.class);
        Map<String, RecordViews.Links> links = links(records.stream().map(r -> r.id).toList());
        List<RecordViews.Summary> items = records.stream()
                .map(r -> new RecordViews.Summary(r.id, r.kind.code, r.title, r.provenance, r.status, r.attributes, links.get(r.id)))
                .toList();
        return PageOf.of(items, page, size, total);
    }

    /**
     * A record with its citations, links and traceability is a function of the loaded content only, and it is read
     * for every checklist item page and item API call: kept per content version (the loader's last attempt, which
     * every replica updates when any replica loads), like the rendered pages.
     */
    /**
     * The content hash of a record as loaded now (a checklist item compares it with the hash it was created from),
     * kept per content version like the details.
     */
    public String contentHash(String id) {
        Object version = loader.get().lastAttempt();
        KnownHash known = hashes.get(id);
        if (known != null && version != null && known.contentVersion() == version) {
            return known.hash();
        }
        String hash = org.cakb.common.Rows.strings(em, "SELECT content_hash FROM kb_record WHERE id = :id", Map.of("id", id))
                .stream().findFirst().orElse(null);
        if (version != null && hash != null) {
            if (hashes.size() >= MAX_DETAILS) {
                hashes.clear();
            }
            hashes.put(id, new KnownHash(hash, version));
        }
        return hash;
    }

    private record KnownHash(String hash, Object contentVersion) {
    }

    private final Map<String, KnownHash> hashes = new ConcurrentHashMap<>();

    private record KnownDetail(RecordViews.Detail detail, Object contentVersion) {
    }

    private static final int MAX_DETAILS = 5_000;
    private final Map<String, KnownDetail> details = new ConcurrentHashMap<>();
    @Inject
    jakarta.enterprise.inject.Instance<ContentLoader> loader;

    public RecordViews.Detail get(RecordKind kind, String id) {
        Object version = loader.get().lastAttempt();
        KnownDetail known = details.get(id);
        if (known != null && version != null && known.contentVersion() == version && known.detail().kind().equals(kind.code)) {
            return known.detail();
        }
        RecordViews.Detail detail = read(kind, id);
        if (version != null) {
            if (details.size() >= MAX_DETAILS) {
                details.clear();
            }
            details.put(id, new KnownDetail(detail, version));
        }
        return detail;
    }

    private RecordViews.Detail read(RecordKind kind, String id) {
        KbRecord record = find(kind, id);
        List<RecordViews.CitationView> citations = citations(List.of(id)).getOrDefault(id, List.of());
        return new RecordViews.Detail(record.id, record.kind.code, record.title, record.body, record.provenance, record.status,
                record.attributes, citations, links(List.of(id)).get(id), trace(id), record.sourceFile, record.updatedAt,
                record.withdrawnAt);
    }

    public KbRecord find(RecordKind kind, String id) {
        KbRecord record = KbRecord.findById(id);
        if (record == null) {
            throw DomainException.notFound("No " + kind.label() + " with id '" + id + "'");
        }
        if (record.kind != kind) {
            throw DomainException.notFound("'" + id + "' is a " + record.kind.label() + ", not a " + kind.label()
                    + "; see /api/v1/" + record.kind.plural + "/" + id);
        }
        return record;
    }

    /** Links of each record in both directions, with the other end's title. */
    public Map<String, RecordViews.Links> links(List<String> ids) {
        Map<String, List<RecordViews.LinkView>> outgoing = new TreeMap<>();
        Map<String, List<RecordViews.LinkView>> incoming = new TreeMap<>();
        if (!ids.isEmpty()) {
            Set<String> wanted = Set.copyOf(ids);
            Rows.list(em, """
                    SELECT l.from_id, l.relation, l.to_id, f.kind AS from_kind, f.title AS from_title, f.status AS from_status,
                           t.kind AS to_kind, t.title AS to_title, t.status AS to_status
                    FROM kb_link l JOIN kb_record f ON f.id = l.from_id JOIN kb_record t ON t.id = l.to_id
                    WHERE l.from_id = ANY (CAST(:ids AS text[])) OR l.to_id = ANY (CAST(:ids AS text[]))
                    ORDER BY l.relation, l.from_id, l.to_id""", Map.of("ids", ids.toArray(String[]::new)), row -> {
                String from = row.get("from_id", String.class);
                String relation = row.get("relation", String.class);
                String to = row.get("to_id", String.class);
                if (wanted.contains(from)) {
                    outgoing.computeIfAbsent(from, k -> new ArrayList<>()).add(new RecordViews.LinkView(relation, to,
                            row.get("to_kind", String.class), row.get("to_title", String.class), row.get("to_status", String.class)));
                }
                if (wanted.contains(to)) {
                    String inverse = LinkRule.byRelation(relation).map(LinkRule::inverse).orElse(relation + "-of");
                    incoming.computeIfAbsent(to, k -> new ArrayList<>()).add(new RecordViews.LinkView(inverse, from,
                            row.get("from_kind", String.class), row.get("from_title", String.class), row.get("from_status", String.class)));
                }
                return row;
            });
        }
        Map<String, RecordViews.Links> result = new LinkedHashMap<>();
        for (String id : ids) {
            result.put(id, new RecordViews.Links(outgoing.getOrDefault(id, List.of()), incoming.getOrDefault(id, List.of())));
        }
        return result;
    }

    public Map<String, List<RecordViews.CitationView>> citations(List<String> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        List<Citation> citations = Citation.forRecords(ids);
        Map<String, KbRecord> sources = KbRecord.<KbRecord>list("id in ?1", citations.stream().map(c -> c.sourceId).distinct().toList())
                .stream().collect(Collectors.toMap(r -> r.id, Function.identity()));
        Map<String, List<RecordViews.CitationView>> result = new LinkedHashMap<>();
        for (Citation c : citations) {
            KbRecord source = sources.get(c.sourceId);
            result.computeIfAbsent(c.recordId, k -> new ArrayList<>()).add(new RecordViews.CitationView(c.sourceId,
                    source == null ? c.sourceId : source.title, source == null ? null : source.attribute("url"), c.locator, c.quote, c.note));
        }
        return result;
    }

    /**
     * The record's traceability neighbourhood, grouped by kind: its direct neighbours, plus the neighbours of any
     * countermeasure among them (countermeasures are the hub joining threats, requirements, recommendations,
     * platform defaults and probes). So a threat's trace holds its countermeasures and, through them, the
     * requirements, recommendations, platform defaults and probes.
     */
    public Map<String, List<RecordViews.Ref>> trace(String id) {
        List<KbRecord> records = Rows.entities(em, """
                        WITH direct AS (
                            SELECT to_id AS id FROM kb_link WHERE from_id = :id
                            UNION SELECT from_id FROM kb_link WHERE to_id = :id),
                        hubs AS (
                            SELECT d.id FROM direct d JOIN kb_record r ON r.id = d.id WHERE r.kind = 'countermeasure'),
                        second AS (
                            SELECT l.to_id AS id FROM kb_link l JOIN hubs h ON l.from_id = h.id
                            UNION SELECT l.from_id FROM kb_link l JOIN hubs h ON l.to_id = h.id)
                        SELECT r.* FROM kb_record r
                        WHERE r.id IN (SELECT id FROM direct UNION SELECT id FROM second) AND r.id <> :id
                        ORDER BY r.kind, r.id""", Map.of("id", id), KbRecord.class);
        Map<String, List<RecordViews.Ref>> grouped = new LinkedHashMap<>();
        for (RecordKind kind : RecordKind.values()) {
            List<RecordViews.Ref> refs = records.stream().filter(r -> r.kind == kind).map(RecordViews.Ref::of).toList();
            if (!refs.isEmpty()) {
                grouped.put(kind.plural, refs);
            }
        }
        return grouped;
    }

    private ObjectNode attributeFilter(RecordKind kind, Map<String, String> params) {
        ObjectNode containment = json.createObjectNode();
        Map<String, Filter> filters = Filter.forKind(kind).stream().collect(Collectors.toMap(Filter::param, Function.identity()));
        for (Map.Entry<String, String> param : params.entrySet()) {
            Filter filter = filters.get(param.getKey());
            if (filter == null) {
                throw DomainException.invalid("unknown query parameter '" + param.getKey() + "' for " + kind.plural
                        + "; allowed: page, size, status, provenance, updated-since" + (filters.isEmpty() ? "" : ", " + String.join(", ", sorted(filters.keySet()))));
            }
            String value = param.getValue();
            if (value == null || value.isBlank()) {
                throw DomainException.invalid("query parameter '" + param.getKey() + "' needs a value");
            }
            JsonNode property = schema(kind).path("properties").path(filter.attribute());
            checkAllowed(param.getKey(), value, property);
            JsonNode node = "boolean".equals(property.path("type").asText()) ? json.getNodeFactory().booleanNode(Boolean.parseBoolean(value))
                    : json.getNodeFactory().textNode(value);
            if (filter.array()) {
                containment.putArray(filter.attribute()).add(node);
            } else {
                containment.set(filter.attribute(), node);
            }
        }
        return containment;
    }

    private static void checkAllowed(String param, String value, JsonNode property) {
        if ("boolean".equals(property.path("type").asText()) && !Set.of("true", "false").contains(value)) {
            throw DomainException.invalid("query parameter '" + param + "' must be true or false, got '" + value + "'");
        }
        JsonNode allowed = property.has("enum") ? property.get("enum") : property.path("items").path("enum");
        if (allowed.isArray() && allowed.size() > 0) {
            List<String> values = new ArrayList<>();
            allowed.forEach(v -> values.add(v.asText()));
            if (!values.contains(value)) {
                throw DomainException.invalid("query parameter '" + param + "' must be one of " + String.join(", ", values)
                        + "; got '" + value + "'");
            }
        }
    }

    private JsonNode schema(RecordKind kind) {
        return schemas.computeIfAbsent(kind, k -> {
            try {
                return json.readTree(contentDir.resolve("schema/" + k.code + ".schema.json").toFile());
            } catch (IOException e) {
                return json.createObjectNode();
            }
        });
    }

    private static List<String> sorted(Collection<String> values) {
        return values.stream().sorted().toList();
    }

    /** Changes whenever any record changes: used as the validator of HTTP caching (ETag). */
    public String contentVersion() {
        return Rows.one(em, "SELECT max(updated_at)::text AS updated, count(*) AS n FROM kb_record", Map.of(),
                row -> row.get("updated", String.class) + "/" + Rows.number(row, "n"));
    }

    /** Counts of active records per kind, for overviews. */
    public Map<RecordKind, Long> countsByKind() {
        Map<RecordKind, Long> counts = new LinkedHashMap<>();
        for (RecordKind kind : RecordKind.values()) {
            counts.put(kind, 0L);
        }
        Rows.list(em, "SELECT kind, count(*) AS n FROM kb_record WHERE status = 'active' GROUP BY kind",
                row -> RecordKind.fromCode(row.get("kind", String.class)).map(k -> counts.put(k, Rows.number(row, "n"))));
        return counts;
    }

    /** The whole active knowledge base at once, for exports that walk all of it (the OSCAL catalog). */
    public record Snapshot(List<KbRecord> records, List<Link> links, List<Citation> citations) {
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Snapshot snapshot() {
        return new Snapshot(KbRecord.list("status", KbRecord.ACTIVE), Link.listAll(), Citation.listAll());
    }
}
