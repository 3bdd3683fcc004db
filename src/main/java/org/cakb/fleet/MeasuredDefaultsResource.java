package org.cakb.fleet;

import org.cakb.security.Roles;

import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/** Measured platform defaults: admins import what bin/measure-defaults measured; everyone signed in reads them. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Measured defaults", description = "Runtime defaults as measured by the probe agent, next to the documented ones")
public class MeasuredDefaultsResource {

    @Inject
    MeasuredDefaults measured;
    @Inject
    SecurityIdentity identity;

    @POST
    @Path("/admin/measured-defaults")
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Import measured defaults (one bin/measure-defaults record or an array); idempotent by measurementId")
    @APIResponse(responseCode = "201", description = "Imported (200 when every measurement was a duplicate)", content = @Content(mediaType = MediaType.APPLICATION_JSON, example = """
            {"imported": 1, "duplicates": 0, "ids": ["m-2026-11-23-docker"]}"""))
    public Response importMeasurements(byte[] body) {
        MeasuredDefaults.ImportResult result = measured.importMeasurements(body, identity.getPrincipal().getName());
        return Response.status(result.imported() > 0 ? Response.Status.CREATED : Response.Status.OK).entity(result).build();
    }

    @GET
    @Path("/measured-defaults")
    @RolesAllowed({Roles.VIEWER, Roles.ASSESSOR, Roles.ADMIN})
    @Operation(summary = "Every imported measurement (newest first), with per-countermeasure states; ?latest=true: newest per runtime")
    @APIResponse(responseCode = "200", description = "The measurements", content = @Content(example = """
            [{"id": "m-2026-11-23-docker", "runtime": "docker", "platform": "platform:docker", "runtimeVersion": "27.3.1",
              "kernel": "6.1.0-27-amd64", "measuredAt": "2026-11-23T08:00:00Z", "status": "ok", "agentVersion": "0.1.0",
              "importedAt": "2026-11-23T09:00:00Z", "importedBy": "admin",
              "defaults": [{"countermeasure": "cm:seccomp-filter", "state": "enabled", "checks": [{"id": "probe:seccomp/filter-mode", "status": "pass"}]}]}]"""))
    public List<MeasuredDefaults.MeasuredRun> list(@Parameter(description = "only this runtime, e.g. docker") @QueryParam("runtime") String runtime, @Parameter(description = "true: only the newest measurement per runtime") @QueryParam("latest") boolean latest) {
        return latest ? measured.latestPerRuntime() : measured.list(runtime);
    }
}
