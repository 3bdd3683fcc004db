package org.cakb.common;

import io.quarkus.qute.RawString;
import io.quarkus.qute.TemplateExtension;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Times on pages as people read them: "3 h ago" in a {@code <time>} element whose {@code datetime} is the exact instant
 * (whole seconds, UTC) and whose title is the exact time in UTC; {@code /static/time.js} rewrites the title into the
 * reader's own time zone. No page shows a raw ISO timestamp. In templates: {@code {item.updatedAt.ago}}.
 */
@TemplateExtension
public final class RelativeTime {

    private static final DateTimeFormatter MACHINE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'");
    private static final DateTimeFormatter EXACT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy", java.util.Locale.ENGLISH);

    private RelativeTime() {
    }

    public static RawString ago(OffsetDateTime at) {
        return at == null ? new RawString("") : ago(at.toInstant());
    }

    public static RawString ago(Instant at) {
        if (at == null) {
            return new RawString("");
        }
        OffsetDateTime utc = at.truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC);
        return new RawString("<time datetime=\"" + MACHINE.format(utc) + "\" title=\"" + EXACT.format(utc) + "\">"
                + text(at, Instant.now()) + "</time>");
    }

    /** The exact time in UTC to the second, for printed pages where "3 h ago" would age: "2026-12-02 07:03:12 UTC". */
    public static String exact(OffsetDateTime at) {
        return at == null ? "" : EXACT.format(at.toInstant().truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC));
    }

    /** The readable part alone: "just now", "5 min ago", "3 h ago", "2 d ago", "in 4 d", or the date after 30 days. */
    public static String text(Instant at, Instant now) {
        Duration d = Duration.between(at, now);
        boolean future = d.isNegative();
        long seconds = Math.abs(d.getSeconds());
        String amount;
        if (seconds < 45) {
            return "just now";
        } else if (seconds < 3600) {
            amount = Math.max(1, Math.round(seconds / 60.0)) + " min";
        } else if (seconds < 48 * 3600) {
            amount = (seconds / 3600) + " h";
        } else if (seconds < 30L * 86400) {
            amount = (seconds / 86400) + " d";
        } else {
            return DAY.format(at.atOffset(ZoneOffset.UTC));
        }
        return future ? "in " + amount : amount + " ago";
    }
}
