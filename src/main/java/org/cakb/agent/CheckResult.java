package org.cakb.agent;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The outcome of one check. */
public final class CheckResult {
    public static final String PASS = "pass";
    public static final String FAIL = "fail";
    public static final String NOT_APPLICABLE = "not-applicable";
    public static final String ERROR = "error";

    public final String id;
    public final String title;
    public final List<String> verifies;
    public final String severity;
    public final String checkType;
    public final String status;
    public final String observed;
    public final String expected;
    public final String explanation;

    CheckResult(ProbeDefinition p, String status, String observed, String expected, String explanation) {
        this.id = p.id;
        this.title = p.title;
        this.verifies = p.verifies;
        this.severity = p.severity;
        this.checkType = p.checkType();
        this.status = status;
        this.observed = bounded(observed);
        this.expected = bounded(expected);
        this.explanation = bounded(explanation);
    }

    /** Longest observed/expected/explanation text a report carries. */
    static final int MAX_TEXT = 600;

    /** Texts in a report are short single lines: control characters become '?', the length is capped. */
    static String bounded(String s) {
        if (s == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_TEXT + 3));
        for (int k = 0; k < s.length() && b.length() < MAX_TEXT; k++) {
            char c = s.charAt(k);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return s.length() > MAX_TEXT ? b + "..." : b.toString();
    }

    /**
     * A container's result: the verdict and observation only. Title, severity and what the probe verifies are the
     * same for every container (they are in the host results and the bundle; the server takes them from its content),
     * so repeating them would triple a host run's report.
     */
    Map<String, Object> toCompactMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("status", status);
        if (observed != null) {
            m.put("observed", observed);
        }
        if (expected != null) {
            m.put("expected", expected);
        }
        if (explanation != null) {
            m.put("explanation", explanation);
        }
        return m;
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("title", title);
        m.put("verifies", verifies);
        m.put("severity", severity);
        m.put("checkType", checkType);
        m.put("status", status);
        m.put("observed", observed);
        m.put("expected", expected);
        m.put("explanation", explanation);
        return m;
    }
}
