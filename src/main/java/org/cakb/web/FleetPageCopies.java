package org.cakb.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import org.cakb.fleet.FleetChanges;
import org.cakb.pagecopies.PageCopies;
import org.cakb.pagecopies.PageKeys;
import org.cakb.pagecopies.Revisions;
import org.cakb.pagecopies.SlottedPage;
import org.cakb.security.Roles;

import java.util.regex.Pattern;

/**
 * The host list, a host page and the fleet page of a probe or countermeasure as {@link PageCopies copies}: the same for
 * every person with a role (the pages need one, and show nothing per person but the header), current while the host
 * ("host:id") or the fleet ("fleet") has had no state change, registration change or revocation. A host's "last seen" moves with
 * every report, changed or not, and is at most the copies' lifetime old.
 */
@ApplicationScoped
public class FleetPageCopies implements PageKeys {

    private static final Pattern HOST = Pattern.compile("/hosts/(\\d{1,18})");

    @Inject
    PageCopies copies;
    @Inject
    PersonalParts parts;

    @Override
    public String key(String path, String uri, Viewer viewer) {
        if (!viewer.roles().contains(Roles.VIEWER) && !viewer.roles().contains(Roles.ASSESSOR) && !viewer.roles().contains(Roles.ADMIN)) {
            return null; // the resources' @RolesAllowed decide
        }
        if (HOST.matcher(path).matches() || path.equals("/hosts") || path.equals("/fleet/failing")) {
            return "fleet-page|" + uri;
        }
        return null;
    }

    Revisions.Snapshot beginHost(long hostId) {
        return copies.begin(FleetChanges.hostScope(hostId));
    }

    Revisions.Snapshot beginFleet() {
        return copies.begin(FleetChanges.FLEET_SCOPE);
    }

    /** The page for this request, kept as a copy when nothing changed while it was rendered. */
    Response respond(Revisions.Snapshot snapshot, String uri, String html) {
        String token = parts.csrfToken();
        SlottedPage cut = copies.keep("fleet-page|" + uri, snapshot, html, token);
        return Response.ok(cut.assemble(parts.filler(parts.person(), null)).getBytes(), PageCache.HTML)
                .header("Cache-Control", "no-store").build();
    }
}
