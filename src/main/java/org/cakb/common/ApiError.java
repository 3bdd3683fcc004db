package org.cakb.common;

import java.util.List;

/** The JSON error body every API error uses. */
public record ApiError(int status, String error, String message, List<String> details) {
    public ApiError(int status, String error, String message) {
        this(status, error, message, null);
    }
}
