package org.cakb.agent;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** Reading a probe definition's parameters, comparing observed values with them, and making results. */
final class CheckParams {
    private CheckParams() {
    }

    /** Thrown for a malformed definition; becomes an error result. */
    static final class DefinitionError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DefinitionError(String m) {
            super(m);
        }
    }

    static String str(ProbeDefinition p, String key) {
        Object o = p.check.get(key);
        if (o == null) {
            throw new DefinitionError("check." + key + " is required");
        }
        if (o instanceof Map || o instanceof List) {
            throw new DefinitionError("check." + key + " must be a scalar");
        }
        return String.valueOf(o);
    }

    static String optStr(ProbeDefinition p, String key, String dflt) {
        Object o = p.check.get(key);
        return o == null ? dflt : String.valueOf(o);
    }

    static boolean optBool(ProbeDefinition p, String key, boolean dflt) {
        Object o = p.check.get(key);
        return o instanceof Boolean ? (Boolean) o : dflt;
    }

    @SuppressWarnings("unchecked")
    static List<String> list(ProbeDefinition p, String key, boolean required) {
        Object o = p.check.get(key);
        if (o == null) {
            if (required) {
                throw new DefinitionError("check." + key + " is required");
            }
            return Collections.emptyList();
        }
        if (!(o instanceof List)) {
            throw new DefinitionError("check." + key + " must be a list");
        }
        List<String> out = new ArrayList<>();
        for (Object x : (List<Object>) o) {
            out.add(String.valueOf(x));
        }
        return out;
    }

    /** Compares an observed value with the definition's op/value: eq, ne, ge, le, gt, lt, in, not-in, non-empty. */
    static boolean compare(ProbeDefinition p, String observed) {
        String op = optStr(p, "op", "eq");
        if (op.equals("non-empty")) {
            return observed != null && !observed.trim().isEmpty();
        }
        if (op.equals("in") || op.equals("not-in")) {
            boolean in = list(p, "values", true).contains(observed);
            return op.equals("in") == in;
        }
        String want = str(p, "value");
        switch (op) {
            case "eq": return numEq(observed, want);
            case "ne": return !numEq(observed, want);
            case "ge": case "le": case "gt": case "lt": {
                Long a = num(observed);
                Long b = num(want);
                if (b == null) {
                    throw new DefinitionError("check.value must be a number for op " + op);
                }
                if (a == null) {
                    return false;
                }
                int c = Long.compare(a, b);
                return op.equals("ge") ? c >= 0 : op.equals("le") ? c <= 0 : op.equals("gt") ? c > 0 : c < 0;
            }
            default:
                throw new DefinitionError("unknown op '" + op + "'");
        }
    }

    static String expectation(ProbeDefinition p) {
        String op = optStr(p, "op", "eq");
        switch (op) {
            case "non-empty": return "non-empty";
            case "in": return "one of " + list(p, "values", true);
            case "not-in": return "none of " + list(p, "values", true);
            case "eq": return "= " + str(p, "value");
            case "ne": return "!= " + str(p, "value");
            case "ge": return ">= " + str(p, "value");
            case "le": return "<= " + str(p, "value");
            case "gt": return "> " + str(p, "value");
            case "lt": return "< " + str(p, "value");
            default: throw new DefinitionError("unknown op '" + op + "'");
        }
    }

    private static boolean numEq(String a, String b) {
        Long x = num(a);
        Long y = num(b);
        if (x != null && y != null) {
            return x.longValue() == y.longValue();
        }
        return a != null && a.equals(b);
    }

    static Long num(String s) {
        if (s == null) {
            return null;
        }
        try {
            return Long.valueOf(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static CheckResult result(ProbeDefinition p, boolean ok, String observed, String expected, String why) {
        String explanation = optStr(p, ok ? "pass-text" : "fail-text", null);
        String text = explanation == null ? why : explanation + (why == null ? "" : " (" + why + ")");
        return new CheckResult(p, ok ? CheckResult.PASS : CheckResult.FAIL, observed, expected, text);
    }

    static CheckResult na(ProbeDefinition p, String observed, String why) {
        return new CheckResult(p, CheckResult.NOT_APPLICABLE, observed, null, why);
    }

    static String join(List<String> l) {
        return String.join(",", l);
    }
}
