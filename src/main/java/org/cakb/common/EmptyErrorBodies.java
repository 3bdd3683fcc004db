package org.cakb.common;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

/**
 * Errors that arrive without a body (e.g. the CSRF filter refusing a form whose token is missing or forged) get one:
 * JSON with a message on the API, a short HTML page on pages.
 */
@Provider
public class EmptyErrorBodies implements ContainerResponseFilter {

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        int status = response.getStatus();
        if (status < 400 || response.hasEntity()) {
            return;
        }
        String message = switch (status) {
            case 400 -> "The request could not be accepted: a parameter or form field is malformed, or the form's security"
                    + " token (CSRF) is missing, expired or invalid; reload the page and try again";
            case 401 -> "Sign in to continue";
            case 403 -> "You may not do this";
            case 404 -> "No such resource";
            case 405 -> "This method is not allowed here";
            case 413 -> "The request body is too large";
            case 415 -> "This content type is not accepted here";
            default -> {
                Response.Status known = Response.Status.fromStatusCode(status);
                yield known == null ? "The request failed" : known.getReasonPhrase();
            }
        };
        String path = request.getUriInfo().getPath();
        if (path.startsWith("/api/") || path.startsWith("/q/")) {
            response.setEntity(new ApiError(status, reason(status), message, null), null, MediaType.APPLICATION_JSON_TYPE);
        } else {
            response.setEntity(DatabaseUnavailable.html(status, message), null, MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"));
        }
    }

    private static String reason(int status) {
        Response.Status known = Response.Status.fromStatusCode(status);
        return known == null ? "Error" : known.getReasonPhrase();
    }
}
