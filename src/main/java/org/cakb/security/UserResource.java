package org.cakb.security;


import io.vertx.ext.web.RoutingContext;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.cakb.security.AccessPolicy.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/** Accounts (admin only, per {@link AccessPolicy}), and the own password. Passwords are stored as bcrypt hashes. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Guarded
@Tag(name = "Accounts")
public class UserResource {

    /** An empty JSON object: the body of a write that needs no fields (API writes always carry JSON, see ApiRequestHygiene). */
    public record Empty() {
    }

    @Inject
    Accounts accounts;
    @Inject
    Access access;
    @Inject
    AccountPasswords passwords;
    @Inject
    RoutingContext routingContext;

    @GET
    @Path("/users")
    @Policy(Operation.LIST_USERS)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Every user with their roles and state (admin)")
    @APIResponse(responseCode = "200", description = "The users", content = @Content(schema = @Schema(implementation = AccountViews.UserView.class, type = SchemaType.ARRAY), example = AccountViews.USERS_EXAMPLE))
    public List<AccountViews.UserView> list() {
        return accounts.users();
    }

    @POST
    @Path("/users")
    @Policy(Operation.CREATE_USER)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Create a user (admin)")
    @APIResponse(responseCode = "201", description = "The new user", content = @Content(schema = @Schema(implementation = AccountViews.UserView.class), example = AccountViews.USER_EXAMPLE))
    public Response create(AccountViews.NewUser body) {
        return Response.status(201).entity(accounts.createUser(body)).build();
    }

    @PUT
    @Path("/users/{userId}/roles")
    @Policy(Operation.CHANGE_ROLES)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Replace a user's roles (admin; the last enabled admin keeps the admin role)")
    @APIResponse(responseCode = "200", description = "The user", content = @Content(schema = @Schema(implementation = AccountViews.UserView.class), example = AccountViews.USER_EXAMPLE))
    public AccountViews.UserView roles(@Parameter(description = "user id") @PathParam("userId") long userId, AccountViews.RoleChange body) {
        return accounts.setRoles(userId, body, access.username());
    }

    @POST
    @Path("/users/{userId}/disable")
    @Policy(Operation.DISABLE_USER)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Disable a user: sign-ins are refused and their sessions end at once (admin; body {})")
    @APIResponse(responseCode = "200", description = "The user", content = @Content(schema = @Schema(implementation = AccountViews.UserView.class), example = AccountViews.DISABLED_USER_EXAMPLE))
    public AccountViews.UserView disable(@Parameter(description = "user id") @PathParam("userId") long userId, Empty body) {
        return accounts.disable(userId, access.username());
    }

    @POST
    @Path("/users/{userId}/enable")
    @Policy(Operation.DISABLE_USER)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Enable a disabled user again (admin; body {})")
    @APIResponse(responseCode = "200", description = "The user", content = @Content(schema = @Schema(implementation = AccountViews.UserView.class), example = AccountViews.USER_EXAMPLE))
    public AccountViews.UserView enable(@Parameter(description = "user id") @PathParam("userId") long userId, Empty body) {
        return accounts.enable(userId, access.username());
    }

    @POST
    @Path("/users/{userId}/password-reset")
    @Policy(Operation.RESET_PASSWORD)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Set a temporary password that must be changed at the next sign-in; ends the user's sessions (admin)")
    @APIResponse(responseCode = "200", description = "The user", content = @Content(schema = @Schema(implementation = AccountViews.UserView.class), example = """
            {"id": 5, "username": "alice", "roles": ["assessor"], "createdAt": "2026-11-01T09:00:00Z", "disabled": false,
             "mustChangePassword": true}"""))
    public AccountViews.UserView resetPassword(@Parameter(description = "user id") @PathParam("userId") long userId, AccountViews.PasswordReset body) {
        return accounts.resetPassword(userId, body, access.username());
    }

    @PUT
    @Path("/account/password")
    @Policy(Operation.CHANGE_OWN_PASSWORD)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Change your own password (the current one is required); your other sessions end")
    @APIResponse(responseCode = "200", description = "Changed", content = @Content(example = """
            {"changed": true}"""))
    public java.util.Map<String, Boolean> changePassword(AccountViews.PasswordChange body) {
        passwords.change(access.username(), body, routingContext);
        return java.util.Map.of("changed", true);
    }
}
