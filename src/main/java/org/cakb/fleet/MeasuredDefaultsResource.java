package org.cakb.fleet;

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
    @RolesAllowed("admin")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Import measured defaults (one bin/measure-defaults record or an array); idempotent by measurementId")
    public Response importMeasurements(byte[] body) {
        MeasuredDefaults.ImportResult result = measured.importMeasurements(body, identity.getPrincipal().getName());
        return Response.status(result.imported() > 0 ? Response.Status.CREATED : Response.Status.OK).entity(result).build();
    }

    @GET
    @Path("/measured-defaults")
    @RolesAllowed({"viewer", "assessor", "admin"})
    @Operation(summary = "Every imported measurement (newest first), with per-countermeasure states; ?latest=true: newest per runtime")
    public List<MeasuredDefaults.MeasuredRun> list(@QueryParam("runtime") String runtime, @QueryParam("latest") boolean latest) {
        return latest ? measured.latestPerRuntime() : measured.list(runtime);
    }
}
