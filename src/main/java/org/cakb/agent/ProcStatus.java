package org.cakb.agent;

import java.util.LinkedHashMap;
import java.util.Map;

/** The "Key:\tvalue" lines of /proc/[pid]/status (proc(5)). */
public final class ProcStatus {
    private final Map<String, String> fields;

    private ProcStatus(Map<String, String> fields) {
        this.fields = fields;
    }

    public static ProcStatus parse(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        if (text != null) {
            for (String line : text.split("\n")) {
                int c = line.indexOf(':');
                if (c > 0) {
                    m.put(line.substring(0, c).trim(), line.substring(c + 1).trim());
                }
            }
        }
        return new ProcStatus(m);
    }

    /** The field's value, whitespace-trimmed, or null if the kernel does not report it. */
    public String get(String key) {
        return fields.get(key);
    }

    /** The n-th whitespace-separated column of a field (Uid/Gid have real, effective, saved, filesystem). */
    public String column(String key, int n) {
        String v = fields.get(key);
        if (v == null) {
            return null;
        }
        String[] parts = v.trim().split("\\s+");
        return n < parts.length ? parts[n] : null;
    }

    /** A copy with one field replaced (e.g. Uid translated into the process's own user namespace). */
    public ProcStatus with(String key, String value) {
        Map<String, String> m = new LinkedHashMap<>(fields);
        m.put(key, value);
        return new ProcStatus(m);
    }

    public boolean isEmpty() {
        return fields.isEmpty();
    }
}
