package org.cakb.common;

import jakarta.ws.rs.core.Response;

import java.util.List;

/** An error with an HTTP status and a message a person can act on. */
public class ApiException extends RuntimeException {

    public static final int UNPROCESSABLE = 422;

    public final int status;
    public final List<String> details;

    public ApiException(Response.Status status, String message) {
        this(status.getStatusCode(), message, null);
    }

    public ApiException(Response.Status status, String message, List<String> details) {
        this(status.getStatusCode(), message, details);
    }

    public ApiException(int status, String message, List<String> details) {
        super(message);
        this.status = status;
        this.details = details;
    }

    public static ApiException notFound(String message) {
        return new ApiException(Response.Status.NOT_FOUND, message);
    }

    public static ApiException badRequest(String message) {
        return new ApiException(Response.Status.BAD_REQUEST, message);
    }

    public static ApiException unprocessable(String message) {
        return new ApiException(UNPROCESSABLE, message, null);
    }
}
