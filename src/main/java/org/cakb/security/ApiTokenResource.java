package org.cakb.security;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.OffsetDateTime;
import java.util.List;

/** Admins manage read-only API tokens for GRC tools. */
@Path("/api/v1/admin/api-tokens")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
@Tag(name = "Administration")
public class ApiTokenResource {

    @Inject
    ApiTokens tokens;
    @Inject
    SecurityIdentity identity;

    public record CreateRequest(String name, OffsetDateTime expiresAt) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a read-only API token; the secret is in this response only")
    @APIResponse(responseCode = "201", description = "The token with its secret (shown once)", content = @Content(schema = @Schema(implementation = ApiTokens.Created.class), example = """
            {"id": 4, "name": "grc-export", "scope": "api-read", "token": "cakb_api_...", "expiresAt": "2027-06-30T00:00:00Z"}"""))
    public Response create(CreateRequest request) {
        ApiTokens.Created created = tokens.create(request == null ? null : request.name(), request == null ? null : request.expiresAt(),
                identity.getPrincipal().getName());
        return Response.status(Response.Status.CREATED).entity(created).build();
    }

    @GET
    @Operation(summary = "Every API token with its last use; never the secret")
    @APIResponse(responseCode = "200", description = "The tokens", content = @Content(schema = @Schema(implementation = ApiTokens.View.class, type = SchemaType.ARRAY), example = """
            [{"id": 4, "name": "grc-export", "scope": "api-read", "createdAt": "2026-11-23T09:00:00Z", "createdBy": "admin",
             "expiresAt": "2027-06-30T00:00:00Z", "lastUsedAt": "2026-11-23T10:00:00Z", "revokedAt": null, "usable": true}]"""))
    public List<ApiTokens.View> list() {
        return tokens.list();
    }

    @POST
    @Path("/{id}/rotate")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Rotate a token: a new secret under the same name with the full lifetime; the old secret is revoked (body {})")
    @APIResponse(responseCode = "201", description = "The new token with its secret (shown once)", content = @Content(schema = @Schema(implementation = ApiTokens.Created.class), example = """
            {"id": 9, "name": "grc-export", "scope": "read", "token": "cakb_api_...", "expiresAt": "2027-03-01T00:00:00Z"}"""))
    public Response rotate(@Parameter(description = "token id") @PathParam("id") long id, UserResource.Empty body) {
        return Response.status(Response.Status.CREATED).entity(tokens.rotate(id, identity.getPrincipal().getName())).build();
    }

    @POST
    @Path("/{id}/revoke")
    @Operation(summary = "Revoke a token; requests with it get 401 from then on")
    @APIResponse(responseCode = "200", description = "The revoked token", content = @Content(schema = @Schema(implementation = ApiTokens.View.class), example = """
            {"id": 4, "name": "grc-export", "scope": "api-read", "createdAt": "2026-11-23T09:00:00Z", "createdBy": "admin",
             "expiresAt": "2027-06-30T00:00:00Z", "lastUsedAt": "2026-11-23T10:00:00Z", "revokedAt": "2026-11-24T08:00:00Z", "usable": false}"""))
    public ApiTokens.View revoke(@Parameter(description = "token id") @PathParam("id") long id) {
        return tokens.revoke(id, identity.getPrincipal().getName());
    }
}
