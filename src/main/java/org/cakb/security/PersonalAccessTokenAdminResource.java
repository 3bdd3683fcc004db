package org.cakb.security;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/** Admins see every person's personal access tokens (never the secrets) and revoke any of them. */
@Path("/api/v1/admin/personal-access-tokens")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
@Tag(name = "Administration")
public class PersonalAccessTokenAdminResource {

    @Inject
    PersonalAccessTokens tokens;
    @Inject
    SecurityIdentity identity;

    @GET
    @Operation(summary = "Every person's personal access tokens with owner and last use; never the secret")
    @APIResponse(responseCode = "200", description = "The tokens, newest first", content = @Content(schema = @Schema(implementation = PersonalAccessTokens.View.class, type = SchemaType.ARRAY), example = """
            [{"id": 7, "owner": "alice", "name": "nightly-export", "scope": "read", "createdAt": "2026-12-01T09:00:00Z",
             "expiresAt": "2027-03-01T00:00:00Z", "lastUsedAt": "2026-12-02T03:00:00Z", "revokedAt": null, "revokedBy": null, "usable": true}]"""))
    public List<PersonalAccessTokens.View> list() {
        return tokens.all();
    }

    @POST
    @Path("/{id}/revoke")
    @Operation(summary = "Revoke anyone's personal access token; calls with it get 401 from then on")
    @APIResponse(responseCode = "200", description = "The revoked token", content = @Content(schema = @Schema(implementation = PersonalAccessTokens.View.class), example = """
            {"id": 7, "owner": "alice", "name": "nightly-export", "scope": "read", "createdAt": "2026-12-01T09:00:00Z",
             "expiresAt": "2027-03-01T00:00:00Z", "lastUsedAt": "2026-12-02T03:00:00Z", "revokedAt": "2026-12-02T08:00:00Z",
             "revokedBy": "admin", "usable": false}"""))
    public PersonalAccessTokens.View revoke(@Parameter(description = "token id") @PathParam("id") long id) {
        return tokens.revokeAny(id, identity.getPrincipal().getName());
    }
}
