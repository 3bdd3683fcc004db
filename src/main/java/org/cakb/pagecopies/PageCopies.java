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
 * are not announced as changes; they make a copy at most {@link #LIFETIME_NANOS} old.
 */
@ApplicationScoped
public class PageCopies {

    static final long LIFETIME_NANOS = 30_000_000_000L;
    private static final int MAX_ENTRIES = 2_000;
    /** A checklist of 200 items or a host page is about 200 KB: the copies are bounded by bytes, not only by count. */
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "cakb.web.page-copies-max-bytes", defaultValue = "67108864")
    long maxBytes;
    private final AtomicLong bytes = new AtomicLong();
    private static final int MAX_KEY_LENGTH = 700;

    @Inject
    Revisions revisions;

    private record Copy(SlottedPage page, Revisions.Snapshot snapshot, long bornNanos) {
    }

    private final ConcurrentHashMap<String, Copy> copies = new ConcurrentHashMap<>();
    private final AtomicLong hits = new AtomicLong();

    /** The counters to render a page against (null: do not keep a copy). Take it before reading the page's data. */
    public Revisions.Snapshot begin(String... scopes) {
        return revisions.snapshot(scopes);
    }

    /** The copy kept under the key, or null when there is none or it is no longer current. */
    public SlottedPage get(String key) {
        if (key == null) {
            return null;
        }
        Copy copy = copies.get(key);
        if (copy == null) {
            return null;
        }
        if (System.nanoTime() - copy.bornNanos() > LIFETIME_NANOS || !revisions.current(copy.snapshot())) {
            if (copies.remove(key, copy)) {
                bytes.addAndGet(-copy.page().size());
            }
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
        SlottedPage page = SlottedPage.split(html, null, csrfToken);
        if (key == null || snapshot == null || key.length() > MAX_KEY_LENGTH || !revisions.current(snapshot)) {
            return page;
        }
        if (copies.size() >= MAX_ENTRIES || bytes.get() + page.size() > maxBytes) { // full: start over
            copies.clear();
            bytes.set(0);
        }
        Copy replaced = copies.put(key, new Copy(page, snapshot, System.nanoTime()));
        bytes.addAndGet(page.size() - (replaced == null ? 0 : replaced.page().size()));
        return page;
    }

    /** Copies served so far (tests check that the path is taken). */
    public long hits() {
        return hits.get();
    }
}
