package org.cakb.web;

import org.cakb.pagecopies.SlottedPage;

import io.quarkus.csrf.reactive.runtime.CsrfTokenParameterProvider;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.cakb.catalog.RecordKind;
import org.cakb.fleet.FleetHistory;
import org.cakb.security.Roles;

/**
 * The per-user parts of a page, made for each request: the session box (who is signed in, log-out form with this
 * session's CSRF token), the administration links of an admin, and the fleet coverage a signed-in role may see.
 * Everything else on a knowledge-base page is shared by every user through the {@link PageCache}.
 */
@ApplicationScoped
public class PersonalParts {

    static final String SIGN_IN = "<a class=\"session-link\" id=\"sign-in\" href=\"/login\">Sign in</a>";

    /** The session box and admin links, the same for every page. */
    @Inject
    org.cakb.pagecopies.SessionParts sessionParts;

    @Inject
    SecurityIdentity identity;
    @Inject
    Instance<CsrfTokenParameterProvider> csrf;
    @Inject
    FleetHistory fleet;
    @Inject
    org.cakb.fleet.FleetChanges fleetChanges;
    @Inject
    Instance<org.cakb.catalog.ControlAssessments> controlAssessments;

    /** The person signed in (viewer, assessor or admin), or null for anonymous visitors and machine credentials. */
    Person person() {
        return person(identity);
    }

    static Person person(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous()) {
            return null;
        }
        String role = identity.hasRole(Roles.ADMIN) ? Roles.ADMIN : identity.hasRole(Roles.ASSESSOR) ? Roles.ASSESSOR
                : identity.hasRole(Roles.VIEWER) ? Roles.VIEWER : null;
        return role == null ? null : new Person(identity.getPrincipal().getName(), role);
    }

    record Person(String name, String role) {
    }

    /** The slot filler of this request; {@code person} null means the anonymous parts. */
    java.util.function.Function<SlottedPage.Slot, String> filler(Person person, String subject) {
        if (person == null) {
            return slot -> slot == SlottedPage.Slot.SESSION ? SIGN_IN : null;
        }
        String token = csrfToken();
        return slot -> switch (slot) {
            case SESSION -> sessionParts.session(person.name(), person.role(), token, csrf.get().getParameterName());
            case NAV -> Roles.ADMIN.equals(person.role()) ? sessionParts.adminLinks() : null;
            case COVERAGE -> coverage(subject);
            case CSRF -> token;
        };
    }

    /**
     * The filler for a page answered before the REST layer ({@link SignedInPages}): the CSRF token is given, and the
     * coverage must already be known ({@link #knownCoverage}), since nothing may block there.
     */
    java.util.function.Function<SlottedPage.Slot, String> filler(Person person, String csrfToken, String csrfName, String coverage) {
        return slot -> switch (slot) {
            case SESSION -> sessionParts.session(person.name(), person.role(), csrfToken, csrfName);
            case NAV -> Roles.ADMIN.equals(person.role()) ? sessionParts.adminLinks() : null;
            case COVERAGE -> coverage;
            case CSRF -> csrfToken;
        };
    }

    /** A page's coverage part as it is now ({@code html} null: the page has none). */
    record KnownCoverage(String html) {
        static final KnownCoverage NONE = new KnownCoverage(null);
    }

    /** The coverage part of a subject when it needs no database read now (none, or fresh in memory); else null. */
    KnownCoverage knownCoverage(String subject) {
        if (subject == null) {
            return KnownCoverage.NONE;
        }
        if (subject.startsWith("control:")) {
            return null;
        }
        RenderedCoverage known = coverages.get(subject);
        return known != null && known.fleetVersion() == fleetChanges.version()
                && System.nanoTime() - known.atNanos() < COVERAGE_LIFETIME_NANOS ? new KnownCoverage(known.html()) : null;
    }

    /** The anonymous filler (no request needed): the cached anonymous page is assembled with it once. */
    static java.util.function.Function<SlottedPage.Slot, String> anonymous() {
        return slot -> slot == SlottedPage.Slot.SESSION ? SIGN_IN : null;
    }

    String csrfToken() {
        try {
            return csrf.get().getToken();
        } catch (RuntimeException e) { // no CSRF filter ran for this request (not a REST endpoint)
            return null;
        }
    }

    private String coverage(String subject) {
        if (subject == null) {
            return null;
        }
        int colon = subject.indexOf(':');
        String kind = subject.substring(0, colon);
        String id = subject.substring(colon + 1);
        if ("control".equals(kind)) { // lists the assessments this person may read: never shared
            return Pages.Templates.controlEvidence(fleet.coverage(kind, id), controlAssessments.isResolvable()
                    ? controlAssessments.get().forControl(id, 5) : java.util.List.of()).render();
        }
        long now = System.nanoTime();
        long version = fleetChanges.version();
        RenderedCoverage known = coverages.get(subject);
        if (known != null && known.fleetVersion() == version && now - known.atNanos() < COVERAGE_LIFETIME_NANOS) {
            return known.html();
        }
        FleetHistory.Coverage coverage = fleet.coverage(kind, id);
        String html = coverage == null ? null : Pages.Templates.coverage(RecordKind.fromCode(kind).map(k -> k.code).orElse(kind), coverage)
                .render();
        if (coverages.size() >= MAX_COVERAGES) {
            coverages.clear();
        }
        coverages.put(subject, new RenderedCoverage(html, version, now));
        return html;
    }

    /**
     * The fleet coverage of a record is the same for every person who may see it, and a count a few seconds old is
     * as good as a fresh one on a page about the record, so it is read once per {@link #COVERAGE_LIFETIME_NANOS}
     * rather than for every page view (it is a fleet-wide aggregate), and at once after a report changed the fleet's
     * state on this replica ({@link FleetChanges}). Per replica; nothing personal in it.
     */
    private record RenderedCoverage(String html, long fleetVersion, long atNanos) {
    }

    private static final long COVERAGE_LIFETIME_NANOS = 10_000_000_000L;
    private static final int MAX_COVERAGES = 5_000;
    private final java.util.concurrent.ConcurrentHashMap<String, RenderedCoverage> coverages = new java.util.concurrent.ConcurrentHashMap<>();
}
