package org.cakb.common;

import jakarta.ws.rs.core.Response;

import java.util.List;

/**
 * An error raised by the HTTP layer itself (resources, filters, query parameters) with an explicit status.
 * Services throw {@link DomainException} instead and never name a status.
 */
public class ApiException extends DomainException {

    public static final int UNPROCESSABLE = 422;

    public final int status;

    public ApiException(Response.Status status, String message) {
        this(status.getStatusCode(), message, null);
    }

    public ApiException(Response.Status status, String message, List<String> details) {
        this(status.getStatusCode(), message, details);
    }

    public ApiException(int status, String message, List<String> details) {
        super(kindOf(status), message, details);
        this.status = status;
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

    private static Kind kindOf(int status) {
        return switch (status) {
            case 401 -> Kind.UNAUTHENTICATED;
            case 403 -> Kind.FORBIDDEN;
            case 404 -> Kind.NOT_FOUND;
            case 409 -> Kind.CONFLICT;
            case 413 -> Kind.TOO_LARGE;
            case 415 -> Kind.UNSUPPORTED_TYPE;
            case UNPROCESSABLE -> Kind.UNPROCESSABLE;
            default -> Kind.INVALID;
        };
    }
}
