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
        this.observed = observed;
        this.expected = expected;
        this.explanation = explanation;
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
