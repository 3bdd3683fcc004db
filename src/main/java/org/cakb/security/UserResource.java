package org.cakb.security;


import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.cakb.security.AccessPolicy.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/** Accounts (admin only, per {@link AccessPolicy}). Passwords are stored as bcrypt hashes. */
@Path("/api/v1/users")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Guarded
@Tag(name = "Accounts")
public class UserResource {

    @Inject
    Accounts accounts;

    @GET
    @Policy(Operation.LIST_USERS)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Every user with their roles (admin)")
    @APIResponse(responseCode = "200", description = "The users", content = @Content(schema = @Schema(implementation = AccountViews.UserView.class, type = SchemaType.ARRAY), example = AccountViews.USERS_EXAMPLE))
    public List<AccountViews.UserView> list() {
        return accounts.users();
    }

    @POST
    @Policy(Operation.CREATE_USER)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Create a user (admin)")
    @APIResponse(responseCode = "201", description = "The new user", content = @Content(schema = @Schema(implementation = AccountViews.UserView.class), example = AccountViews.USER_EXAMPLE))
    public Response create(AccountViews.NewUser body) {
        return Response.status(201).entity(accounts.createUser(body)).build();
    }
}
