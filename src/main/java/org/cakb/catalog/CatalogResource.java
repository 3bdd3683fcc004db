package org.cakb.catalog;

import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.cakb.common.StableUuid;
import org.cakb.common.ApiError;
import org.cakb.common.ApiException;
import org.cakb.common.PageOf;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The read API over the knowledge base: one collection per record kind. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Knowledge base", description = "Sources, requirements, threats, countermeasures, recommendations, platforms, platform defaults and probes")
public class CatalogResource {

    private static final String KINDS = "sources|requirements|threats|countermeasures|recommendations|platforms|platform-defaults|probes";
    private static final Set<String> COMMON_PARAMS = Set.of("page", "size", "status", "provenance");


    @Inject
    CatalogService catalog;

    @GET
    @Path("/{kind: " + KINDS + "}")
    @Operation(summary = "List records of one kind",
            description = "Paginated (page is 1-based, size ≤ 200), ordered by id. Filters: status (active | withdrawn | all), "
                    + "provenance (quoted | paraphrased | derived), and per kind — requirements: area, category, document; "
                    + "threats: category, technique, countermeasure; countermeasures: layer, technical, requirement; "
                    + "recommendations: scope, platform, countermeasure; platforms: lifecycle; platform-defaults: platform, "
                    + "countermeasure, state, evidence; probes: countermeasure, vantage; sources: document-type. "
                    + "updated-since (ISO-8601) returns records changed at or after that time, withdrawn ones included with status=all. "
                    + "Responses carry an ETag; send If-None-Match to get 304 when nothing changed. "
                    + "Unknown parameters or values are rejected with 400.")
    @APIResponse(responseCode = "200", description = "A page of records with their links in both directions",
            content = @Content(schema = @Schema(implementation = PageOf.class), example = """
            {"items": [{"id": "threat:container-to-host-escape", "kind": "threat", "title": "Container escape to the host",
                        "provenance": "derived", "status": "active", "attributes": {"category": "runtime"},
                        "links": {"outgoing": [{"relation": "mitigated-by", "id": "cm:no-cap-sys-admin", "kind": "countermeasure",
                                                "title": "Drop CAP_SYS_ADMIN", "status": "active"}], "incoming": []}}],
             "page": 1, "size": 50, "total": 1, "pages": 1}"""))
    @APIResponse(responseCode = "304", description = "Not modified since the ETag sent in If-None-Match")
    @APIResponse(responseCode = "400", description = "Bad query parameter",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Response list(
            @Parameter(description = "Record kind", schema = @Schema(type = SchemaType.STRING,
                    enumeration = {"sources", "requirements", "threats", "countermeasures", "recommendations", "platforms",
                            "platform-defaults", "probes"}))
            @PathParam("kind") String kind,
            @Parameter(description = "1-based page number") @QueryParam("page") @DefaultValue("1") String page,
            @Parameter(description = "page size, 1-200") @QueryParam("size") @DefaultValue("50") String size,
            @Parameter(description = "active (default) | withdrawn | all") @QueryParam("status") @DefaultValue("active") String status,
            @Parameter(description = "quoted | paraphrased | derived") @QueryParam("provenance") String provenance,
            @Context UriInfo uri, @Context Request request) {
        EntityTag etag = etag(uri);
        Response.ResponseBuilder notModified = request.evaluatePreconditions(etag);
        if (notModified != null) {
            return notModified.build();
        }
        Map<String, String> filters = new LinkedHashMap<>();
        uri.getQueryParameters().forEach((name, values) -> {
            if (!COMMON_PARAMS.contains(name)) {
                if (values.size() > 1) {
                    throw ApiException.badRequest("query parameter '" + name + "' may be given only once");
                }
                filters.put(name, values.get(0));
            }
        });
        return Response.ok(catalog.list(kind(kind), filters, provenance, status, integer("page", page), integer("size", size)))
                .tag(etag).build();
    }

    @GET
    @Path("/{kind: " + KINDS + "}/{id: .+}")
    @Operation(summary = "One record with its citations, links in both directions and traceability neighbourhood")
    @APIResponse(responseCode = "200", description = "The record",
            content = @Content(schema = @Schema(implementation = RecordViews.Detail.class), example = """
            {"id": "threat:container-to-host-escape", "kind": "threat", "title": "Container escape to the host",
             "body": "A process in a container gains control of the host...", "provenance": "derived", "status": "active",
             "attributes": {"category": "runtime"},
             "citations": [{"source": "src:nist-sp-800-190", "sourceTitle": "NIST SP 800-190", "url": "https://doi.org/10.6028/NIST.SP.800-190",
                            "locator": "3.4.4", "note": "container breakout"}],
             "links": {"outgoing": [{"relation": "mitigated-by", "id": "cm:no-cap-sys-admin", "kind": "countermeasure",
                                     "title": "Drop CAP_SYS_ADMIN", "status": "active"}], "incoming": []},
             "trace": {"countermeasures": [{"id": "cm:no-cap-sys-admin", "kind": "countermeasure", "title": "Drop CAP_SYS_ADMIN",
                                            "status": "active", "provenance": "derived"}]},
             "sourceFile": "threats/container-to-host-escape.yaml", "updatedAt": "2026-11-20T09:00:00Z"}"""))
    @APIResponse(responseCode = "404", description = "No record of that kind with that id",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Response get(@Parameter(description = "record kind, e.g. threats") @PathParam("kind") String kind,
                        @Parameter(description = "record id, e.g. threat:container-to-host-escape") @PathParam("id") String id,
                        @Context UriInfo uri, @Context Request request) {
        EntityTag etag = etag(uri);
        Response.ResponseBuilder notModified = request.evaluatePreconditions(etag);
        if (notModified != null) {
            return notModified.build();
        }
        return Response.ok(catalog.get(kind(kind), id)).tag(etag).build();
    }

    /** Weak validator: the knowledge base only changes through content loads, so its version plus the URL identify a response. */
    private EntityTag etag(UriInfo uri) {
        return new EntityTag(StableUuid.of(catalog.contentVersion() + " " + uri.getRequestUri()).toString(), true);
    }

    private static RecordKind kind(String plural) {
        return RecordKind.fromPlural(plural).orElseThrow(() -> ApiException.notFound("unknown collection " + plural));
    }

    private static int integer(String name, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("query parameter '" + name + "' must be a whole number, got '" + value + "'");
        }
    }

    static List<String> kinds() {
        return List.of(KINDS.split("\\|"));
    }
}
