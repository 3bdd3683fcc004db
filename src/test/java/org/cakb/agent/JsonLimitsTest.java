package org.cakb.agent;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agent's JSON reader cannot be made to overflow the stack or buffer without bound. */
class JsonLimitsTest {

    @Test
    void deepNestingIsAnErrorNotAStackOverflow() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(deep));
        assertTrue(e.getMessage().contains("nesting deeper than " + Json.MAX_DEPTH), e.getMessage());
        String objects = "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000);
        assertThrows(IllegalArgumentException.class, () -> Json.parse(objects));
        IllegalArgumentException b = assertThrows(IllegalArgumentException.class,
                () -> ProbeBundle.parse("{\"format\":1,\"probes\":" + deep + "}", "hostile"));
        assertTrue(b.getMessage().contains("nesting"), b.getMessage());
    }

    @Test
    void nestingUpToTheLimitStillParses() {
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        assertTrue(Json.parse(ok) instanceof List);
        assertEquals(Map.of("a", List.of(1L)), Json.parse("{\"a\":[1]}"));
        // siblings do not add up: depth is nesting, not count
        assertEquals(200, ((List<?>) Json.parse("[" + "[1],".repeat(199) + "[1]]")).size());
    }

    @Test
    void sizeAndNumberLimits() {
        assertThrows(IllegalArgumentException.class, () -> Json.parse("\"" + "x".repeat(Json.MAX_CHARS) + "\""));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("1".repeat(100)));
        assertThrows(IllegalArgumentException.class, () -> Json.parse(null));
    }

    @Test
    void probeDefinitionsAreBounded() {
        String longId = "{\"format\":1,\"probes\":[{\"id\":\"" + "p".repeat(300) + "\",\"check\":{\"type\":\"sysctl\"}}]}";
        assertThrows(IllegalArgumentException.class, () -> ProbeBundle.parse(longId, "hostile"));
        String nl = "{\"format\":1,\"probes\":[{\"id\":\"a\\nb\",\"check\":{\"type\":\"sysctl\"}}]}";
        assertThrows(IllegalArgumentException.class, () -> ProbeBundle.parse(nl, "hostile"));
        StringBuilder many = new StringBuilder("{\"format\":1,\"probes\":[");
        for (int k = 0; k <= ProbeBundle.MAX_PROBES; k++) {
            many.append(k == 0 ? "" : ",").append("{\"id\":\"p").append(k).append("\"}");
        }
        assertThrows(IllegalArgumentException.class, () -> ProbeBundle.parse(many + "]}", "hostile"));
    }
}
