package org.cakb.export;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Context;
import org.cakb.common.StableUuid;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Standard exports for GRC tools. */
@Path("/api/v1/oscal")
@Tag(name = "Export", description = "OSCAL and CSV exports for GRC tools")
public class ExportResource {

    @Inject
    OscalCatalog catalog;

    @GET
    @Path("/catalog")
    @Produces("application/oscal.catalog+json")
    @Operation(summary = "The knowledge base as a NIST OSCAL 1.0.6 catalog",
            description = "Groups per NISTIR 8176 area and SP 800-190 §4 section, a control per requirement with its provenance "
                    + "as a namespaced prop, countermeasures with recommendations, platform defaults and probes as guidance parts, "
                    + "sources in back-matter. Supports If-None-Match.")
    public Response catalog(@Context Request request) {
        String document = catalog.document();
        EntityTag etag = new EntityTag(StableUuid.of(document).toString());
        Response.ResponseBuilder notModified = request.evaluatePreconditions(etag);
        if (notModified != null) {
            return notModified.build();
        }
        return Response.ok(document).tag(etag).type("application/oscal.catalog+json").build();
    }
}
