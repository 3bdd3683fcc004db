package org.cakb.common;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reading what people type into page forms: word lists and key=value labels. */
public final class FormText {

    private FormText() {
    }

    /** Words separated by spaces, commas or new lines. */
    public static List<String> words(String s) {
        return s == null ? List.of() : Arrays.stream(s.split("[\\s,]+")).filter(w -> !w.isBlank()).toList();
    }

    /** "env=prod, tier=web" as an ordered map; a pair without "=" is an INVALID error naming {@code field}. */
    public static Map<String, String> labels(String field, String s) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String pair : words(s)) {
            String[] kv = pair.split("=", 2);
            if (kv.length != 2 || kv[0].isBlank()) {
                throw Validation.field(field, "write labels as key=value, separated by spaces or commas; got '" + pair + "'");
            }
            labels.put(kv[0], kv[1]);
        }
        return labels;
    }

    /** Labels back as the text a person types. */
    public static String labelText(Map<String, String> labels) {
        StringBuilder text = new StringBuilder();
        labels.forEach((k, v) -> text.append(text.isEmpty() ? "" : " ").append(k).append('=').append(v));
        return text.toString();
    }

    public static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
