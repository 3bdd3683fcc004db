package org.cakb.fleet;

import org.cakb.security.Roles;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.cakb.common.ApiException;
import org.cakb.common.Conditional;
import org.cakb.common.PageOf;
import org.cakb.common.QueryParams;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Duration;
import java.util.Map;

/** Hosts for people: admins register hosts, issue enrollment tokens and revoke credentials; everyone signed in reads. */
@Path("/api/v1/hosts")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Fleet", description = "Hosts, enrollment and probe results")
public class HostResource {

    @Inject
    EnrollmentService enrollment;
    @Inject
    FleetQueries queries;
    @Inject
    SecurityIdentity identity;
    @Inject
    ObjectMapper json;
    @Inject
    ContainerQueries containers;

    public record HostRequest(String name, String description, Map<String, String> labels) {
    }

    public record TokenRequest(Integer lifetimeHours) {
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Register a host or host group")
    @APIResponse(responseCode = "201", description = "The new host", content = @Content(example = """
            {"host": {"id": 3, "name": "node-eu-1", "description": "worker", "labels": {"env": "prod"}, "enrolled": false}, "results": []}"""))
    public Response register(HostRequest request) {
        if (request == null) {
            throw ApiException.badRequest("body must be {\"name\": \"...\", \"description\": \"...\", \"labels\": {}}");
        }
        FleetHost host = enrollment.register(request.name(), request.description(), request.labels(), user());
        return Response.status(Response.Status.CREATED).entity(queries.host(host.id)).build();
    }

