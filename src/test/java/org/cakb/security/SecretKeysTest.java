package org.cakb.security;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecretKeysTest {

    @Test
    void shortKeysAreNamedWithTheirLength() {
        assertEquals(List.of("CAKB_CSRF_KEY must be at least 32 characters (it has 10)",
                "CAKB_SESSION_KEY must be at least 16 characters (it has 0)"), SecretKeys.problems("0123456789", ""));
        assertTrue(SecretKeys.problems("x".repeat(32), "y".repeat(16)).isEmpty());
    }
}
