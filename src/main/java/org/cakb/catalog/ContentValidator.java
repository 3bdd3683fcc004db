package org.cakb.catalog;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks that span files: unique IDs, ID prefixes, citations of real sources, links to existing records of the right
 * kind; and field rules beyond the schema ({@link RecordFieldRules}: probe check parameters, versions).
 */
public final class ContentValidator {

    private static final Map<RecordKind, String> REQUIRED_PREFIX = Map.of(
            RecordKind.SOURCE, "source:",
            RecordKind.COUNTERMEASURE, "cm:",
            RecordKind.RECOMMENDATION, "rec:",
            RecordKind.PLATFORM, "platform:",
            RecordKind.PLATFORM_DEFAULT, "default:",
            RecordKind.PROBE, "probe:",
            RecordKind.CONTROL, "sp800-53:");

    private ContentValidator() {
    }

    public static List<ContentProblem> validate(List<ContentFile> files) {
        List<ContentProblem> problems = new ArrayList<>();
        Map<String, ContentFile> byId = new HashMap<>();
        for (ContentFile file : files) {
            ContentFile earlier = byId.putIfAbsent(file.id(), file);
            if (earlier != null) {
                problems.add(new ContentProblem(file.path(), "id", "duplicate id '" + file.id() + "', already used by " + earlier.path()));
            }
            checkPrefix(file, problems);
            RecordFieldRules.check(file, problems);
        }
        for (ContentFile file : files) {
            checkCitations(file, byId, problems);
            checkLinks(file, byId, problems);
            JsonNode document = file.data().get("document");
            if (document != null) {
                checkTarget(file, "document", document.asText(), RecordKind.SOURCE, byId, problems);
            }
        }
        return problems;
    }

    private static void checkPrefix(ContentFile file, List<ContentProblem> problems) {
        String required = REQUIRED_PREFIX.get(file.kind());
        if (required != null && !file.id().startsWith(required)) {
            problems.add(new ContentProblem(file.path(), "id", "a " + file.kind().label() + " id must start with '" + required + "'"));
        }
        if (required == null) {
            REQUIRED_PREFIX.values().stream().filter(file.id()::startsWith).findFirst().ifPresent(prefix ->
                    problems.add(new ContentProblem(file.path(), "id", "prefix '" + prefix + "' is reserved for another kind of record")));
        }
    }

    private static void checkCitations(ContentFile file, Map<String, ContentFile> byId, List<ContentProblem> problems) {
        JsonNode citations = file.data().path("citations");
        boolean hasQuote = false;
        for (int i = 0; i < citations.size(); i++) {
            JsonNode citation = citations.get(i);
            checkTarget(file, "citations[" + i + "].source", citation.path("source").asText(), RecordKind.SOURCE, byId, problems);
            hasQuote |= citation.hasNonNull("quote");
        }
        if ("quoted".equals(file.data().path("provenance").asText()) && !hasQuote) {
            problems.add(new ContentProblem(file.path(), "provenance",
                    "a quoted record must carry the verbatim text in a citation's 'quote' (or use paraphrased/derived)"));
        }
    }

    private static void checkLinks(ContentFile file, Map<String, ContentFile> byId, List<ContentProblem> problems) {
        for (LinkRule rule : LinkRule.forKind(file.kind())) {
            JsonNode value = file.data().get(rule.field());
            if (value == null) {
                continue;
            }
            if (value.isArray()) {
                for (int i = 0; i < value.size(); i++) {
                    String target = rule.targetOf(value.get(i));
                    checkTarget(file, rule.field() + "[" + i + "]", target, rule.target(), byId, problems);
                    if (target.equals(file.id())) {
                        problems.add(new ContentProblem(file.path(), rule.field() + "[" + i + "]", "a record cannot link to itself"));
                    }
                }
            } else {
                checkTarget(file, rule.field(), value.asText(), rule.target(), byId, problems);
            }
        }
    }

    private static void checkTarget(ContentFile file, String field, String targetId, RecordKind expected,
                                    Map<String, ContentFile> byId, List<ContentProblem> problems) {
        ContentFile target = byId.get(targetId);
        if (target == null) {
            problems.add(new ContentProblem(file.path(), field, "links to '" + targetId + "', which does not exist in content/"));
        } else if (target.kind() != expected) {
            problems.add(new ContentProblem(file.path(), field, "links to '" + targetId + "', which is a "
                    + target.kind().label() + ", not a " + expected.label()));
        }
    }
}
