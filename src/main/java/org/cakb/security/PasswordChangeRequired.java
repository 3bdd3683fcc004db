package org.cakb.security;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import org.cakb.common.ApiError;

import java.net.URI;
import java.util.Set;

/**
 * After an admin's password reset, the account can do one thing: choose a new password. Pages lead to the change
 * page; the API answers 403 except for the change itself.
 */
@Provider
public class PasswordChangeRequired implements ContainerRequestFilter {

    static final Set<String> ALLOWED = Set.of("/account/password", "/logout", "/login", "/api/v1/account/password");

    @Inject
    SecurityIdentity identity;

    @Override
    public void filter(ContainerRequestContext request) {
        if (identity.isAnonymous() || !Boolean.TRUE.equals(identity.getAttribute(SessionGuard.MUST_CHANGE_PASSWORD))) {
            return;
        }
        String path = "/" + request.getUriInfo().getPath().replaceFirst("^/", "");
        if (ALLOWED.contains(path) || path.startsWith("/static/") || path.startsWith("/q/")) {
            return;
        }
        if (path.startsWith("/api/")) {
            request.abortWith(Response.status(403).type(MediaType.APPLICATION_JSON_TYPE).entity(new ApiError(403, "Forbidden",
                    "Your password was reset by an admin: change it first (PUT /api/v1/account/password)", null)).build());
        } else {
            request.abortWith(Response.seeOther(URI.create("/account/password?required=1")).build());
        }
    }
}
