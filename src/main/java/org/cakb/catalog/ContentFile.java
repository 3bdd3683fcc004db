package org.cakb.catalog;

import com.fasterxml.jackson.databind.JsonNode;

/** One parsed content file. {@code path} is relative to the content directory. */
public record ContentFile(RecordKind kind, String path, String hash, JsonNode data) {
    public String id() {
        return data.path("id").asText(null);
    }
}
