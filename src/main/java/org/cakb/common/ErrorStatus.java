package org.cakb.common;

/** The HTTP status of a {@link DomainException}: the one place where domain failures meet HTTP. */
public final class ErrorStatus {

    private ErrorStatus() {
    }

    public static int of(DomainException e) {
        if (e instanceof ApiException api) {
            return api.status;
        }
        return switch (e.kind) {
            case INVALID -> 400;
            case UNAUTHENTICATED -> 401;
            case NOT_FOUND -> 404;
            case FORBIDDEN -> 403;
            case CONFLICT -> 409;
            case UNPROCESSABLE -> 422;
            case TOO_LARGE -> 413;
            case UNSUPPORTED_TYPE -> 415;
        };
    }
}
