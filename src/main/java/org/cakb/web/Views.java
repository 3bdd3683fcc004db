package org.cakb.web;

import io.quarkus.qute.RawString;
import org.cakb.catalog.RecordKind;

import java.util.List;

/** What the page templates render. Every string here is plain text; templates escape it. */
public final class Views {

    private Views() {
    }

    /** A kind with its human labels and its page URL. */
    public record Kind(String code, String plural, String label, String heading, String path) {
        public static Kind of(RecordKind k) {
            String heading = switch (k) {
                case PLATFORM_DEFAULT -> "Platform defaults";
                default -> Character.toUpperCase(k.plural.charAt(0)) + k.plural.substring(1);
            };
            return new Kind(k.code, k.plural, k.label(), heading, "/" + k.plural);
        }

        public static Kind ofCode(String code) {
            return RecordKind.fromCode(code).map(Kind::of).orElse(new Kind(code, code, code, code, "/"));
        }
    }

    /** quoted / paraphrased / derived, with the one-line explanation shown beside the badge. */
    public record Provenance(String code, String explanation) {
        public static Provenance of(String code) {
            if (code == null) {
                return null;
            }
            return new Provenance(code, switch (code) {
                case "quoted" -> "The text is the source's own words, verbatim.";
                case "paraphrased" -> "The source's content, written in this knowledge base's own words.";
                case "derived" -> "This knowledge base's own statement, built from what the cited sources say; not a source's wording.";
                default -> "";
            });
        }
    }

    /** A link to a record. */
    public record RecordRef(String id, String kind, String title, String status, String href) {
        public static RecordRef of(String id, String kind, String title, String status) {
            return new RecordRef(id, kind, title, status, Paths.record(kind, id));
        }

        public boolean withdrawn() {
            return "withdrawn".equals(status);
        }

        public String kindLabel() {
            return Kind.ofCode(kind).label();
        }
    }

    public record LinkGroup(String relation, String label, String direction, List<RecordRef> records) {
    }

    public record Attr(String label, String value, String href, boolean external, boolean code) {
    }

    public record CitationItem(String sourceId, String sourceTitle, String sourceHref, String url, String locator,
                               String quote, String note) {
    }

    public record Count(String label, long count, String href) {
    }

    public record Option(String value, String label, boolean selected) {
    }

    public record FilterField(String param, String label, boolean select, String value, List<Option> options) {
    }

    public record ListItem(RecordRef ref, Provenance provenance, List<String> facts) {
    }

    public record PageLink(int number, String href, boolean current) {
    }

    public record Pager(int page, int pages, long total, String prev, String next, List<PageLink> links) {
    }

    public record Group(String title, String href, List<RecordRef> records) {
    }

    public record SearchHit(RecordRef ref, Provenance provenance, boolean exactId, RawString snippet) {
    }

    public record KindCount(Kind kind, long count, String href, boolean selected) {
    }
}
