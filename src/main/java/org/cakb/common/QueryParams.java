package org.cakb.common;

import jakarta.ws.rs.core.Response;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/** Parses the paging and filter query parameters of list endpoints; bad values get 400 naming the parameter. */
public final class QueryParams {

    public static final int MAX_PAGE_SIZE = Paging.MAX_PAGE_SIZE;

    private QueryParams() {
    }

    public static int page(String value) {
        return Paging.page(integer("page", value));
    }

    public static int size(String value) {
        return Paging.size(integer("size", value));
    }

    /** An ISO 8601 instant with offset, or null when the parameter is absent or blank. */
    public static OffsetDateTime instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw invalid(name, "must be an ISO 8601 instant with offset, e.g. 2026-11-23T10:00:00Z; got '" + value + "'");
        }
    }

    private static int integer(String name, String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException | NullPointerException e) {
            throw invalid(name, "must be a whole number, got '" + value + "'");
        }
    }

    public static ApiException invalid(String name, String message) {
        return new ApiException(Response.Status.BAD_REQUEST, "invalid query parameter " + name + ": " + message,
                List.of(name + ": " + message));
    }
}
