package org.cakb.catalog;

/** Fired after content was loaded successfully, so caches built from the knowledge base can be dropped. */
public record ContentLoaded(LoadReport report) {
}
