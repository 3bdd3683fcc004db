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
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Standard exports for GRC tools. */
@Path("/api/v1/oscal")
@Tag(name = "Export", description = "OSCAL and CSV exports for GRC tools")
public class ExportResource {

    @Inject
    OscalCatalog catalog;
    @Inject
    OscalControlMappings mappings;

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

    @GET
    @Path("/profile")
    @Produces("application/oscal.profile+json")
    @Operation(summary = "The SP 800-53 Rev. 5 mappings as an OSCAL 1.0.6 profile",
            description = "OSCAL 1.0.6 has no mapping-collection, so the mappings come as a profile: it imports NIST's SP 800-53 "
                    + "Rev. 5 OSCAL catalog, selects the controls this knowledge base maps to, and adds to each one prop "
                    + "'kb-mapped-from' per mapping row (value: record id; class: supports | equivalent | subset-of; remarks: basis "
                    + "disa-srg, sp800-190-appendix-b or kb-inference, and the source). Field reference: docs/oscal-mappings.md. "
                    + "Supports If-None-Match.")
    @APIResponse(responseCode = "200", description = "The profile", content = @Content(mediaType = "application/oscal.profile+json", example = """
            {"profile": {"uuid": "5f0e...", "metadata": {"title": "Container Assurance KB: NIST SP 800-53 Rev. 5 controls ...",
              "last-modified": "2026-12-02T07:00:00Z", "version": "5f0e1a2b", "oscal-version": "1.0.6"},
             "imports": [{"href": "https://raw.githubusercontent.com/usnistgov/oscal-content/main/nist.gov/SP800-53/rev5/json/NIST_SP-800-53_rev5_catalog.json",
               "include-controls": [{"with-ids": ["ac-3", "sc-4"]}]}],
             "merge": {"as-is": true},
             "modify": {"alters": [{"control-id": "sc-4", "adds": [{"position": "ending", "props": [{"name": "kb-mapped-from",
               "ns": "https://container-assurance-kb.invalid/ns/oscal", "value": "disa-srg:srg-app-000243-ctr-000595",
               "class": "subset-of", "remarks": "subset-of; basis: disa-srg; source: source:disa-cci-list, CCI-001090 ..."}]}]}]}}}"""))
    public Response profile(@Context Request request) {
        String document = mappings.profile();
        EntityTag etag = new EntityTag(StableUuid.of(document).toString());
        Response.ResponseBuilder notModified = request.evaluatePreconditions(etag);
        if (notModified != null) {
            return notModified.build();
        }
        return Response.ok(document).tag(etag).type("application/oscal.profile+json").build();
    }
}
