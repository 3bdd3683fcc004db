package org.cakb.common;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.OffsetDateTime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RelativeTimeTest {

    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

    @Test
    void readsAsPeopleSayIt() {
        assertEquals("just now", RelativeTime.text(NOW.minusSeconds(10), NOW));
        assertEquals("5 min ago", RelativeTime.text(NOW.minusSeconds(300), NOW));
        assertEquals("3 h ago", RelativeTime.text(NOW.minusSeconds(3 * 3600 + 120), NOW));
        assertEquals("2 d ago", RelativeTime.text(NOW.minusSeconds(2 * 86400 + 5), NOW));
        assertEquals("in 4 d", RelativeTime.text(NOW.plusSeconds(4 * 86400 + 5), NOW));
        assertEquals("1 Oct 2026", RelativeTime.text(Instant.parse("2026-10-01T08:00:00Z"), NOW));
    }

    @Test
    void theElementCarriesTheExactInstantWithoutFractions() {
        String html = RelativeTime.ago(OffsetDateTime.parse("2026-12-02T07:03:12.123456+01:00")).toString();
        assertTrue(html.startsWith("<time datetime=\"2026-12-02T06:03:12Z\" title=\"2026-12-02 06:03:12 UTC\">"), html);
        assertFalse(html.contains(".123"), html);
        assertEquals("", RelativeTime.ago((OffsetDateTime) null).toString());
    }
}
