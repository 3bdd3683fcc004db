package org.cakb.common;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Guards the v1 API contract. Every /api/v1 operation must have a summary and, for a JSON 2xx response, an example.
 * The committed snapshot {@code src/test/resources/openapi/v1-contract.json} lists, per path and method, the
 * parameter names ({@code in:name}) and, per response code, the response property names (dotted, {@code []} for array elements, two
 * levels deep). Anything in the snapshot that is gone from the live document is a breaking change and fails the
 * test: it belongs in /api/v2. Additions pass. After an additive change, regenerate the snapshot and commit it:
 * <pre>./mvnw test -Dtest=OpenApiContractTest -Dopenapi.contract.write=true</pre>
 */
@QuarkusTest
class OpenApiContractTest {

    static final Path SNAPSHOT = Path.of("src/test/resources/openapi/v1-contract.json");
    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch");
    private static final int DEPTH = 2;

    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    private JsonNode document;

    @BeforeEach
    void fetch() throws IOException {
        String body = given().get("/q/openapi?format=json").then().statusCode(200).extract().asString();
        document = json.readTree(body);
        Files.writeString(Path.of("target/openapi.json"), body); // the document the assertions saw, for reading failures
    }

    @Test
    void everyV1OperationHasASummaryDescribedParametersAndAnExampleForItsJsonResponse() {
        List<String> missing = new ArrayList<>();
        v1Operations((path, method, op) -> {
            if (op.path("summary").asText("").isBlank()) {
                missing.add(method.toUpperCase() + " " + path + ": no summary");
            }
            op.path("parameters").forEach(p -> {
                if (p.path("description").asText("").isBlank()) {
                    missing.add(method.toUpperCase() + " " + path + ": parameter " + p.path("name").asText() + " not described");
                }
            });
            op.path("responses").fields().forEachRemaining(response -> {
                JsonNode content = response.getValue().path("content").path("application/json");
                if (response.getKey().startsWith("2") && !content.isMissingNode() && !hasExample(content)) {
                    missing.add(method.toUpperCase() + " " + path + ": " + response.getKey() + " JSON response without an example");
                }
            });
        });
        assertTrue(missing.isEmpty(), "OpenAPI gaps:\n" + String.join("\n", missing));
    }

    @Test
    void infoVersionStaysOnV1() {
        String version = document.path("info").path("version").asText();
        assertTrue(version.matches("1\\.\\d+(\\.\\d+)?"), "info.version must stay 1.x for /api/v1, got " + version);
    }

    @Test
    void nothingInTheCommittedV1ContractIsRemoved() throws IOException {
        Map<String, Object> current = contract();
        if (Boolean.getBoolean("openapi.contract.write")) {
            Files.createDirectories(SNAPSHOT.getParent());
            json.writeValue(SNAPSHOT.toFile(), current);
            return;
        }
        assertTrue(Files.exists(SNAPSHOT), SNAPSHOT + " is missing; generate it with -Dopenapi.contract.write=true");
        List<String> removed = new ArrayList<>();
        compare("", json.readTree(SNAPSHOT.toFile()), json.valueToTree(current), removed);
        if (!removed.isEmpty()) {
            fail("Breaking change to /api/v1 (removed from the committed contract " + SNAPSHOT + "):\n  "
                    + String.join("\n  ", removed)
                    + "\nv1 only takes additive changes: keep these in v1 and put the new shape under /api/v2.");
        }
    }

    /** The comparison itself: a name dropped from the live contract is reported, an added one is not. */
    @Test
    void aRemovedNameIsReportedAndAnAddedOneIsNot() {
        ObjectNode snapshot = json.valueToTree(contract());
        ObjectNode live = snapshot.deepCopy();
        ObjectNode hostsGet = (ObjectNode) live.path("paths").path("/api/v1/hosts").path("get");
        hostsGet.putArray("parameters").add("query:page").add("query:size").add("query:new-filter");
        ((ObjectNode) live.path("paths")).putObject("/api/v1/new-thing");
        List<String> removed = new ArrayList<>();
        compare("", snapshot, live, removed);
        assertEquals(List.of(" paths /api/v1/hosts get parameters query:updated-since"), removed);
    }

