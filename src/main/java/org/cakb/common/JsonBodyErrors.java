package org.cakb.common;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.stream.Collectors;

/**
 * A request body that is not the JSON an endpoint expects gets 400 with a message naming the field and the problem
 * (the built-in mappers answered with an empty body, or with internal class names and no message).
 */
public class JsonBodyErrors {

    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response invalidFormat(InvalidFormatException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response unrecognized(UnrecognizedPropertyException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response mapping(JsonMappingException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response parse(JsonParseException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response constraints(StreamConstraintsException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response processing(JsonProcessingException e) {
        return json(e);
    }

    static Response json(JsonProcessingException e) {
        return ApiExceptionMappers.json(400, message(e), null);
    }

    /** "Invalid JSON body: field 'labels.env': …" without the internal type names Jackson puts in its messages. */
    static String message(Throwable e) {
        if (e instanceof StreamConstraintsException || e.getCause() instanceof StreamConstraintsException) {
            return "Invalid JSON body: nested too deeply or a value is too long";
        }
        if (e instanceof JsonParseException p) {
            return "Invalid JSON body: malformed JSON at line " + p.getLocation().getLineNr() + ", column " + p.getLocation().getColumnNr();
        }
        if (e instanceof JsonMappingException m) {
            String field = m.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
            String problem = m instanceof UnrecognizedPropertyException ? "is not a known field"
                    : m instanceof InvalidFormatException f ? "has a value of the wrong format" + expected(f.getTargetType())
                    : m instanceof MismatchedInputException i ? "has a value of the wrong type" + expected(i.getTargetType())
                    : "could not be read";
            return field.isEmpty() ? "Invalid JSON body: " + (m.getCause() instanceof JsonParseException ? "malformed JSON" : "not the expected structure")
                    : "Invalid JSON body: field '" + field + "' " + problem;
        }
        return "Invalid JSON body";
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive() && type != boolean.class) {
            return " (expected a number)";
        }
        if (type == String.class) {
            return " (expected a string)";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return " (expected an array)";
        }
        if (java.util.Map.class.isAssignableFrom(type)) {
            return " (expected an object)";
        }
        if (java.time.temporal.Temporal.class.isAssignableFrom(type)) {
            return " (expected a date like 2027-01-31 or a time like 2027-01-31T00:00:00Z)";
        }
        if (type == Boolean.class || type == boolean.class) {
            return " (expected true or false)";
        }
        return " (expected an object)";
    }
}
