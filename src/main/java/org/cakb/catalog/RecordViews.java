package org.cakb.catalog;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/** What the read API returns. Records always carry their provenance and their links in both directions. */
public final class RecordViews {

    private RecordViews() {
    }

    /** A reference to another record, as shown in links and traces. */
    public record Ref(String id, String kind, String title, String status, String provenance) {
        static Ref of(KbRecord r) {
            return new Ref(r.id, r.kind.code, r.title, r.status, r.provenance);
        }
    }

    public record LinkView(String relation, String id, String kind, String title, String status) {
    }

    public record Links(List<LinkView> outgoing, List<LinkView> incoming) {
    }

    public record CitationView(String source, String sourceTitle, String url, String locator, String quote, String note) {
    }

    public record Summary(String id, String kind, String title, String provenance, String status,
                          Map<String, Object> attributes, Links links) {
    }

    public record Detail(String id, String kind, String title, String body, String provenance, String status,
                         Map<String, Object> attributes, List<CitationView> citations, Links links,
                         Map<String, List<Ref>> trace, String sourceFile, OffsetDateTime updatedAt, OffsetDateTime withdrawnAt) {
    }
}
