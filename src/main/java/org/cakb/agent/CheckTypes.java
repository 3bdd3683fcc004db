package org.cakb.agent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What each check type accepts: its parameters, which are required, and the values enumerated ones may take. The
 * agent refuses a definition that does not fit (an {@code error} result instead of a silently ignored misspelling),
 * and the KB server's build and content loader use the same table so a misspelled parameter in content/probes fails
 * with the file and field. JDK only: this class is part of the agent jar and must not depend on server code.
 */
public final class CheckTypes {

    /** One check type's parameters. Enumerated values apply to the parameter (or to each element of a list). */
    public static final class Spec {
        public final String type;
        public final Set<String> required;
        public final Set<String> optional;
        public final Map<String, List<String>> allowedValues;

        Spec(String type, List<String> required, List<String> optional, Map<String, List<String>> allowedValues) {
            this.type = type;
            this.required = Collections.unmodifiableSet(new LinkedHashSet<>(required));
            this.optional = Collections.unmodifiableSet(new LinkedHashSet<>(optional));
            this.allowedValues = Collections.unmodifiableMap(allowedValues);
        }

        public Set<String> parameters() {
            Set<String> all = new LinkedHashSet<>(required);
            all.addAll(optional);
            return all;
        }
    }

    static final List<String> OPS = Arrays.asList("eq", "ne", "ge", "le", "gt", "lt", "in", "not-in", "non-empty");
    /** Accepted by every type: text that replaces the agent's explanation of a pass or a fail. */
    private static final List<String> COMMON = Arrays.asList("pass-text", "fail-text");
    private static final List<String> COMPARISON = Arrays.asList("op", "value", "values");
    private static final Map<String, Spec> SPECS = new LinkedHashMap<>();

    static {
        add("proc-status", list("field"), list("column", "op", "value", "values", "absent"),
                values("op", OPS, "absent", list("fail", "not-applicable")));
        add("capabilities", list("sets"), list("forbidden", "allowed", "empty"),
                values("sets", list("effective", "permitted", "bounding", "ambient", "inheritable")));
        add("privileged", list(), list(), values());
        add("namespace", list("namespace"), list(),
                values("namespace", list("user", "pid", "mnt", "net", "ipc", "uts", "cgroup", "time")));
        add("userns-mapping", list(), list(), values());
        add("lsm-label", list("lsm"), list(), values("lsm", list("apparmor", "selinux")));
        add("file-value", list("path"), list("op", "value", "values", "absent"),
                values("op", OPS, "absent", list("fail", "pass", "not-applicable")));
        add("sysctl", list("key"), list("op", "value", "values", "absent"),
                values("op", OPS, "absent", list("fail", "pass", "not-applicable")));
        add("cgroup-limit", list("resource"), list(), values("resource", list("memory", "pids", "cpu", "blkio")));
        add("device-cgroup", list(), list(), values());
        add("root-readonly", list(), list(), values());
        add("runtime-sockets", list("names"), list("paths"), values());
        add("host-mounts", list("paths"), list("ignore", "writable-only"), values());
        add("path-readonly", list("path"), list("probe-file"), values());
        add("masked-paths", list("paths"), list(), values());
        add("binfmt-misc", list("forbidden-flags"), list(), values());
        add("path-exists", list("path"), list("entry-prefix"), values());
        add("docker-daemon-config", list("key"), list("op", "value", "values", "default", "path", "flag"),
                values("op", OPS));
        add("process-user", list("names"), list(), values());
    }

    /** Every check type this agent version implements, in a stable order. */
    public static final List<String> NAMES = Collections.unmodifiableList(new ArrayList<>(SPECS.keySet()));

    private CheckTypes() {
    }

    public static Spec spec(String type) {
        return SPECS.get(type);
    }

    /**
     * Problems with one probe's {@code check} mapping, each naming the field ({@code check.<parameter>}). Empty when the
     * definition fits its type.
     */
    public static List<String> problems(Map<String, ?> check) {
        List<String> out = new ArrayList<>();
        if (check == null) {
            out.add("check: is required");
            return out;
        }
        Object type = check.get("type");
        if (!(type instanceof String)) {
            out.add("check.type: is required");
            return out;
        }
        Spec spec = SPECS.get(type);
        if (spec == null) {
            out.add("check.type: '" + type + "' is not a check type of the agent (types: " + String.join(", ", NAMES) + ")");
            return out;
        }
        for (String key : check.keySet()) {
            if (!key.equals("type") && !spec.parameters().contains(key)) {
                out.add("check." + key + ": is not a parameter of check type '" + type + "' (parameters: "
                        + (spec.parameters().isEmpty() ? "none" : String.join(", ", spec.parameters())) + ")");
            }
        }
        for (String key : spec.required) {
            if (check.get(key) == null) {
                out.add("check." + key + ": is required for check type '" + type + "'");
            }
        }
        spec.allowedValues.forEach((key, allowed) -> checkValues(check.get(key), key, allowed, out));
        if (spec.optional.containsAll(COMPARISON)) {
            checkComparison(check, out);
        }
        if (type.equals("capabilities")) {
            int modes = (check.get("forbidden") != null ? 1 : 0) + (check.get("allowed") != null ? 1 : 0)
                    + (Boolean.TRUE.equals(check.get("empty")) ? 1 : 0);
            if (modes != 1) {
                out.add("check: capabilities needs exactly one of forbidden, allowed, empty: true");
            }
        }
        return out;
    }

    private static void checkValues(Object value, String key, List<String> allowed, List<String> out) {
        if (value == null) {
            return;
        }
        List<?> items = value instanceof List ? (List<?>) value : Collections.singletonList(value);
        for (Object item : items) {
            if (!allowed.contains(String.valueOf(item))) {
                out.add("check." + key + ": '" + item + "' is not one of " + String.join(", ", allowed));
            }
        }
    }

    /** eq/ne/ge/le/gt/lt compare with {@code value}; in/not-in with the list {@code values}; non-empty with neither. */
    private static void checkComparison(Map<String, ?> check, List<String> out) {
        String op = check.get("op") == null ? "eq" : String.valueOf(check.get("op"));
        if (!OPS.contains(op)) {
            return;
        }
        boolean list = op.equals("in") || op.equals("not-in");
        if (list && !(check.get("values") instanceof List)) {
            out.add("check.values: a list is required for op " + op);
        }
        if (!list && !op.equals("non-empty") && check.get("value") == null) {
            out.add("check.value: is required for op " + op);
        }
    }

    private static void add(String type, List<String> required, List<String> optional, Map<String, List<String>> values) {
        List<String> withCommon = new ArrayList<>(optional);
        withCommon.addAll(COMMON);
        SPECS.put(type, new Spec(type, required, withCommon, values));
    }

    private static List<String> list(String... items) {
        return Arrays.asList(items);
    }

    private static Map<String, List<String>> values(Object... pairs) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            @SuppressWarnings("unchecked")
            List<String> allowed = (List<String>) pairs[i + 1];
            m.put((String) pairs[i], allowed);
        }
        return m;
    }
}
