package org.cakb.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import org.cakb.common.Conditional;
import org.cakb.common.QueryParams;
import org.cakb.security.Roles;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/** The drift feed: pass-to-fail changes on any host or container. */
@Path("/api/v1/drift")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Fleet", description = "Hosts, enrollment and probe results")
@RolesAllowed({Roles.VIEWER, Roles.ASSESSOR, Roles.ADMIN, Roles.API_READ})
public class DriftResource {

    /** Drift events returned at most per request; poll again with since = the last receivedAt. */
    static final int DRIFT_LIMIT = 500;

    @Inject
    ContainerQueries queries;
    @Inject
    ObjectMapper json;

    @GET
    @Operation(summary = "Drift feed: every pass-to-fail change on any host or container received at or after since, oldest first",
            description = "since defaults to 24 hours ago; at most 500 events per response: poll again with since = the last "
                    + "receivedAt (events at that instant come again; de-duplicate by reportId, containerSubjectId and checkId). ETag.")
    @APIResponse(responseCode = "200", description = "The events", content = @Content(mediaType = MediaType.APPLICATION_JSON, example = """
            {"since": "2026-11-23T00:00:00Z", "events": [{"hostId": 3, "host": "node-eu-1", "containerSubjectId": 17, "container": "web",
             "runtime": "docker", "checkId": "probe:caps/no-cap-sys-admin", "observed": "CapEff ...", "reportId": "5a1e...",
             "observedAt": "2026-11-23T11:05:00Z", "receivedAt": "2026-11-23T11:05:02Z"}]}"""))
    @APIResponse(responseCode = "304", description = "Not modified since the ETag sent in If-None-Match")
    @APIResponse(responseCode = "400", description = "Bad since")
    public Response drift(@Parameter(description = "ISO 8601 instant with offset, e.g. 2026-11-01T00:00:00Z") @QueryParam("since") String since,
                          @Context Request request) {
        OffsetDateTime from = QueryParams.instant("since", since);
        if (from == null) {
            from = OffsetDateTime.now().minusDays(1).withNano(0);
        }
        List<ContainerQueries.DriftEvent> events = queries.drift(from, DRIFT_LIMIT);
        return Conditional.ok(request, json, Map.of("since", from.toString(), "events", events));
    }

}