    @GET
    @RolesAllowed({Roles.VIEWER, Roles.ASSESSOR, Roles.ADMIN, Roles.API_READ})
    @Operation(summary = "Hosts, one page at a time, by id, with last seen, agent version, vantage and counts of their latest report",
            description = "page is 1-based, size 1-200 (default 50), ordered by id so pages stay put when hosts are added. "
                    + "updated-since (ISO 8601 instant) keeps hosts registered, or whose latest report was received, at or after it. "
                    + "Responses carry an ETag; send If-None-Match to get 304 when nothing changed.")
    @APIResponse(responseCode = "200", description = "A page of hosts", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = PageOf.class), example = """
            {"items": [{"id": 3, "name": "node-eu-1", "description": "worker", "labels": {"env": "prod"},
                        "lastSeenAt": "2026-11-23T10:00:02Z", "agentVersion": "0.1.0", "vantage": "host", "runtime": "docker",
                        "kernel": "6.1.0-27-amd64", "latestReport": "0b7e3c9e-5d1f-4f43-9a0e-8c1d2e3f4a5b",
                        "passed": 41, "failed": 3, "notApplicable": 5, "errors": 0, "enrolled": true}],
             "page": 1, "size": 50, "total": 1, "pages": 1}"""))
    @APIResponse(responseCode = "304", description = "Not modified since the ETag sent in If-None-Match")
    @APIResponse(responseCode = "400", description = "Bad page, size or updated-since (the message names the parameter)")
    public Response list(@Parameter(description = "ISO 8601 instant with offset, e.g. 2026-11-01T00:00:00Z")
                         @QueryParam("updated-since") String updatedSince,
                         @Parameter(description = "1-based page number") @QueryParam("page") @DefaultValue("1") String page,
                         @Parameter(description = "page size, 1-200") @QueryParam("size") @DefaultValue("50") String size,
                         @Context Request request) {
        PageOf<FleetQueries.HostSummary> hosts = queries.page(QueryParams.instant("updated-since", updatedSince),
                QueryParams.page(page), QueryParams.size(size));
        return Conditional.ok(request, json, hosts);
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.VIEWER, Roles.ASSESSOR, Roles.ADMIN, Roles.API_READ})
    @Operation(summary = "One host with the results of its latest report",
            description = "Responses carry an ETag; send If-None-Match to get 304 when nothing changed.")
    @APIResponse(responseCode = "200", description = "The host and its latest results", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = FleetQueries.HostDetail.class), example = """
            {"host": {"id": 3, "name": "node-eu-1", "description": "worker", "labels": {"env": "prod"},
                      "lastSeenAt": "2026-11-23T10:00:02Z", "agentVersion": "0.1.0", "vantage": "host", "runtime": "docker",
                      "kernel": "6.1.0-27-amd64", "latestReport": "0b7e3c9e-5d1f-4f43-9a0e-8c1d2e3f4a5b",
                      "passed": 41, "failed": 3, "notApplicable": 5, "errors": 0, "enrolled": true},
             "results": [{"checkId": "probe:caps/no-cap-sys-admin", "countermeasures": ["cm:no-cap-sys-admin"], "status": "pass",
                          "observed": "CapEff without CAP_SYS_ADMIN", "expected": "no CAP_SYS_ADMIN", "explanation": "..."}]}"""))
    @APIResponse(responseCode = "304", description = "Not modified since the ETag sent in If-None-Match")
    @APIResponse(responseCode = "404", description = "No such host")
    public Response get(@Parameter(description = "host id") @PathParam("id") long id, @Context Request request) {
        return Conditional.ok(request, json, queries.host(id));
    }

    @GET
    @Path("/{id}/containers")
    @RolesAllowed({Roles.VIEWER, Roles.ASSESSOR, Roles.ADMIN, Roles.API_READ})
    @Operation(summary = "The containers of a host, failing first, with their status counts",
            description = "page is 1-based, size 1-200 (default 50). gone=true also lists containers a later full report no "
                    + "longer had. updated-since keeps containers whose state changed at or after it. ETag / If-None-Match.")
    @APIResponse(responseCode = "200", description = "A page of containers", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            example = "{\"items\": [" + ContainerResource.CONTAINER_EXAMPLE + "], \"page\": 1, \"size\": 50, \"total\": 1, \"pages\": 1}"))
    @APIResponse(responseCode = "304", description = "Not modified since the ETag sent in If-None-Match")
    @APIResponse(responseCode = "400", description = "Bad page, size or updated-since")
    @APIResponse(responseCode = "404", description = "No such host")
    public Response ofHost(@Parameter(description = "host id") @PathParam("id") long id,
                           @Parameter(description = "true to include containers that are gone") @QueryParam("gone") @DefaultValue("false") boolean gone,
                           @Parameter(description = "ISO 8601 instant with offset, e.g. 2026-11-01T00:00:00Z")
                           @QueryParam("updated-since") String updatedSince,
                           @Parameter(description = "1-based page number") @QueryParam("page") @DefaultValue("1") String page,
                           @Parameter(description = "page size, 1-200") @QueryParam("size") @DefaultValue("50") String size,
                           @Context Request request) {
        return Conditional.ok(request, json, containers.ofHost(id, gone, QueryParams.instant("updated-since", updatedSince),
                QueryParams.page(page), QueryParams.size(size)));
    }

    @GET
    @Path("/{id}/reports/{reportId}")
    @RolesAllowed({Roles.VIEWER, Roles.ASSESSOR, Roles.ADMIN, Roles.API_READ})
    @Operation(summary = "The raw report an agent submitted, as stored (the relevant evidence of OSCAL test observations)")
    @APIResponse(responseCode = "200", description = "The report payload (JSON) exactly as stored",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, example = """
                    {"reportId": "0b7e3c9e-5d1f-4f43-9a0e-8c1d2e3f4a5b", "agent": "cakb-agent", "agentVersion": "0.1.0",
                     "startedAt": "2026-11-23T10:00:00Z", "finishedAt": "2026-11-23T10:00:02Z",
                     "results": [{"id": "probe:caps/no-cap-sys-admin", "verifies": ["cm:no-cap-sys-admin"], "status": "pass"}]}"""))
    @APIResponse(responseCode = "404", description = "No such report for this host")
    public Response report(@Parameter(description = "host id") @PathParam("id") long id, @Parameter(description = "report UUID") @PathParam("reportId") String reportId) {
        return Response.ok(queries.rawReport(id, reportId), MediaType.APPLICATION_JSON).build();
    }

    @POST
    @Path("/{id}/enrollment-tokens")
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Issue a one-time enrollment token (shown once; default lifetime 24 h, at most 7 days)")
    @APIResponse(responseCode = "201", description = "The token (shown once)", content = @Content(example = """
            {"hostId": 3, "hostName": "node-eu-1", "token": "cakb_enroll_...", "expiresAt": "2026-11-24T10:00:00Z"}"""))
    public Response issueToken(@Parameter(description = "host id") @PathParam("id") long id, TokenRequest request) {
        int hours = request == null || request.lifetimeHours() == null ? 24 : request.lifetimeHours();
        EnrollmentService.IssuedToken token = enrollment.issueToken(id, Duration.ofHours(hours), user());
        return Response.status(Response.Status.CREATED).entity(token).build();
    }

    @POST
    @Path("/{id}/revoke")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Revoke every credential of the host; its agent's reports are refused with 401 from then on")
    @APIResponse(responseCode = "200", description = "How many credentials were revoked", content = @Content(example = """
            {"revoked": 1}"""))
    public Map<String, Integer> revoke(@Parameter(description = "host id") @PathParam("id") long id) {
        return Map.of("revoked", enrollment.revokeCredentials(id, user()));
    }

    private String user() {
        return identity.getPrincipal().getName();
    }
}
