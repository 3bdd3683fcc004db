package org.cakb.catalog;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads content/: every {@code <kind folder>/**.yaml} file, parsed strictly and validated against
 * {@code schema/<kind>.schema.json}. Collects every problem rather than stopping at the first.
 */
public class ContentReader {

    /** Bumped when the meaning of a file changes in the loader, so unchanged files are re-imported once. */
    static final String FORMAT_VERSION = "cakb-content-1";
    static final long MAX_FILE_BYTES = 256 * 1024;
    private static final Set<String> ALLOWED_TOP_LEVEL = Set.of("README.md", "AUDIT.md", "schema");

    private final Path root;
    private final ObjectMapper yaml = YAMLMapper.builder(new YAMLFactory())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private final List<ContentProblem> problems = new ArrayList<>();

    public ContentReader(Path root) {
        this.root = root;
    }

    public record Result(List<ContentFile> files, List<ContentProblem> problems) {
    }

    public Result read() {
        List<ContentFile> files = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            problems.add(new ContentProblem(root.toString(), "", "content directory does not exist"));
            return new Result(files, problems);
        }
        checkTopLevel();
        Map<RecordKind, JsonSchema> schemas = loadSchemas();
        for (RecordKind kind : RecordKind.values()) {
            JsonSchema schema = schemas.get(kind);
            for (Path file : yamlFiles(root.resolve(kind.plural))) {
                ContentFile parsed = parse(kind, file);
                if (parsed != null && schema != null && validate(parsed, schema)) {
                    files.add(parsed);
                }
            }
        }
        return new Result(files, problems);
    }

    private void checkTopLevel() {
        try (Stream<Path> entries = Files.list(root)) {
            entries.map(p -> p.getFileName().toString())
                    .filter(name -> !name.startsWith("."))
                    .filter(name -> !ALLOWED_TOP_LEVEL.contains(name) && RecordKind.fromPlural(name).isEmpty())
                    .sorted()
                    .forEach(name -> problems.add(new ContentProblem(name, "",
                            "unknown folder or file; record files go in one of the kind folders: "
                                    + String.join(", ", Stream.of(RecordKind.values()).map(k -> k.plural).toList()))));
        } catch (IOException e) {
            problems.add(new ContentProblem(root.toString(), "", "cannot list directory: " + e.getMessage()));
        }
    }

    private Map<RecordKind, JsonSchema> loadSchemas() {
        Map<RecordKind, JsonSchema> schemas = new EnumMap<>(RecordKind.class);
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        ObjectMapper json = new ObjectMapper();
        for (RecordKind kind : RecordKind.values()) {
            String name = "schema/" + kind.code + ".schema.json";
            Path file = root.resolve(name);
            try {
                schemas.put(kind, factory.getSchema(json.readTree(file.toFile())));
            } catch (IOException | RuntimeException e) {
                problems.add(new ContentProblem(name, "", "cannot read JSON schema: " + e.getMessage()));
            }
        }
        return schemas;
    }

    private List<Path> yamlFiles(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            List<Path> files = new ArrayList<>();
            walk.filter(Files::isRegularFile).sorted().forEach(file -> {
                String name = file.getFileName().toString();
                if (name.endsWith(".yaml")) {
                    files.add(file);
                } else if (!name.startsWith(".")) {
                    problems.add(new ContentProblem(relative(file), "", "not a .yaml file; records must be in files named *.yaml"));
                }
            });
            return files;
        } catch (IOException e) {
            problems.add(new ContentProblem(relative(folder), "", "cannot list folder: " + e.getMessage()));
            return List.of();
        }
    }

    private ContentFile parse(RecordKind kind, Path file) {
        String path = relative(file);
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length > MAX_FILE_BYTES) {
                problems.add(new ContentProblem(path, "", "file is larger than " + MAX_FILE_BYTES / 1024 + " KiB"));
                return null;
            }
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            JsonNode data = yaml.readTree(bytes);
            if (data == null || !data.isObject()) {
                problems.add(new ContentProblem(path, "", "expected one YAML mapping (a record) in the file"));
                return null;
            }
            return new ContentFile(kind, path, sha256(bytes), data);
        } catch (CharacterCodingException e) {
            problems.add(new ContentProblem(path, "", "file is not valid UTF-8"));
        } catch (IOException e) {
            problems.add(new ContentProblem(path, "", "bad YAML: " + firstLine(e.getMessage())));
        }
        return null;
    }

    private boolean validate(ContentFile file, JsonSchema schema) {
        Set<ValidationMessage> messages = schema.validate(file.data());
        messages.stream()
                .sorted((a, b) -> a.getMessage().compareTo(b.getMessage()))
                .forEach(m -> problems.add(new ContentProblem(file.path(), field(m), describe(m))));
        return messages.isEmpty();
    }

    private static String field(ValidationMessage message) {
        String location = message.getInstanceLocation().toString();
        String property = message.getProperty();
        if (property != null && !property.isEmpty()) {
            location = location.equals("$") ? property : location.replaceFirst("^\\$\\.?", "") + "." + property;
        }
        return location.replaceFirst("^\\$\\.?", "");
    }

    private static String describe(ValidationMessage message) {
        return switch (message.getType()) {
            case "required" -> "is required but missing";
            case "additionalProperties" -> "is not a known field for this kind of record (see content/schema/)";
            default -> message.getMessage().replaceFirst("^\\$[^:]*: ", "");
        };
    }

    private String relative(Path file) {
        return root.relativize(file).toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline) + " " + message.substring(newline + 1).lines()
                .filter(l -> l.contains("line")).findFirst().orElse("").trim();
    }

    static String sha256(byte[] bytes) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(FORMAT_VERSION.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
