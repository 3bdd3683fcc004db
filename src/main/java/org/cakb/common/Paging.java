package org.cakb.common;

import java.util.List;

/** The one check of page and size for every paged list (API and services), with one wording. */
public final class Paging {

    public static final int MAX_PAGE_SIZE = 200;

    private Paging() {
    }

    public static int page(int page) {
        if (page < 1) {
            throw invalid("page", "must be 1 or more, got " + page);
        }
        return page;
    }

    public static int size(int size) {
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw invalid("size", "must be between 1 and " + MAX_PAGE_SIZE + ", got " + size);
        }
        return size;
    }

    private static DomainException invalid(String name, String message) {
        return new DomainException(DomainException.Kind.INVALID, name + " " + message, List.of(name + ": " + message));
    }
}
