package org.cakb.agent;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal JSON reader and writer, so that the agent jar needs no library.
 * Objects become {@link LinkedHashMap}, arrays {@link ArrayList}, numbers {@link Long} or {@link Double}.
 */
public final class Json {
    /** Deepest nesting of arrays and objects accepted; the agent's own documents need fewer than 10. */
    public static final int MAX_DEPTH = 64;
    /** Longest text accepted, in characters (a report of 100 containers is about 5 MB). */
    public static final int MAX_CHARS = 16 * 1024 * 1024;
    /** Longest number literal. */
    static final int MAX_NUMBER = 64;

    private final String s;
    private int i;
    private int depth;

    private Json(String s) {
        this.s = s;
    }

    /**
     * Parses one JSON value; throws {@link IllegalArgumentException} with the offset on malformed input, on nesting
     * deeper than {@link #MAX_DEPTH} and on text longer than {@link #MAX_CHARS}, so no input can exhaust the stack.
     */
    public static Object parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("JSON: no text");
        }
        if (text.length() > MAX_CHARS) {
            throw new IllegalArgumentException("JSON: text of " + text.length() + " characters is longer than the limit of " + MAX_CHARS);
        }
        Json p = new Json(text);
        p.ws();
        Object v = p.value();
        p.ws();
        if (p.i != p.s.length()) {
            throw p.err("trailing characters");
        }
        return v;
    }

    private IllegalArgumentException err(String what) {
        return new IllegalArgumentException("JSON: " + what + " at offset " + i);
    }

    private void ws() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                i++;
            } else {
                break;
            }
        }
    }

    private Object value() {
        if (i >= s.length()) {
            throw err("unexpected end");
        }
        char c = s.charAt(i);
        switch (c) {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw err("unexpected character '" + c + "'");
        }
    }

    private Object literal(String word, Object v) {
        if (!s.startsWith(word, i)) {
            throw err("expected " + word);
        }
        i += word.length();
        return v;
    }

    private Object number() {
        int start = i;
        boolean fractional = false;
        if (s.charAt(i) == '-') {
            i++;
        }
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                i++;
            } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                fractional = true;
                i++;
            } else {
                break;
            }
        }
        if (i - start > MAX_NUMBER) {
            throw err("number longer than " + MAX_NUMBER + " characters");
        }
        String t = s.substring(start, i);
        try {
            if (!fractional) {
                return Long.valueOf(t);
            }
            return Double.valueOf(t);
        } catch (NumberFormatException e) {
            throw err("bad number " + t);
        }
    }

    private String string() {
        i++; // opening quote
        StringBuilder b = new StringBuilder();
        while (true) {
            if (i >= s.length()) {
                throw err("unterminated string");
            }
            char c = s.charAt(i++);
            if (c == '"') {
                return b.toString();
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (i >= s.length()) {
                throw err("unterminated escape");
            }
            char e = s.charAt(i++);
            switch (e) {
                case '"': b.append('"'); break;
                case '\\': b.append('\\'); break;
                case '/': b.append('/'); break;
                case 'b': b.append('\b'); break;
                case 'f': b.append('\f'); break;
                case 'n': b.append('\n'); break;
                case 'r': b.append('\r'); break;
                case 't': b.append('\t'); break;
                case 'u':
                    if (i + 4 > s.length()) {
                        throw err("bad unicode escape");
                    }
                    try {
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    } catch (NumberFormatException ex) {
                        throw err("bad unicode escape");
                    }
                    i += 4;
                    break;
                default:
                    throw err("bad escape \\" + e);
            }
        }
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw err("nesting deeper than " + MAX_DEPTH);
        }
    }

    private List<Object> array() {
        enter();
        i++;
        List<Object> out = new ArrayList<>();
        ws();
        if (i < s.length() && s.charAt(i) == ']') {
            i++;
            depth--;
            return out;
        }
        while (true) {
            ws();
            out.add(value());
            ws();
            if (i >= s.length()) {
                throw err("unterminated array");
            }
            char c = s.charAt(i++);
            if (c == ']') {
                depth--;
                return out;
            }
            if (c != ',') {
                throw err("expected , or ]");
            }
        }
    }

    private Map<String, Object> object() {
        enter();
        i++;
        Map<String, Object> out = new LinkedHashMap<>();
        ws();
        if (i < s.length() && s.charAt(i) == '}') {
            i++;
            depth--;
            return out;
        }
        while (true) {
            ws();
            if (i >= s.length() || s.charAt(i) != '"') {
                throw err("expected member name");
            }
            String k = string();
            ws();
            if (i >= s.length() || s.charAt(i) != ':') {
                throw err("expected :");
            }
            i++;
            ws();
            out.put(k, value());
            ws();
            if (i >= s.length()) {
                throw err("unterminated object");
            }
            char c = s.charAt(i++);
            if (c == '}') {
                depth--;
                return out;
            }
            if (c != ',') {
                throw err("expected , or }");
            }
        }
    }

    // ------------------------------------------------------------------ writing

    /** Serialises maps, lists, strings, numbers, booleans and null; pretty-printed with two-space indent when indent is true. */
    public static String write(Object v, boolean indent) {
        return write(v, indent ? Integer.MAX_VALUE : 0);
    }

    /**
     * Indented only down to {@code levels} levels of nesting, compact below (a host run's report: one line per result
     * and per container instead of one per field, a third of the size).
     */
    public static String write(Object v, int levels) {
        StringBuilder b = new StringBuilder();
        write(b, v, levels, 0);
        return b.toString();
    }

    private static void nl(StringBuilder b, boolean indent, int depth) {
        if (indent) {
            b.append('\n');
            for (int k = 0; k < depth; k++) {
                b.append("  ");
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void write(StringBuilder b, Object v, int levels, int depth) {
        boolean indent = depth < levels;
        if (v == null) {
            b.append("null");
        } else if (v instanceof String) {
            quote(b, (String) v);
        } else if (v instanceof Boolean || v instanceof Long || v instanceof Integer) {
            b.append(v.toString());
        } else if (v instanceof Number) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                b.append("null");
            } else {
                b.append(v.toString());
            }
        } else if (v instanceof Map) {
            Map<String, Object> m = (Map<String, Object>) v;
            if (m.isEmpty()) {
                b.append("{}");
                return;
            }
            b.append('{');
            Iterator<Map.Entry<String, Object>> it = m.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<String, Object> e = it.next();
                nl(b, indent, depth + 1);
                quote(b, e.getKey());
                b.append(indent ? ": " : ":");
                write(b, e.getValue(), levels, depth + 1);
                if (it.hasNext()) {
                    b.append(',');
                }
            }
            nl(b, indent, depth);
            b.append('}');
        } else if (v instanceof Iterable) {
            Iterator<Object> it = ((Iterable<Object>) v).iterator();
            if (!it.hasNext()) {
                b.append("[]");
                return;
            }
            b.append('[');
            while (it.hasNext()) {
                nl(b, indent, depth + 1);
                write(b, it.next(), levels, depth + 1);
                if (it.hasNext()) {
                    b.append(',');
                }
            }
            nl(b, indent, depth);
            b.append(']');
        } else {
            quote(b, v.toString());
        }
    }

    static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            switch (c) {
                case '"': b.append("\\\""); break;
                case '\\': b.append("\\\\"); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\t': b.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        String h = Integer.toHexString(c);
                        b.append("\\u");
                        for (int p = h.length(); p < 4; p++) {
                            b.append('0');
                        }
                        b.append(h);
                    } else {
                        b.append(c);
                    }
            }
        }
        b.append('"');
    }
}
