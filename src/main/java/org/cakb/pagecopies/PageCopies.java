package org.cakb.pagecopies;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rendered copies of dynamic pages (checklists, items, hosts, fleet results), kept cut at their per-user slots and
 * used while nothing they show has changed ({@link Revisions}). A copy is stored under a key that holds everything
 * its rendering depended on besides the data: the URL and what the viewer may do there (a role, an assessment's
 * permissions, for some pages the person), so two people get the same copy only when the page would be rendered the
 * same for both apart from the slots.
 * <p>
 * Relative times ("5 min ago"), today's date and the receipts of reports that changed nothing (a host's "last seen")
 * are not announced as changes; they make a copy at most {@link #LIFETIME_NANOS} old. A copy past that age whose data
 * has not changed is renewed by one request while the others are still given it, for at most
 * {@link #RENEWAL_GRACE_NANOS}: without that, every request arriving during the re-rendering rendered the page too
 * (measured: a host page under 64 connections stalled for about a second every 30 s, p99 870 ms). A copy whose data
 * changed is never given again.
 */
@ApplicationScoped
public class PageCopies {

    static final long LIFETIME_NANOS = 30_000_000_000L;
    /** How long past its lifetime an unchanged copy is still given while one request renders its successor. */
    static final long RENEWAL_GRACE_NANOS = 10_000_000_000L;
    /** A renewal not finished in this time (the request failed or was refused) is handed to the next request. */
    static final long RENEWAL_TIMEOUT_NANOS = 2_000_000_000L;
    private static final int MAX_ENTRIES = 2_000;
    /** A checklist of 200 items or a host page is about 200 KB: the copies are bounded by bytes, not only by count. */
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "cakb.web.page-copies-max-bytes", defaultValue = "67108864")
    long maxBytes;
    private final AtomicLong bytes = new AtomicLong();
    private static final int MAX_KEY_LENGTH = 700;

    @Inject
    Revisions revisions;

    private record Copy(SlottedPage page, Revisions.Snapshot snapshot, long bornNanos, AtomicLong renewalSince) {

        /** Whether the calling request is the one to render this copy's successor (0: no renewal under way). */
        boolean claimRenewal(long now) {
            long since = renewalSince.get();
            return (since == 0 || now - since > RENEWAL_TIMEOUT_NANOS) && renewalSince.compareAndSet(since, now);
        }
    }

    private final ConcurrentHashMap<String, Copy> copies = new ConcurrentHashMap<>();
    private final AtomicLong hits = new AtomicLong();

    /** The counters to render a page against (null: do not keep a copy). Take it before reading the page's data. */
    public Revisions.Snapshot begin(String... scopes) {
        return revisions.snapshot(scopes);
    }

    /**
     * The copy kept under the key, or null when there is none, it is no longer current, or it has aged and this
     * request is the one to render its successor.
     */
    public SlottedPage get(String key) {
        return get(key, System.nanoTime());
    }

    SlottedPage get(String key, long now) {
        if (key == null) {
            return null;
        }
        Copy copy = copies.get(key);
        if (copy == null) {
            return null;
        }
        long age = now - copy.bornNanos();
        if (age > LIFETIME_NANOS + RENEWAL_GRACE_NANOS || !revisions.current(copy.snapshot())) {
            if (copies.remove(key, copy)) {
                bytes.addAndGet(-copy.page().size());
            }
            return null;
        }
        if (age > LIFETIME_NANOS && copy.claimRenewal(now)) {
            return null;
        }
        hits.incrementAndGet();
        return copy.page();
    }

    /**
     * Cuts a page rendered for this request ({@code csrfToken}: the form token it was rendered with) and keeps it
     * under the key when nothing changed while it was rendered. Returns the cut page, to be filled for this request.
     */
    public SlottedPage keep(String key, Revisions.Snapshot snapshot, String html, String csrfToken) {
        return keep(key, snapshot, html, csrfToken, System.nanoTime());
    }

    SlottedPage keep(String key, Revisions.Snapshot snapshot, String html, String csrfToken, long now) {
        SlottedPage page = SlottedPage.split(html, null, csrfToken);
        if (key == null || snapshot == null || key.length() > MAX_KEY_LENGTH || !revisions.current(snapshot)) {
            return page;
        }
        if (copies.size() >= MAX_ENTRIES || bytes.get() + page.size() > maxBytes) { // full: start over
            copies.clear();
            bytes.set(0);
        }
        Copy replaced = copies.put(key, new Copy(page, snapshot, now, new AtomicLong()));
        bytes.addAndGet(page.size() - (replaced == null ? 0 : replaced.page().size()));
        return page;
    }

    /** Copies served so far (tests check that the path is taken). */
    public long hits() {
        return hits.get();
    }
}
