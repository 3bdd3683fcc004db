package org.cakb.security;

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
import org.cakb.common.DomainException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * A person's own personal access tokens. Creating one needs the password (HTTP Basic), never another token, so a
 * leaked token cannot mint more; listing and revoking work with either.
 */
@Path("/api/v1/me/tokens")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.VIEWER, Roles.ASSESSOR, Roles.ADMIN})
@Tag(name = "Personal access tokens")
public class PersonalAccessTokenResource {

    @Inject
    PersonalAccessTokens tokens;
    @Inject
    SecurityIdentity identity;

    public record CreateRequest(String name, String scope, OffsetDateTime expiresAt) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a personal access token for yourself (sign in with your password); the secret is in this response only",
            description = "Send it as `Authorization: Bearer cakb_pat_...`. It acts with your roles at the time of each call "
                    + "(scope `role`) or with viewer rights only (scope `read`). `expiresAt` is required, at most "
                    + "`cakb.personal-tokens.max-lifetime` (default 366 days) ahead. HTTP Basic stays available but runs "
                    + "bcrypt on every call (about a third of a second, by design).")
    @APIResponse(responseCode = "201", description = "The token with its secret (shown once)", content = @Content(schema = @Schema(implementation = PersonalAccessTokens.Created.class), example = """
            {"id": 7, "name": "nightly-export", "scope": "read", "token": "cakb_pat_...", "expiresAt": "2027-03-01T00:00:00Z"}"""))
    public Response create(CreateRequest request) {
        if (PersonalAccessTokens.CREDENTIAL.equals(identity.getAttribute(PersonalAccessTokens.CREDENTIAL_ATTRIBUTE))) {
            throw DomainException.forbidden("create personal access tokens with your password (HTTP Basic), not with another token");
        }
        PersonalAccessTokens.Created created = tokens.create(identity.getPrincipal().getName(),
                request == null ? null : request.name(), request == null ? null : request.scope(),
                request == null ? null : request.expiresAt());
        return Response.status(Response.Status.CREATED).entity(created).build();
    }

    @GET
    @Operation(summary = "Your personal access tokens with their last use, newest first; never the secret")
    @APIResponse(responseCode = "200", description = "Your tokens", content = @Content(schema = @Schema(implementation = PersonalAccessTokens.View.class, type = SchemaType.ARRAY), example = """
            [{"id": 7, "owner": "alice", "name": "nightly-export", "scope": "read", "createdAt": "2026-12-01T09:00:00Z",
             "expiresAt": "2027-03-01T00:00:00Z", "lastUsedAt": "2026-12-02T03:00:00Z", "revokedAt": null, "revokedBy": null, "usable": true}]"""))
    public List<PersonalAccessTokens.View> list() {
        return tokens.mine(identity.getPrincipal().getName());
    }

    @POST
    @Path("/{id}/revoke")
    @Operation(summary = "Revoke one of your personal access tokens; calls with it get 401 from then on")
    @APIResponse(responseCode = "200", description = "The revoked token", content = @Content(schema = @Schema(implementation = PersonalAccessTokens.View.class), example = """
            {"id": 7, "owner": "alice", "name": "nightly-export", "scope": "read", "createdAt": "2026-12-01T09:00:00Z",
             "expiresAt": "2027-03-01T00:00:00Z", "lastUsedAt": "2026-12-02T03:00:00Z", "revokedAt": "2026-12-02T08:00:00Z",
             "revokedBy": "alice", "usable": false}"""))
    public PersonalAccessTokens.View revoke(@Parameter(description = "token id (one of yours)") @PathParam("id") long id) {
        return tokens.revokeOwn(identity.getPrincipal().getName(), id);
    }
}
