package org.cakb.web;

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
    static final String ADMIN_NAV = "<li><a href=\"/admin/assessments/new\">New assessment</a></li>"
            + "<li><a href=\"/admin/users\">Users</a></li><li><a href=\"/admin/waivers\">Waiver requests</a></li>"
            + "<li><a href=\"/admin/webhooks\">Drift webhooks</a></li>";

    @Inject
    SecurityIdentity identity;
    @Inject
    Instance<CsrfTokenParameterProvider> csrf;
    @Inject
    FleetHistory fleet;

    /** The person signed in (viewer, assessor or admin), or null for anonymous visitors and machine credentials. */
    Person person() {
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
        return slot -> switch (slot) {
            case SESSION -> session(person);
            case NAV -> Roles.ADMIN.equals(person.role()) ? ADMIN_NAV : null;
            case COVERAGE -> coverage(subject);
        };
    }

    /** The anonymous filler (no request needed): the cached anonymous page is assembled with it once. */
    static java.util.function.Function<SlottedPage.Slot, String> anonymous() {
        return slot -> slot == SlottedPage.Slot.SESSION ? SIGN_IN : null;
    }

    private String session(Person person) {
        StringBuilder html = new StringBuilder(400).append("<form class=\"session\" method=\"post\" action=\"/logout\">");
        String token = csrfToken();
        if (token != null) {
            html.append("<input type=\"hidden\" name=\"").append(Html.escape(csrf.get().getParameterName()))
                    .append("\" value=\"").append(Html.escape(token)).append("\">");
        }
        return html.append("<span class=\"whoami\">Logged in as <strong id=\"whoami\">").append(Html.escape(person.name()))
                .append("</strong> <span class=\"role\" id=\"whoami-role\">").append(Html.escape(person.role()))
                .append("</span></span><button type=\"submit\" id=\"logout\" class=\"secondary\">Log out</button></form>")
                .toString();
    }

    private String csrfToken() {
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
        FleetHistory.Coverage coverage = fleet.coverage(kind, id);
        return coverage == null ? null : Pages.Templates.coverage(RecordKind.fromCode(kind).map(k -> k.code).orElse(kind), coverage)
                .render();
    }
}
