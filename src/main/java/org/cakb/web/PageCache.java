package org.cakb.web;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.cakb.catalog.ContentLoader;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rendered knowledge-base pages, kept per content version. Every page is a pure function of the loaded content and
 * the URL, so a page rendered once is served again from memory, straight from the HTTP layer, until the next
 * content load (any load attempt starts a new version). Bounded: when full, it starts over.
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
    /** Cached pages skip authentication, so they are served only while anonymous browsing is allowed. */
    @ConfigProperty(name = "cakb.public-browsing", defaultValue = "false")
    boolean publicBrowsing;

    private record Entry(Buffer body, Object version) {
    }

    private final ConcurrentHashMap<String, Entry> pages = new ConcurrentHashMap<>();

    boolean active() {
        return enabled && loadAtStart && publicBrowsing;
    }

    /**
     * Only requests without credentials share cached pages: a signed-in user's page may differ (navigation, roles),
     * and a cached page must never stand in for an authorization decision.
     */
    static boolean anonymous(io.vertx.core.http.HttpServerRequest request) {
        return request.getHeader("Authorization") == null && request.getHeader("Cookie") == null;
    }

    /** The current content version (identity of the loader's last attempt). Read it before rendering. */
    Object version() {
        return active() ? loader.lastAttempt() : null;
    }

    void put(String key, Object version, String html) {
        if (!active() || version == null || key.length() > MAX_KEY_LENGTH) {
            return;
        }
        if (pages.size() >= MAX_ENTRIES) {
            pages.clear();
        }
        pages.put(key, new Entry(Buffer.buffer(html.getBytes(StandardCharsets.UTF_8)), version));
    }

    private Buffer get(String key) {
        Entry entry = pages.get(key);
        if (entry == null) {
            return null;
        }
        if (entry.version != loader.lastAttempt()) {
            pages.remove(key, entry);
            return null;
        }
        return entry.body;
    }

    /** Measured defaults are not content, but the matrix shows them: drop every cached page when new ones arrive. */
    void measuredDefaultsImported(@Observes org.cakb.fleet.MeasuredDefaultsImported event) {
        pages.clear();
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
        if (active() && ctx.request().method().name().equals("GET") && anonymous(ctx.request())) {
            Buffer hit = get(ctx.request().uri());
            if (hit != null) {
                ctx.response().putHeader("Content-Type", HTML).putHeader("X-Page-Cache", "hit").end(hit);
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
        String html = Pages.Templates.notFound("There is no page at this address.", null).render();
        ctx.response().setStatusCode(404).putHeader("Content-Type", HTML).end(html);
    }
}
