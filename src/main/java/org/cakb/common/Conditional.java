package org.cakb.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;

/**
 * 200 with an ETag derived from the JSON body, or 304 when the caller's If-None-Match matches it. The tag is a
 * name-based UUID of the serialized body, so it changes exactly when what the caller would receive changes.
 */
public final class Conditional {

    private Conditional() {
    }

    public static Response ok(Request request, ObjectMapper json, Object body) {
        EntityTag etag;
        try {
            etag = new EntityTag(StableUuid.of(json.writeValueAsString(body)).toString());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        Response.ResponseBuilder notModified = request.evaluatePreconditions(etag);
        return (notModified != null ? notModified : Response.ok(body)).tag(etag).build();
    }
}
