package org.cakb.catalog;

import java.time.Duration;

/** What a content load did. */
public record LoadReport(String trigger, int filesRead, int added, int updated, int unchanged, int withdrawn, Duration took) {
}
