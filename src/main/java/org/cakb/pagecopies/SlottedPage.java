package org.cakb.pagecopies;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A rendered page cut at its per-user slots. The parts between the slots are the same for everybody who may see the
 * page (they depend on the content, the data the page shows and the URL) and are kept as bytes; the slots are filled
 * for each request (the knowledge-base pages' {@code web.PersonalParts}, the {@link SessionParts} of dynamic pages).
 * Slot markers are HTML comments written by the layout and templates; content can never produce one, because every
 * value from the knowledge base is escaped ({@code <} becomes {@code &lt;}).
 */
public final class SlottedPage {

    public enum Slot {
        /** Right of the search box: who is signed in and the log-out button, or a sign-in link. */
        SESSION("<!--cakb:session-->"),
        /** Extra navigation entries for the signed-in role (administration links). */
        NAV("<!--cakb:nav-->"),
        /** Fleet coverage of a countermeasure or requirement: only for people signed in with a role. */
        COVERAGE("<!--cakb:coverage-->"),
        /**
         * The form CSRF token of this request. Written into a copy in place of the token the page was rendered with
         * ({@link #split(String, String, String)}): a token is 256 random bits, so it cannot occur anywhere else.
         */
        CSRF("<!--cakb:csrf-->");

        public final String marker;

        Slot(String marker) {
            this.marker = marker;
        }
    }

    private final byte[][] parts;
    private final Slot[] slots;
    /** The record whose fleet coverage goes into the COVERAGE slot ("kind:id"), or null. */
    public final String subject;
    private final int fixedLength;

    private SlottedPage(byte[][] parts, Slot[] slots, String subject) {
        this.parts = parts;
        this.slots = slots;
        this.subject = subject;
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        this.fixedLength = length;
    }

    public static SlottedPage split(String html, String subject) {
        return split(html, subject, null);
    }

    /** Cuts a page rendered with this request's CSRF token {@code csrfToken} (null: none) at its slots. */
    public static SlottedPage split(String html, String subject, String csrfToken) {
        if (csrfToken != null && csrfToken.length() >= 16) {
            html = html.replace(csrfToken, Slot.CSRF.marker);
        }
        List<byte[]> parts = new ArrayList<>();
        List<Slot> slots = new ArrayList<>();
        int from = 0;
        while (true) {
            int next = -1;
            Slot found = null;
            for (Slot slot : Slot.values()) {
                int at = html.indexOf(slot.marker, from);
                if (at >= 0 && (next < 0 || at < next)) {
                    next = at;
                    found = slot;
                }
            }
            if (found == null) {
                parts.add(html.substring(from).getBytes(StandardCharsets.UTF_8));
                break;
            }
            parts.add(html.substring(from, next).getBytes(StandardCharsets.UTF_8));
            slots.add(found);
            from = next + found.marker.length();
        }
        return new SlottedPage(parts.toArray(byte[][]::new), slots.toArray(Slot[]::new), subject);
    }

    /** Bytes kept for the page (its parts between the slots). */
    public int size() {
        return fixedLength;
    }

    /** The whole page with each slot filled by {@code fill} (null or "" leaves it empty). */
    public Buffer assemble(Function<Slot, String> fill) {
        byte[][] filled = new byte[slots.length][];
        int length = fixedLength;
        for (int i = 0; i < slots.length; i++) {
            String text = fill.apply(slots[i]);
            filled[i] = text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8);
            length += filled[i].length;
        }
        Buffer page = Buffer.buffer(length);
        for (int i = 0; i < parts.length; i++) {
            page.appendBytes(parts[i]);
            if (i < slots.length) {
                page.appendBytes(filled[i]);
            }
        }
        return page;
    }

    /** Fills the slots of an uncached page (one that is rendered per request anyway). */
    public static String fill(String html, Function<Slot, String> fill) {
        String result = html;
        for (Slot slot : Slot.values()) {
            if (result.contains(slot.marker)) {
                String text = fill.apply(slot);
                result = result.replace(slot.marker, text == null ? "" : text);
            }
        }
        return result;
    }
}
