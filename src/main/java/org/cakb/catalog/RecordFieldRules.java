package org.cakb.catalog;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.cakb.agent.CheckTypes;

/**
 * Field rules a JSON Schema cannot state: a probe's check parameters must fit the agent's check type (the table in
 * {@link CheckTypes}, shared with the agent), and a platform default's {@code versions} must name a version or a date,
 * so that it does not go stale ("current", "latest").
 */
final class RecordFieldRules {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };
    /** A version number (1.11, 29.x, v0.36, 2.3.4) or a year/date (2016, 2026-08-12). */
    static final Pattern VERSION_OR_DATE = Pattern.compile("(?<![\\w.])v?\\d+(\\.(\\d+|x))+(?![\\w])|(?<!\\d)(19|20)\\d{2}(-\\d{2}){0,2}(?!\\d)");
    private static final Pattern STALE_WORD = Pattern.compile("(?i)\\b(current|latest|today|now)\\b");

    private RecordFieldRules() {
    }

    static void check(ContentFile file, List<ContentProblem> problems) {
        if (file.kind() == RecordKind.PROBE) {
            checkProbe(file, problems);
        } else if (file.kind() == RecordKind.PLATFORM_DEFAULT) {
            checkVersions(file, problems);
        } else if (file.kind() == RecordKind.REQUIREMENT || file.kind() == RecordKind.COUNTERMEASURE) {
            ControlMappingRules.check(file, problems);
        }
    }

    private static void checkProbe(ContentFile file, List<ContentProblem> problems) {
        JsonNode check = file.data().get("check");
        if (check == null || !check.isObject()) {
            return; // the schema reports a missing or malformed check
        }
        for (String problem : CheckTypes.problems(MAPPER.convertValue(check, MAP))) {
            int colon = problem.indexOf(": ");
            problems.add(new ContentProblem(file.path(), problem.substring(0, colon), problem.substring(colon + 2)));
        }
    }

    private static void checkVersions(ContentFile file, List<ContentProblem> problems) {
        String versions = file.data().path("versions").asText("");
        if (!VERSION_OR_DATE.matcher(versions).find()) {
            problems.add(new ContentProblem(file.path(), "versions",
                    "must name a version (e.g. '29.x', '2.3.4') or a date (e.g. '2016', '2026-08-12'); got '" + versions + "'"));
        } else if (STALE_WORD.matcher(versions).find()) {
            problems.add(new ContentProblem(file.path(), "versions",
                    "'" + versions + "' goes stale: name the version or date instead of 'current', 'latest', 'today' or 'now'"));
        }
    }
}
