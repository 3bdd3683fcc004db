package org.cakb.common;

import java.util.List;

/**
 * What a service throws when it cannot do what was asked: a kind a caller can act on and a message a person
 * understands. Services know nothing of HTTP; {@link ApiExceptionMappers} turns the kind into a status
 * ({@link ErrorStatus}) and the JSON body, and pages render the message.
 */
public class DomainException extends RuntimeException {

    public enum Kind {
        /** the input is malformed or breaks a rule of its own (a field, a parameter) */
        INVALID,
        /** the credential presented is unknown, expired or revoked */
        UNAUTHENTICATED,
        NOT_FOUND,
        FORBIDDEN,
        /** the request is well-formed but collides with the current state (a stale version, a completed assessment) */
        CONFLICT,
        /** well-formed input that refers to things that do not exist or cannot be used */
        UNPROCESSABLE,
        TOO_LARGE,
        UNSUPPORTED_TYPE
    }

    public final Kind kind;
    public final List<String> details;

    public DomainException(Kind kind, String message, List<String> details) {
        super(message);
        this.kind = kind;
        this.details = details;
    }

    public DomainException(Kind kind, String message) {
        this(kind, message, null);
    }

    /** A response body other than the standard error, when the caller needs more (e.g. both versions of a conflict). */
    public Object body() {
        return null;
    }

    public static DomainException invalid(String message) {
        return new DomainException(Kind.INVALID, message);
    }

    public static DomainException notFound(String message) {
        return new DomainException(Kind.NOT_FOUND, message);
    }

    public static DomainException unauthenticated(String message) {
        return new DomainException(Kind.UNAUTHENTICATED, message);
    }

    public static DomainException forbidden(String message) {
        return new DomainException(Kind.FORBIDDEN, message);
    }

    public static DomainException conflict(String message) {
        return new DomainException(Kind.CONFLICT, message);
    }

    public static DomainException unprocessable(String message) {
        return new DomainException(Kind.UNPROCESSABLE, message);
    }

    public static DomainException tooLarge(String message) {
        return new DomainException(Kind.TOO_LARGE, message);
    }

    public static DomainException unsupportedType(String message) {
        return new DomainException(Kind.UNSUPPORTED_TYPE, message);
    }
}
