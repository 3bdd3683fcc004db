package org.cakb.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import org.cakb.common.Conditional;
import org.cakb.common.PageOf;
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

/** Containers the agents report (format 2): across the fleet, one container, its history. Per host: {@link HostResource}. */
@Path("/api/v1/containers")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Fleet", description = "Hosts, enrollment and probe results")
@RolesAllowed({Roles.VIEWER, Roles.ASSESSOR, Roles.ADMIN, Roles.API_READ})
public class ContainerResource {

    static final String CONTAINER_EXAMPLE = """
            {"id": 17, "hostId": 3, "host": "node-eu-1", "runtime": "docker", "containerId": "4f1c...e9", "name": "web",
             "image": "registry.example/web:1.4", "pid": 4242, "firstSeenAt": "2026-11-23T10:00:02Z",
             "changedAt": "2026-11-23T11:05:02Z", "goneAt": null, "passed": 37, "failed": 2, "notApplicable": 1, "errors": 0}""";

    @Inject
    ContainerQueries queries;
    @Inject
    ObjectMapper json;

    @GET
    @Operation(summary = "Containers across the fleet, by id, filtered by a probe's current status, runtime and host label",
            description = "probe=probe:... with status=fail lists the containers where that probe fails now. status alone keeps "
                    + "containers with any check in that status. label=key=value filters on host labels. Paged, ETag.")
    @APIResponse(responseCode = "200", description = "A page of containers", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            example = "{\"items\": [" + CONTAINER_EXAMPLE + "], \"page\": 1, \"size\": 50, \"total\": 1, \"pages\": 1}"))
    @APIResponse(responseCode = "304", description = "Not modified since the ETag sent in If-None-Match")
    @APIResponse(responseCode = "400", description = "Bad filter, page, size or updated-since (the message names the parameter)")
    public Response search(@Parameter(description = "probe id, e.g. probe:caps/no-cap-sys-admin") @QueryParam("probe") String probe,
                           @Parameter(description = "pass, fail, not-applicable or error") @QueryParam("status") String status,
                           @Parameter(description = "container runtime, e.g. docker") @QueryParam("runtime") String runtime,
                           @Parameter(description = "host label as key=value") @QueryParam("label") String label,
                           @Parameter(description = "ISO 8601 instant with offset, e.g. 2026-11-01T00:00:00Z")
                           @QueryParam("updated-since") String updatedSince,
                           @Parameter(description = "1-based page number") @QueryParam("page") @DefaultValue("1") String page,
                           @Parameter(description = "page size, 1-200") @QueryParam("size") @DefaultValue("50") String size,
                           @Context Request request) {
        PageOf<ContainerQueries.ContainerSummary> result = queries.search(blank(probe), blank(status), blank(runtime), blank(label),
                QueryParams.instant("updated-since", updatedSince), QueryParams.page(page), QueryParams.size(size));
        return Conditional.ok(request, json, result);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One container with each check's current state and since when (failing first)")
    @APIResponse(responseCode = "200", description = "The container", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            example = "{\"container\": " + CONTAINER_EXAMPLE + ", \"latestReport\": \"0b7e3c9e-5d1f-4f43-9a0e-8c1d2e3f4a5b\","
                    + " \"lastSeenAt\": \"2026-11-23T12:00:02Z\", \"checks\": [{\"checkId\": \"probe:caps/no-cap-sys-admin\","
                    + " \"title\": \"No CAP_SYS_ADMIN\", \"countermeasures\": [\"cm:no-cap-sys-admin\"], \"status\": \"fail\","
                    + " \"observed\": \"CapEff 00000000a80425fb\", \"expected\": \"no CAP_SYS_ADMIN\", \"explanation\": \"...\","
                    + " \"since\": \"2026-11-23T11:05:02Z\", \"sinceReportId\": \"5a1e...\"}]}"))
    @APIResponse(responseCode = "304", description = "Not modified since the ETag sent in If-None-Match")
    @APIResponse(responseCode = "404", description = "No such container")
    public Response container(@Parameter(description = "container id (the server's number)") @PathParam("id") long id,
                              @Context Request request) {
        return Conditional.ok(request, json, queries.container(id));
    }

    @GET
    @Path("/{id}/history")
    @Operation(summary = "A container's status changes (first observations included), newest first")
    @APIResponse(responseCode = "200", description = "A page of transitions", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            example = """
                    {"items": [{"checkId": "probe:caps/no-cap-sys-admin", "from": "pass", "to": "fail", "observed": "CapEff ...",
                                "reportId": "5a1e...", "observedAt": "2026-11-23T11:05:00Z", "receivedAt": "2026-11-23T11:05:02Z"}],
                     "page": 1, "size": 50, "total": 1, "pages": 1}"""))
    @APIResponse(responseCode = "304", description = "Not modified since the ETag sent in If-None-Match")
    @APIResponse(responseCode = "404", description = "No such container")
    public Response history(@Parameter(description = "container id (the server's number)") @PathParam("id") long id,
                            @Parameter(description = "only this probe") @QueryParam("probe") String probe,
                            @Parameter(description = "1-based page number") @QueryParam("page") @DefaultValue("1") String page,
                            @Parameter(description = "page size, 1-200") @QueryParam("size") @DefaultValue("50") String size,
                            @Context Request request) {
        return Conditional.ok(request, json, queries.history(id, blank(probe), QueryParams.page(page), QueryParams.size(size)));
    }

    static String blank(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
