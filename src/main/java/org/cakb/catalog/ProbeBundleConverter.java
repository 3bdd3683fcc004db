package org.cakb.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import org.cakb.agent.CheckTypes;
import org.cakb.agent.Checks;
import org.cakb.agent.ProbeBundle;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Converts the probe records in content/probes/*.yaml into the JSON probe bundle the agent reads
 * ({@link ProbeBundle}). Used by the build (main) to put the bundle into the agent jar, and meant to be called by the
 * server to serve the same bundle. Uses Jackson, which is on the application's classpath but not in the agent jar.
 *
 * <p>It keeps the fields the agent needs (id, title, verifies, vantage, severity, check), sorts by id, and refuses
 * records without an id or check type, unknown check types, check parameters the type does not accept ({@link CheckTypes})
 * and duplicate ids, so a broken record fails the build.
 */
public final class ProbeBundleConverter {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    private ProbeBundleConverter() {
    }

    /** Builds the bundle from every *.yaml / *.yml file in the folder. */
    public static ObjectNode convert(Path probesDir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(probesDir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.endsWith(".yaml") || n.endsWith(".yml")) {
                    files.add(p);
                }
            }
        }
        Collections.sort(files);
        List<ObjectNode> probes = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (Path f : files) {
            JsonNode n = YAML.readTree(f.toFile());
            probes.add(probe(n, f.getFileName().toString(), ids));
        }
        probes.sort((a, b) -> a.get("id").asText().compareTo(b.get("id").asText()));
        ObjectNode root = JSON.createObjectNode();
        root.put("format", ProbeBundle.FORMAT);
        root.put("generatedFrom", "content/probes");
        ArrayNode arr = root.putArray("probes");
        arr.addAll(probes);
        return root;
    }

    /** Converts one parsed probe record; the file name is used in error messages. */
    public static ObjectNode probe(JsonNode n, String file, List<String> seenIds) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException(file + ": not a YAML mapping");
        }
        String id = n.path("id").asText(null);
        if (id == null || !id.startsWith("probe:")) {
            throw new IllegalArgumentException(file + ": id missing or not a probe: id");
        }
        if (seenIds.contains(id)) {
            throw new IllegalArgumentException(file + ": duplicate id " + id);
        }
        seenIds.add(id);
        JsonNode check = n.get("check");
        if (check == null || !check.isObject() || !check.path("type").isTextual()) {
            throw new IllegalArgumentException(file + ": check.type missing");
        }
        String type = check.get("type").asText();
        if (!Checks.TYPES.contains(type)) {
            throw new IllegalArgumentException(file + ": check type '" + type + "' is not implemented by the agent");
        }
        List<String> problems = CheckTypes.problems(JSON.convertValue(check, MAP));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(file + ": " + String.join("; " + file + ": ", problems));
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("id", id);
        out.put("title", n.path("title").asText(id));
        ArrayNode verifies = out.putArray("verifies");
        for (JsonNode v : n.path("verifies")) {
            verifies.add(v.asText());
        }
        out.put("vantage", n.path("vantage").asText("any"));
        out.put("severity", n.path("severity").asText("medium"));
        out.set("check", check);
        return out;
    }

    public static String toJson(ObjectNode bundle) throws IOException {
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(bundle) + "\n";
    }

    /**
     * Build entry: {@code ProbeBundleConverter <content/probes> <output dir> [agent version]} writes
     * {@code probes.json} and {@code agent.properties} into the output directory.
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: ProbeBundleConverter <probes-dir> <out-dir> [version]");
            System.exit(2);
        }
        ObjectNode b = convert(Paths.get(args[0]));
        Path dir = Paths.get(args[1]);
        Files.createDirectories(dir);
        Files.write(dir.resolve("probes.json"), toJson(b).getBytes(StandardCharsets.UTF_8));
        if (args.length == 3) {
            Files.write(dir.resolve("agent.properties"),
                    ("version=" + args[2] + "\n").getBytes(StandardCharsets.UTF_8));
        }
        System.out.println("probe bundle: " + b.get("probes").size() + " probes -> " + dir.resolve("probes.json"));
    }
}
