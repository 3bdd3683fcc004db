package org.cakb.security;

import io.quarkus.security.AuthenticationFailedException;

import java.util.Map;

/**
 * A sign-in refused before its password was checked (throttle delay, busy password checks): the message and the
 * wait are safe to tell the caller, unlike the reason a password check failed.
 */
public record SignInRefused(String message, long retryAfterSeconds) {

    private static final String RETRY_AFTER = "cakb.retry-after-seconds";

    public SignInRefused {
        retryAfterSeconds = Math.max(1, retryAfterSeconds);
    }

    /** The framework's exception (final), carrying the wait as an attribute. */
    public AuthenticationFailedException asException() {
        return new AuthenticationFailedException(message, Map.of(RETRY_AFTER, retryAfterSeconds));
    }

    /** The refusal an exception carries, or null for a failed password check. */
    static SignInRefused of(AuthenticationFailedException e) {
        Object seconds = e.getAttributes() == null ? null : e.getAttributes().get(RETRY_AFTER);
        return seconds instanceof Long s ? new SignInRefused(e.getMessage(), s) : null;
    }
}
