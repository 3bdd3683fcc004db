package org.cakb.assessment;

import io.quarkus.csrf.reactive.runtime.CsrfTokenParameterProvider;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import org.cakb.fleet.FleetChanges;
import org.cakb.pagecopies.PageCopies;
import org.cakb.pagecopies.PageKeys;
import org.cakb.pagecopies.Revisions;
import org.cakb.pagecopies.SessionParts;
import org.cakb.pagecopies.SlottedPage;
import org.cakb.security.Access;
import org.cakb.security.AccessPolicy.Operation;
import org.cakb.security.Roles;

import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checklist and item pages as {@link PageCopies copies} (issues #18, #21): what they show of an assessment changes
 * only through its own tables (announced by the database, V91), the fleet state of linked hosts ("fleet") and account
 * names ("accounts"), so a copy serves every later view by a person with the same permissions on that assessment.
 * <p>
 * Who may see a copy is decided as the page resource decides it, from {@link Access.Permissions}; those are kept here
 * per person and assessment once the resource has read them, and only while the assessment has not changed (its
 * membership and assessors are part of it). A person whose permissions are not in memory goes to the resource, which
 * authorizes and renders. The item page also shows the person's own name (their draft key, their own waiver request),
 * so its copies are per person.
 */
@ApplicationScoped
public class AssessmentPageCopies implements PageKeys {

    private static final Pattern CHECKLIST = Pattern.compile("/assessments/(\\d{1,18})");
    private static final Pattern ITEM = Pattern.compile("/assessments/(\\d{1,18})/items/(\\d{1,18})");
    private static final int MAX_PERMISSIONS = 20_000;

    @Inject
    PageCopies copies;
    @Inject
    Revisions revisions;
    @Inject
    SessionParts sessionParts;
    @Inject
    Access access;
    @Inject
    Instance<CsrfTokenParameterProvider> csrf;

    private record Known(Access.Permissions permissions, Revisions.Snapshot snapshot) {
    }

    private final ConcurrentHashMap<String, Known> permissions = new ConcurrentHashMap<>();

    static String[] scopes(long assessmentId) {
        return new String[]{"assessment:" + assessmentId, FleetChanges.FLEET_SCOPE, "accounts"};
    }

    @Override
    public String key(String path, String uri, Viewer viewer) {
        Matcher checklist = CHECKLIST.matcher(path);
        Matcher item = checklist.matches() ? null : ITEM.matcher(path);
        if (!checklist.matches() && !item.matches()) {
            return null;
        }
        long id = Long.parseLong((checklist.matches() ? checklist : item).group(1));
        Known known = permissions.get(personKey(viewer.name(), viewer.roles(), id));
        if (known == null || !revisions.current(known.snapshot())) {
            return null;
        }
        boolean itemPage = item != null;
        if (!known.permissions().can(itemPage ? Operation.VIEW_ITEM : Operation.VIEW_ASSESSMENT)) {
            return null;
        }
        return pageKey(uri, known.permissions(), itemPage ? viewer.name() : null);
    }

    /** Takes the counters of the assessment's scopes: call before the page reads anything. */
    Revisions.Snapshot begin(long assessmentId) {
        return copies.begin(scopes(assessmentId));
    }

    /**
     * Renders the page for this request and keeps it as a copy when nothing changed meanwhile. {@code personal}: the
     * page shows the person's name, so its copy is theirs alone.
     */
    Response respond(Revisions.Snapshot snapshot, long assessmentId, Access.Permissions may, String uri, boolean personal,
                     io.quarkus.qute.TemplateInstance page) {
        String user = access.username();
        if (snapshot != null) {
            remember(user, may, assessmentId, snapshot);
        }
        String token = csrfToken();
        SlottedPage cut = copies.keep(pageKey(uri, may, personal ? user : null), snapshot, page.render(), token);
        boolean admin = may.roles().contains(Roles.ADMIN);
        byte[] html = cut.assemble(sessionParts.filler(user, Roles.highest(may.roles()), admin, token,
                csrf.get().getParameterName())).getBytes();
        return Response.ok(html, "text/html;charset=UTF-8").header("Cache-Control", "private, no-store").build();
    }

    /** The layout header of a page that becomes a copy: left as slots. */
    AssessmentPages.Nav nav() {
        return new AssessmentPages.Nav(access.username(), access.roles().contains(Roles.ADMIN), Roles.highest(access.roles()), true);
    }

    private void remember(String user, Access.Permissions may, long assessmentId, Revisions.Snapshot snapshot) {
        if (permissions.size() >= MAX_PERMISSIONS) {
            permissions.clear();
        }
        permissions.put(personKey(user, may.roles(), assessmentId), new Known(may, snapshot));
    }

    private static String personKey(String user, java.util.Set<String> roles, long assessmentId) {
        return user + "|" + rolesKey(roles) + "|" + assessmentId;
    }

    private static String pageKey(String uri, Access.Permissions may, String person) {
        return "assessment|" + uri + "|" + rolesKey(may.roles()) + "|" + may.assigned() + "|" + may.member() + "|" + may.state()
                + (person == null ? "" : "|" + person);
    }

    /** The few role sets there are, each written once in one order. */
    private static final ConcurrentHashMap<java.util.Set<String>, String> ROLE_KEYS = new ConcurrentHashMap<>();

    private static String rolesKey(java.util.Set<String> roles) {
        String key = ROLE_KEYS.get(roles);
        if (key == null) {
            key = String.join(",", new TreeSet<>(roles));
            if (ROLE_KEYS.size() < 100) {
                ROLE_KEYS.put(java.util.Set.copyOf(roles), key);
            }
        }
        return key;
    }

    private String csrfToken() {
        try {
            return csrf.get().getToken();
        } catch (RuntimeException e) { // no CSRF filter ran for this request
            return null;
        }
    }
}
