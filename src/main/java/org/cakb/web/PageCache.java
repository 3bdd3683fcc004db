package org.cakb.web;

import org.cakb.pagecopies.SlottedPage;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.cakb.catalog.ContentLoader;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rendered knowledge-base pages, kept per content version and shared by every user. A knowledge-base page is a pure
 * function of the loaded content and the URL except for its per-user slots (session box, admin links, fleet coverage;
 * see {@link SlottedPage}), so the page is rendered once, kept cut at its slots, and each request only fills the slots
 * ({@link PersonalParts}). Any content load attempt starts a new version: the entry's version is compared with the
 * loader's last attempt on every read, which on a cluster every replica updates when another replica loads
 * (cluster topic of the content loader); {@link #clear()} is the hook for everything else that changes a page
 * (measured defaults imported, or events missed by this replica). Bounded: when full, it starts over.
 * <p>
 * Anonymous requests (no Authorization, no Cookie) are answered straight from the HTTP layer, before authentication,
 * while public browsing is on. Signed-in requests pass authentication and authorization as usual and are answered
 * from the cache by the page resource ({@link Pages}), which adds their own parts.
 * <p>
 * Also sets the security headers of every page (strict CSP: scripts and styles only from this origin, no inline
 * code) and answers unknown page URLs with the HTML 404 page.
 */
@ApplicationScoped
public class PageCache {

    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
    static final String HTML = "text/html;charset=UTF-8";
    private static final int MAX_ENTRIES = 4000;
    private static final int MAX_KEY_LENGTH = 600;

    @Inject
    ContentLoader loader;

    @ConfigProperty(name = "cakb.web.page-cache", defaultValue = "true")
    boolean enabled;
    /** The version check reads the loader's in-memory last attempt, which exists once it has loaded at start. */
    @ConfigProperty(name = "cakb.content.load-at-start", defaultValue = "true")
    boolean loadAtStart;
    /** The anonymous fast path skips authentication, so it runs only while anonymous browsing is allowed. */
    @ConfigProperty(name = "cakb.public-browsing", defaultValue = "false")
    boolean publicBrowsing;

    /** A page cut at its slots, the content version it was rendered from, and its anonymous form (made once). */
    record Entry(SlottedPage page, Object version, Buffer anonymous) {
    }

    private final ConcurrentHashMap<String, Entry> pages = new ConcurrentHashMap<>();
    /** Bumped by {@link #clear()}: a page rendered before a clear is not stored after it. */
    private final AtomicLong generation = new AtomicLong();

    boolean active() {
        return enabled && loadAtStart;
    }

    /**
     * Only requests without credentials may be answered before authentication: a cached page must never stand in
     * for an authorization decision.
     */
    static boolean anonymous(io.vertx.core.http.HttpServerRequest request) {
        return request.getHeader("Authorization") == null && request.getHeader("Cookie") == null;
    }

    /** What a page is rendered against: the content version and the cache generation. Read it before rendering. */
    record Version(Object content, long generation) {
    }

    Version version() {
        return active() ? new Version(loader.lastAttempt(), generation.get()) : null;
    }

    /** The shared page for a URL, or null when it is not cached for the current content version. */
    Entry get(String key) {
        if (!active()) {
            return null;
        }
        Entry entry = pages.get(key);
        if (entry == null) {
            return null;
        }
        if (entry.version != loader.lastAttempt()) {
            pages.remove(key, entry);
            return null;
        }
        return entry;
    }

    /** Cuts a freshly rendered page at its slots and keeps it when it was rendered against the current version. */
    SlottedPage put(String key, Version version, String html, String subject) {
        SlottedPage page = SlottedPage.split(html, subject);
        if (!active() || version == null || version.content() == null || key.length() > MAX_KEY_LENGTH
                || version.generation() != generation.get()) {
            return page;
        }
        if (pages.size() >= MAX_ENTRIES) {
            pages.clear();
        }
        pages.put(key, new Entry(page, version.content(), page.assemble(PersonalParts.anonymous())));
        return page;
    }

    /** Drops every cached page: for changes that are not a content load, and for cluster events this replica missed. */
    public void clear() {
        generation.incrementAndGet();
        pages.clear();
    }

    /** Measured defaults are not content, but the matrix and platform pages show them. */
    void measuredDefaultsImported(@Observes org.cakb.fleet.MeasuredDefaultsImported event) {
        clear();
    }

    void contentLoaded(@Observes org.cakb.catalog.ContentLoaded event) {
        clear();
    }

    int size() {
        return pages.size();
    }

    static boolean isPage(String path) {
        return path != null && !path.startsWith("/api/") && !path.equals("/api") && !path.startsWith("/q/")
                && !path.equals("/q") && !path.startsWith("/static/") && !path.startsWith("/webjars/");
    }

    static void securityHeaders(RoutingContext ctx) {
        ctx.response().headers()
                .set("Content-Security-Policy", CSP)
                .set("X-Content-Type-Options", "nosniff")
                .set("Referrer-Policy", "same-origin")
                .set("X-Frame-Options", "DENY");
    }

    void routes(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 100).handler(this::beforePages);
        router.route().order(Integer.MAX_VALUE - 100).handler(this::unknownPage);
    }

    private void beforePages(RoutingContext ctx) {
        String path = ctx.request().path();
        if (!isPage(path)) {
            ctx.next();
            return;
        }
        securityHeaders(ctx);
        if (publicBrowsing && ctx.request().method().name().equals("GET") && anonymous(ctx.request())) {
            Entry hit = get(ctx.request().uri());
            if (hit != null) {
                ctx.response().putHeader("Content-Type", HTML).putHeader("X-Page-Cache", "hit").end(hit.anonymous());
                return;
            }
        }
        ctx.next();
    }

    /** Reached only when nothing else (pages, API, static files) handled the request. */
    private void unknownPage(RoutingContext ctx) {
        if (!isPage(ctx.request().path()) || ctx.response().ended()) {
            ctx.next();
            return;
        }
        String html = SlottedPage.fill(Pages.Templates.notFound("There is no page at this address.", null).render(),
                PersonalParts.anonymous());
        ctx.response().setStatusCode(404).putHeader("Content-Type", HTML).end(html);
    }
}