    /** Every name in the snapshot must still be in the live contract (objects by key, arrays of names as sets). */
    private static void compare(String where, JsonNode expected, JsonNode actual, List<String> removed) {
        if (expected.isArray()) {
            expected.forEach(name -> {
                boolean present = false;
                for (JsonNode a : actual) {
                    present |= a.asText().equals(name.asText());
                }
                if (!present) {
                    removed.add(where + " " + name.asText());
                }
            });
            return;
        }
        expected.fields().forEachRemaining(e -> {
            JsonNode now = actual.get(e.getKey());
            if (now == null) {
                removed.add(where + " " + e.getKey());
            } else {
                compare(where + " " + e.getKey(), e.getValue(), now, removed);
            }
        });
    }

    private Map<String, Object> contract() {
        Map<String, Object> paths = new TreeMap<>();
        v1Operations((path, method, op) -> {
            Map<String, Object> operation = new TreeMap<>();
            TreeSet<String> parameters = new TreeSet<>();
            op.path("parameters").forEach(p -> parameters.add(p.path("in").asText() + ":" + p.path("name").asText()));
            operation.put("parameters", parameters);
            Map<String, Object> responses = new TreeMap<>();
            op.path("responses").fields().forEachRemaining(r -> {
                TreeSet<String> properties = new TreeSet<>();
                JsonNode content = r.getValue().path("content").path("application/json");
                if (!content.path("schema").isMissingNode()) {
                    collect("", content.path("schema"), DEPTH, properties);
                }
                exampleProperties("", example(content), DEPTH, properties);
                responses.put(r.getKey(), properties);
            });
            operation.put("responses", responses);
            ((Map<String, Object>) paths.computeIfAbsent(path, p -> new TreeMap<String, Object>())).put(method, operation);
        });
        Map<String, Object> contract = new TreeMap<>();
        contract.put("paths", paths);
        return contract;
    }

    private void collect(String prefix, JsonNode schema, int depth, TreeSet<String> into) {
        schema = resolve(schema);
        if (schema.has("items")) {
            collect(prefix + "[]", schema.get("items"), depth, into);
            return;
        }
        if (depth == 0) {
            return;
        }
        JsonNode properties = schema.path("properties");
        properties.fields().forEachRemaining(p -> {
            String name = prefix.isEmpty() ? p.getKey() : prefix + "." + p.getKey();
            into.add(name);
            collect(name, p.getValue(), depth - 1, into);
        });
    }

    /** The documented example counts too: a property promised there (e.g. inside a generic page) is part of v1. */
    private static void exampleProperties(String prefix, JsonNode example, int depth, TreeSet<String> into) {
        if (example.isArray()) {
            if (example.size() > 0) {
                exampleProperties(prefix + "[]", example.get(0), depth, into);
            }
            return;
        }
        if (depth == 0 || !example.isObject()) {
            return;
        }
        example.fields().forEachRemaining(p -> {
            String name = prefix.isEmpty() ? p.getKey() : prefix + "." + p.getKey();
            into.add(name);
            exampleProperties(name, p.getValue(), depth - 1, into);
        });
    }

    /** The example as JSON (SmallRye keeps a JSON example string parsed, but may leave it a string). */
    private JsonNode example(JsonNode content) {
        JsonNode example = content.path("example");
        if (example.isTextual()) {
            try {
                return json.readTree(example.asText());
            } catch (IOException e) {
                return example;
            }
        }
        return example;
    }

    private JsonNode resolve(JsonNode schema) {
        String ref = schema.path("$ref").asText("");
        if (ref.startsWith("#/components/schemas/")) {
            return document.path("components").path("schemas").path(ref.substring("#/components/schemas/".length()));
        }
        return schema;
    }

    private static boolean hasExample(JsonNode content) {
        return content.hasNonNull("example") || content.path("examples").size() > 0;
    }

    private interface OperationVisitor {
        void visit(String path, String method, JsonNode operation);
    }

    private void v1Operations(OperationVisitor visitor) {
        document.path("paths").fields().forEachRemaining(path -> {
            if (path.getKey().startsWith("/api/v1/") || path.getKey().equals("/api/v1")) {
                for (String method : METHODS) {
                    JsonNode op = path.getValue().get(method);
                    if (op != null) {
                        visitor.visit(path.getKey(), method, op);
                    }
                }
            }
        });
    }
}
