package org.cakb.catalog;

import org.cakb.common.Rows;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Search over active records, in two ways combined:
 * <ul>
 * <li>full text: PostgreSQL {@code websearch_to_tsquery('english', q)} against the weighted {@code search} column
 * (title A, verification/value B, body C), ranked with {@code ts_rank}, with {@code ts_headline} snippets;</li>
 * <li>identifiers and paths ({@link SearchQuery}): {@code docker.sock}, {@code CAP_SYS_ADMIN}, {@code T1611},
 * {@code cm:…} match as case-insensitive substrings of the {@code search_text} column or of a citation locator
 * (trigram-indexed, migration V65), {@code -} and {@code _} alike, and score by where they occur: the record id
 * (equal, then containing), the title, a tagged ATT&amp;CK technique, the text, a citation.</li>
 * </ul>
 * Order: a record whose id is the query; the identifier score; the query matching the title; the kind (countermeasures,
 * threats and requirements, the records people act on, before probes, recommendations, platform defaults and sources);
 * the full-text rank; the number of links (a hub record before a leaf).
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
        SearchQuery parsed = SearchQuery.parse(q);
        Map<String, Long> counts = new LinkedHashMap<>();
        for (RecordKind k : RecordKind.values()) {
            counts.put(k.code, 0L);
        }
        Map<String, Object> parameters = new HashMap<>(parsed.parameters());
        parameters.put("q", q);
        parameters.put("raw", q.toLowerCase());
        String matches = parsed.matchCondition();
        String countSql = """
                SELECT r.kind, count(*) AS n FROM kb_record r
                WHERE r.status = 'active' AND (%s)
                GROUP BY r.kind""".formatted(matches);
        Rows.list(em, countSql, usedIn(countSql, parameters),
                row -> counts.put(row.get("kind", String.class), Rows.number(row, "n")));
        long total = counts.entrySet().stream().filter(e -> kind == null || kind.equals(e.getKey())).mapToLong(Map.Entry::getValue).sum();
        if (total == 0) {
            return new Result(q, kind, counts, 0, List.of());
        }
        Map<String, Object> hitParameters = new HashMap<>(parameters);
        hitParameters.put("kind", kind);
        hitParameters.put("limit", limit);
        hitParameters.put("options", HEADLINE_OPTIONS);
        String hitSql = """
                        WITH top AS (
                            SELECT r.id, r.kind, r.title, r.provenance, r.status, r.body,
                                   ts_rank('{0.1, 0.2, 0.4, 1.0}', r.search, websearch_to_tsquery('english', :q)) AS rank,
                                   (r.id = :raw) AS exact, %s AS id_score,
                                   (to_tsvector('english', r.title) @@ websearch_to_tsquery('english', :q)) AS title_match,
                                   CASE r.kind WHEN 'countermeasure' THEN 0 WHEN 'threat' THEN 1 WHEN 'requirement' THEN 2
                                        WHEN 'probe' THEN 3 WHEN 'recommendation' THEN 4 WHEN 'platform-default' THEN 5
                                        WHEN 'platform' THEN 6 ELSE 7 END AS kind_order,
                                   (SELECT count(*) FROM kb_link l WHERE l.from_id = r.id OR l.to_id = r.id) AS links
                            FROM kb_record r
                            WHERE r.status = 'active' AND (%s)
                              AND (CAST(:kind AS text) IS NULL OR r.kind = CAST(:kind AS text))
                            ORDER BY exact DESC, id_score DESC, title_match DESC, kind_order, rank DESC, links DESC, r.id
                            LIMIT :limit)
                        SELECT top.id, top.kind, top.title, top.provenance, top.status, top.rank, top.exact, top.body,
                               ts_headline('english', translate(top.body, E'\\x02\\x03', ''),
                                           websearch_to_tsquery('english', :q), :options) AS headline
                        FROM top
                        ORDER BY top.exact DESC, top.id_score DESC, top.title_match DESC, top.kind_order, top.rank DESC,
                                 top.links DESC, top.id""".formatted(parsed.scoreExpression(), matches);
        List<Hit> hits = Rows.list(em, hitSql, usedIn(hitSql, hitParameters),
                row -> new Hit(row.get("id", String.class), row.get("kind", String.class), row.get("title", String.class),
                        row.get("provenance", String.class), row.get("status", String.class), ((Number) row.get("rank")).doubleValue(),
                        Boolean.TRUE.equals(row.get("exact")),
                        parsed.snippet(row.get("headline", String.class), row.get("body", String.class))));
        return new Result(q, kind, counts, total, hits);
    }

    /** The parameters this statement names (a native query refuses values for parameters it does not have). */
    private static Map<String, Object> usedIn(String sql, Map<String, Object> parameters) {
        Map<String, Object> used = new HashMap<>();
        parameters.forEach((name, value) -> {
            if (java.util.regex.Pattern.compile(":" + name + "\\b").matcher(sql).find()) {
                used.put(name, value);
            }
        });
        return used;
    }
}
