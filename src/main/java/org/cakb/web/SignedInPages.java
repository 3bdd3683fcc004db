package org.cakb.web;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.cakb.pagecopies.PageCopies;
import org.cakb.pagecopies.PageKeys;
import org.cakb.pagecopies.SlottedPage;
import org.cakb.security.CsrfTokens;
import org.cakb.security.SessionGuard;

/**
 * Answers a signed-in person's request for a knowledge-base page that is already in the {@link PageCache}, or for a
 * dynamic page kept as a {@link PageCopies copy} that this person may see ({@link PageKeys}: checklists, items, hosts,
 * fleet results), without the REST layer (issue #21): the shared page plus this person's parts, on the event loop. It runs after Quarkus has
 * authenticated the session (form cookie, {@link SessionGuard}: epoch, enabled, lifetime) and applied the HTTP
 * permission policies, so it sees only requests that may read the page; everything it cannot answer without a
 * database read or a decision of the REST layer falls through to {@link Pages} unchanged: pages not cached yet,
 * fleet coverage not in memory, accounts that must change their password, machine credentials (Authorization header).
 */
@ApplicationScoped
public class SignedInPages {

    /** After authentication (-200) and authorization (-100) filters, before the REST layer (10 000). */
    static final int ORDER = 5_000;

    @Inject
    PageCache cache;
    @Inject
    PersonalParts parts;
    @Inject
    CsrfTokens csrf;
    @Inject
    PageCopies copies;
    @Inject
    jakarta.enterprise.inject.Instance<PageKeys> pageKeys;
    private volatile java.util.List<PageKeys> families;

    void routes(@Observes Router router) {
        router.route().order(ORDER).handler(this::serve);
    }

    /** Pages answered here (tests check that the path is taken; the REST layer answers the rest). */
    private final java.util.concurrent.atomic.AtomicLong served = new java.util.concurrent.atomic.AtomicLong();

    long served() {
        return served.get();
    }

    private void serve(RoutingContext ctx) {
        var request = ctx.request();
        if (request.method() != HttpMethod.GET || !PageCache.isPage(request.path()) || request.getHeader("Authorization") != null
                || !(ctx.user() instanceof QuarkusHttpUser user)) {
            ctx.next();
            return;
        }
        SecurityIdentity identity = user.getSecurityIdentity();
        PersonalParts.Person person = PersonalParts.person(identity);
        if (person == null || Boolean.TRUE.equals(identity.getAttribute(SessionGuard.MUST_CHANGE_PASSWORD))) {
            ctx.next();
            return;
        }
        PageCache.Entry entry = cache.get(request.uri());
        SlottedPage page = entry == null ? copy(request.path(), request.uri(), identity) : entry.page();
        PersonalParts.KnownCoverage coverage = page == null ? null : parts.knownCoverage(page.subject);
        if (coverage == null) {
            ctx.next();
            return;
        }
        String token = csrf.issue(ctx);
        served.incrementAndGet();
        ctx.response().putHeader("Content-Type", PageCache.HTML).putHeader("X-Page-Cache", "hit")
                .putHeader("Cache-Control", "private, no-store")
                .end(page.assemble(parts.filler(person, token, csrf.fieldName(), coverage.html())));
    }

    /** A copy of a dynamic page this person may see as it is ({@link PageKeys}), or null. */
    private SlottedPage copy(String path, String uri, SecurityIdentity identity) {
        if (families == null) {
            families = pageKeys.stream().toList();
        }
        PageKeys.Viewer viewer = null;
        for (PageKeys family : families) {
            if (viewer == null) {
                viewer = new PageKeys.Viewer(identity.getPrincipal().getName(), identity.getRoles());
            }
            String key = family.key(path, uri, viewer);
            if (key != null) {
                return copies.get(key);
            }
        }
        return null;
    }
}
