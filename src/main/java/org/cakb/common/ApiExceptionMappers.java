package org.cakb.common;

import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns exceptions into JSON error bodies with the right status; never leaks a stack trace. */
public class ApiExceptionMappers {

    private static final Logger LOG = Logger.getLogger(ApiExceptionMappers.class);

    /** Every domain failure (and the HTTP layer's own {@link ApiException}) becomes a JSON error body. */
    @ServerExceptionMapper
    public Response domainException(DomainException e) {
        int status = ErrorStatus.of(e);
        Object body = e.body();
        if (body != null) {
            return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
        }
        return json(status, e.getMessage(), e.details);
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return json(404, "No such resource", null);
    }

    @ServerExceptionMapper
    public Response notAllowed(NotAllowedException e, io.vertx.core.http.HttpServerRequest request) {
        boolean page = request != null && !request.path().startsWith("/api/") && !request.path().startsWith("/q/");
        return DatabaseUnavailable.respond(405, "This method is not allowed here", page).build();
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, io.vertx.core.http.HttpServerRequest request) {
        int status = e.getResponse().getStatus();
        boolean page = request != null && !request.path().startsWith("/api/") && !request.path().startsWith("/q/");
        if (status >= 500) {
            LOG.error("request failed", e);
            return DatabaseUnavailable.respond(status, "The server could not complete the request", page).build();
        }
        String message = e.getMessage() == null ? Response.Status.fromStatusCode(status).getReasonPhrase() : e.getMessage();
        if (message.startsWith("HTTP " + status)) {
            // the framework's own text ("HTTP 400 Bad Request"): say what it usually means
            message = switch (status) {
                case 400 -> "A parameter or form field has the wrong type or format (numbers must be whole numbers)";
                case 413 -> "The request body or a form field is too large";
                default -> message.substring(9);
            };
        }
        return DatabaseUnavailable.respond(status, message, page).build();
    }

    public static Response json(int status, String message, java.util.List<String> details) {
        Response.Status known = Response.Status.fromStatusCode(status);
        String reason = known == null ? "Error" : known.getReasonPhrase();
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError(status, reason, message, details)).build();
    }
}
