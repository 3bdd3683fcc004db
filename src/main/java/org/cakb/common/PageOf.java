package org.cakb.common;

import java.util.List;

/** One page of a list, in stable order. {@code page} is 1-based. */
public record PageOf<T>(List<T> items, int page, int size, long total, int pages) {
    public static <T> PageOf<T> of(List<T> items, int page, int size, long total) {
        return new PageOf<>(items, page, size, total, (int) ((total + size - 1) / size));
    }
}
