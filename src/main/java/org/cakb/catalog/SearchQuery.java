package org.cakb.catalog;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A search query split into plain words (left to full-text search) and identifier terms: tokens with a digit or one of
 * {@code . / _ : -} inside ({@code docker.sock}, {@code /var/run/docker.sock}, {@code CAP_SYS_ADMIN},
 * {@code cm:no-new-privs}, {@code T1611}, {@code CVE-2022-0492}), which the english text parser either keeps whole
 * or splits into words, and which are matched as substrings instead. Builds the SQL fragments with named parameters
 * only; no user text is ever put into SQL.
 */
final class SearchQuery {

    /** At most this many identifier terms count; more are left to full-text search. */
    static final int MAX_IDENTIFIERS = 6;
    private static final int MIN_IDENTIFIER_LENGTH = 3;
    private static final Pattern IDENTIFIER = Pattern.compile(".*([0-9._/:]|\\p{Alnum}-\\p{Alnum}).*");
    private static final String EDGE_PUNCTUATION = "\"'“”‘’,;()[]{}<>!?";
    private static final int SNIPPET_CONTEXT = 90;

    private final List<String> identifiers;
    private final String plainWords;

    private SearchQuery(List<String> identifiers, String plainWords) {
        this.identifiers = identifiers;
        this.plainWords = plainWords;
    }

    static SearchQuery parse(String query) {
        List<String> identifiers = new ArrayList<>();
        StringBuilder plain = new StringBuilder();
        for (String token : query.strip().split("\\s+")) {
            String term = strip(token);
            boolean excluded = token.startsWith("-");
            if (!excluded && term.length() >= MIN_IDENTIFIER_LENGTH && IDENTIFIER.matcher(term).matches()
                    && identifiers.size() < MAX_IDENTIFIERS) {
                String normal = normalize(term);
                if (!identifiers.contains(normal)) {
                    identifiers.add(normal);
                }
            } else {
                plain.append(token).append(' ');
            }
        }
        return new SearchQuery(List.copyOf(identifiers), plain.toString().strip());
    }

    List<String> identifiers() {
        return identifiers;
    }

    /** Lower case with '-' folded to '_', as the search_text column and the locator index store text. */
    static String normalize(String text) {
        return text.toLowerCase(Locale.ROOT).replace('-', '_');
    }

    private static String strip(String token) {
        int start = 0;
        int end = token.length();
        while (start < end && EDGE_PUNCTUATION.indexOf(token.charAt(start)) >= 0) {
            start++;
        }
        while (end > start && (EDGE_PUNCTUATION.indexOf(token.charAt(end - 1)) >= 0 || token.charAt(end - 1) == '.')) {
            end--;
        }
        return token.substring(start, end);
    }

    Map<String, Object> parameters() {
        Map<String, Object> parameters = new HashMap<>();
        for (int i = 0; i < identifiers.size(); i++) {
            String term = identifiers.get(i);
            parameters.put("t" + i, term);
            parameters.put("p" + i, "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
            parameters.put("u" + i, term.toUpperCase(Locale.ROOT));
        }
        if (!identifiers.isEmpty()) {
            parameters.put("plain", plainWords);
        }
        return parameters;
    }

    /** Which active records match: the full text, the exact id, or every identifier term (plus any plain words). */
    String matchCondition() {
        String fullText = "r.search @@ websearch_to_tsquery('english', :q) OR r.id = :raw";
        if (identifiers.isEmpty()) {
            return fullText;
        }
        List<String> each = new ArrayList<>();
        for (int i = 0; i < identifiers.size(); i++) {
            each.add("(r.search_text LIKE :p%1$d OR EXISTS (SELECT 1 FROM kb_citation c WHERE c.record_id = r.id "
                    .formatted(i) + "AND translate(lower(c.locator), '-', '_') LIKE :p%d))".formatted(i));
        }
        String words = plainWords.isEmpty() ? "" : " AND r.search @@ websearch_to_tsquery('english', :plain)";
        return fullText + " OR (" + String.join(" AND ", each) + words + ")";
    }

    /** Where each identifier term occurs, as points: id equal 50, id contains 8, title 4, ATT&CK tag 4, text 2, citation 1. */
    String scoreExpression() {
        if (identifiers.isEmpty()) {
            return "0";
        }
        List<String> each = new ArrayList<>();
        for (int i = 0; i < identifiers.size(); i++) {
            each.add("""
                    (CASE WHEN translate(r.id, '-', '_') = :t%1$d THEN 50 WHEN translate(r.id, '-', '_') LIKE :p%1$d THEN 8 ELSE 0 END
                     + CASE WHEN translate(lower(r.title), '-', '_') LIKE :p%1$d THEN 4 ELSE 0 END
                     + CASE WHEN jsonb_exists(coalesce(r.attributes -> 'attack_techniques', CAST('[]' AS jsonb)), :u%1$d) THEN 4 ELSE 0 END
                     + CASE WHEN r.search_text LIKE :p%1$d THEN 2 ELSE 0 END
                     + CASE WHEN EXISTS (SELECT 1 FROM kb_citation c WHERE c.record_id = r.id
                                         AND translate(lower(c.locator), '-', '_') LIKE :p%1$d) THEN 1 ELSE 0 END)"""
                    .formatted(i));
        }
        return "(" + String.join(" + ", each) + ")";
    }

    /**
     * The full-text headline when it highlights something; otherwise a window of the body around the first identifier
     * term, with the term marked.
     */
    String snippet(String headline, String body) {
        if (identifiers.isEmpty() || body == null || (headline != null && headline.indexOf(SearchService.START_SEL) >= 0)) {
            return headline;
        }
        String clean = body.replace(String.valueOf(SearchService.START_SEL), "").replace(String.valueOf(SearchService.STOP_SEL), "");
        String folded = normalize(clean);
        if (folded.length() != clean.length()) {
            return headline;
        }
        for (String term : identifiers) {
            int at = folded.indexOf(term);
            if (at >= 0) {
                int from = Math.max(0, at - SNIPPET_CONTEXT);
                int to = Math.min(clean.length(), at + term.length() + SNIPPET_CONTEXT);
                String text = (from > 0 ? "… " : "") + clean.substring(from, at) + SearchService.START_SEL
                        + clean.substring(at, at + term.length()) + SearchService.STOP_SEL + clean.substring(at + term.length(), to)
                        + (to < clean.length() ? " …" : "");
                return text.replaceAll("\\s+", " ");
            }
        }
        return headline;
    }
}
