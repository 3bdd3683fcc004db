package org.cakb.catalog;

/** What a content load did. */
public record LoadReport(String trigger, int filesRead, int added, int updated, int unchanged, int withdrawn, long tookMillis) {
}
