package org.cakb.assessment;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class SuggestionRuleTest {

    @Test
    void everyCaseOfTheRule() {
        assertEquals("satisfied", SuggestionRule.suggest(List.of("pass", "pass", "not-applicable", "error")));
        assertEquals("not-satisfied", SuggestionRule.suggest(List.of("fail", "error")));
        assertEquals("partially-satisfied", SuggestionRule.suggest(List.of("pass", "fail", "not-applicable")));
        assertEquals("not-applicable", SuggestionRule.suggest(List.of("not-applicable", "error")));
        assertNull(SuggestionRule.suggest(List.of("error", "error")));
        assertNull(SuggestionRule.suggest(List.of()));
    }
}
