package org.cakb.agent;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** One probe record as the agent needs it: identity, what it verifies, where it applies, and the check definition. */
public final class ProbeDefinition {
    public final String id;
    public final String title;
    public final List<String> verifies;
    public final String vantage;
    public final String severity;
    public final Map<String, Object> check;

    public ProbeDefinition(String id, String title, List<String> verifies, String vantage, String severity,
            Map<String, Object> check) {
        this.id = id;
        this.title = title;
        this.verifies = verifies;
        this.vantage = vantage;
        this.severity = severity;
        this.check = check;
    }

    private List<String> problems;

    /** What is wrong with the check definition ({@link CheckTypes#problems}), worked out once per run, not per container. */
    List<String> definitionProblems() {
        if (problems == null) {
            problems = CheckTypes.problems(check);
        }
        return problems;
    }

    public String checkType() {
        Object t = check == null ? null : check.get("type");
        return t instanceof String ? (String) t : null;
    }

    static final int MAX_ID = 200;
    static final int MAX_TEXT = 500;
    static final int MAX_VERIFIES = 50;

    @SuppressWarnings("unchecked")
    static ProbeDefinition fromMap(Map<String, Object> m) {
        Object id = m.get("id");
        if (!(id instanceof String) || ((String) id).isEmpty() || ((String) id).length() > MAX_ID) {
            throw new IllegalArgumentException("probe without a string id of 1 to " + MAX_ID + " characters");
        }
        for (char c : ((String) id).toCharArray()) {
            if (c < 0x21 || c == 0x7f) {
                throw new IllegalArgumentException("probe id with a control character or space");
            }
        }
        List<String> verifies = new ArrayList<>();
        Object v = m.get("verifies");
        if (v instanceof List) {
            if (((List<Object>) v).size() > MAX_VERIFIES) {
                throw new IllegalArgumentException("probe " + id + ": more than " + MAX_VERIFIES + " verifies entries");
            }
            for (Object o : (List<Object>) v) {
                verifies.add(CheckResult.bounded(String.valueOf(o)));
            }
        }
        Object check = m.get("check");
        return new ProbeDefinition((String) id, str(m.get("title"), (String) id), Collections.unmodifiableList(verifies),
                str(m.get("vantage"), "any"), str(m.get("severity"), "medium"),
                check instanceof Map ? (Map<String, Object>) check : null);
    }

    private static String str(Object o, String dflt) {
        return o instanceof String ? CheckResult.bounded(((String) o).length() > MAX_TEXT ? ((String) o).substring(0, MAX_TEXT) : (String) o) : dflt;
    }
}
