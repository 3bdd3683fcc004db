package org.cakb.fleet;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.cakb.common.ApiException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Duration;
import java.util.List;
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

    public record HostRequest(String name, String description, Map<String, String> labels) {
    }

    public record TokenRequest(Integer lifetimeHours) {
    }

    @POST
    @RolesAllowed("admin")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Register a host or host group")
    public Response register(HostRequest request) {
        if (request == null) {
            throw ApiException.badRequest("body must be {\"name\": \"...\", \"description\": \"...\", \"labels\": {}}");
        }
        FleetHost host = enrollment.register(request.name(), request.description(), request.labels(), user());
        return Response.status(Response.Status.CREATED).entity(queries.host(host.id)).build();
    }

    @GET
    @RolesAllowed({"viewer", "assessor", "admin", "api-read"})
    @Operation(summary = "Every host with last seen, agent version, vantage and pass/fail counts of its latest report")
    public List<FleetQueries.HostSummary> list() {
        return queries.hosts();
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({"viewer", "assessor", "admin", "api-read"})
    @Operation(summary = "One host with the results of its latest report")
    public FleetQueries.HostDetail get(@PathParam("id") long id) {
        return queries.host(id);
    }

    @GET
    @Path("/{id}/reports/{reportId}")
    @RolesAllowed({"viewer", "assessor", "admin", "api-read"})
    @Operation(summary = "The raw report an agent submitted, as stored (the relevant evidence of OSCAL test observations)")
    @APIResponse(responseCode = "200", description = "The report payload (JSON) exactly as stored",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, example = """
                    {"reportId": "0b7e3c9e-5d1f-4f43-9a0e-8c1d2e3f4a5b", "agent": "cakb-agent", "agentVersion": "0.1.0",
                     "startedAt": "2026-11-23T10:00:00Z", "finishedAt": "2026-11-23T10:00:02Z",
                     "results": [{"id": "probe:caps/no-cap-sys-admin", "verifies": ["cm:no-cap-sys-admin"], "status": "pass"}]}"""))
    @APIResponse(responseCode = "404", description = "No such report for this host")
    public Response report(@PathParam("id") long id, @PathParam("reportId") String reportId) {
        return Response.ok(queries.rawReport(id, reportId), MediaType.APPLICATION_JSON).build();
    }

    @POST
    @Path("/{id}/enrollment-tokens")
    @RolesAllowed("admin")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Issue a one-time enrollment token (shown once; default lifetime 24 h, at most 7 days)")
    public Response issueToken(@PathParam("id") long id, TokenRequest request) {
        int hours = request == null || request.lifetimeHours() == null ? 24 : request.lifetimeHours();
        EnrollmentService.IssuedToken token = enrollment.issueToken(id, Duration.ofHours(hours), user());
        return Response.status(Response.Status.CREATED).entity(token).build();
    }

    @POST
    @Path("/{id}/revoke")
    @RolesAllowed("admin")
    @Operation(summary = "Revoke every credential of the host; its agent's reports are refused with 401 from then on")
    public Map<String, Integer> revoke(@PathParam("id") long id) {
        return Map.of("revoked", enrollment.revokeCredentials(id, user()));
    }

    private String user() {
        return identity.getPrincipal().getName();
    }
}
