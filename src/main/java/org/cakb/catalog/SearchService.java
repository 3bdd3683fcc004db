package org.cakb.catalog;

import org.cakb.common.Rows;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Full-text search over active records: PostgreSQL {@code websearch_to_tsquery('english', q)} against the weighted
 * {@code search} column (title A, verification/value B, body C), ranked with {@code ts_rank}, with {@code ts_headline}
 * snippets. A query equal to a record id puts that record first, whether or not its text matches.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class SearchService {

    /** Longest query accepted, in characters. */
    public static final int MAX_QUERY_LENGTH = 200;
    /** Marks the start and end of a highlighted term in {@link Hit#snippet()}; never present in record text. */
    public static final char START_SEL = '\u0002';
    public static final char STOP_SEL = '\u0003';

    private static final String HEADLINE_OPTIONS = "StartSel=\u0002, StopSel=\u0003, MaxWords=30, MinWords=12, "
            + "ShortWord=2, MaxFragments=2, FragmentDelimiter=\" … \"";

    @Inject
    EntityManager em;

    /** One result: the record, its rank, and a plain-text snippet with START_SEL/STOP_SEL around matched terms. */
    public record Hit(String id, String kind, String title, String provenance, String status, double rank,
                      boolean exactId, String snippet) {
    }

    /** Matches per kind (all kinds, before the kind filter), and the best {@code limit} hits of the requested kind. */
    public record Result(String query, String kind, Map<String, Long> countsByKind, long total, List<Hit> hits) {
    }

    /**
     * @param query the user's words (1..MAX_QUERY_LENGTH characters after trimming)
     * @param kind  a kind code to restrict the hits to, or null for all kinds
     */
    public Result search(String query, String kind, int limit) {
        String q = query.strip();
        if (q.isEmpty() || q.length() > MAX_QUERY_LENGTH) {
            throw new IllegalArgumentException("query must be 1 to " + MAX_QUERY_LENGTH + " characters");
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        for (RecordKind k : RecordKind.values()) {
            counts.put(k.code, 0L);
        }
        Map<String, Object> parameters = Map.of("q", q, "raw", q.toLowerCase());
        Rows.list(em, """
                SELECT r.kind, count(*) AS n FROM kb_record r
                WHERE r.status = 'active' AND (r.search @@ websearch_to_tsquery('english', :q) OR r.id = :raw)
                GROUP BY r.kind""", parameters, row -> counts.put(row.get("kind", String.class), Rows.number(row, "n")));
        long total = counts.entrySet().stream().filter(e -> kind == null || kind.equals(e.getKey())).mapToLong(Map.Entry::getValue).sum();
        if (total == 0) {
            return new Result(q, kind, counts, 0, List.of());
        }
        Map<String, Object> hitParameters = new java.util.HashMap<>(parameters);
        hitParameters.put("kind", kind);
        hitParameters.put("limit", limit);
        hitParameters.put("options", HEADLINE_OPTIONS);
        List<Hit> hits = Rows.list(em, """
                        WITH query AS (SELECT websearch_to_tsquery('english', :q) AS tsq),
                        top AS (
                            SELECT r.id, r.kind, r.title, r.provenance, r.status, r.body,
                                   ts_rank('{0.1, 0.2, 0.4, 1.0}', r.search, query.tsq) AS rank,
                                   (r.id = :raw) AS exact
                            FROM kb_record r, query
                            WHERE r.status = 'active' AND (r.search @@ query.tsq OR r.id = :raw)
                              AND (CAST(:kind AS text) IS NULL OR r.kind = CAST(:kind AS text))
                            ORDER BY exact DESC, rank DESC, r.id
                            LIMIT :limit)
                        SELECT top.id, top.kind, top.title, top.provenance, top.status, top.rank, top.exact,
                               ts_headline('english', translate(top.body, E'\\x02\\x03', ''), query.tsq, :options) AS headline
                        FROM top, query
                        ORDER BY top.exact DESC, top.rank DESC, top.id""", hitParameters,
                row -> new Hit(row.get("id", String.class), row.get("kind", String.class), row.get("title", String.class),
                        row.get("provenance", String.class), row.get("status", String.class), ((Number) row.get("rank")).doubleValue(),
                        Boolean.TRUE.equals(row.get("exact")), row.get("headline", String.class)));
        return new Result(q, kind, counts, total, hits);
    }
}
