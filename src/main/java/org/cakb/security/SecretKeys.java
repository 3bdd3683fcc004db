package org.cakb.security;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Refuses to start with keys too short to be used: Quarkus accepts a short CSRF signing key at start-up and then fails
 * every form page with a 500, which an operator would only find out from the users.
 */
@ApplicationScoped
public class SecretKeys {

    static final int MIN_CSRF_KEY = 32;
    static final int MIN_SESSION_KEY = 16;

    @ConfigProperty(name = "quarkus.rest-csrf.token-signature-key")
    Optional<String> csrfKey;
    @ConfigProperty(name = "quarkus.http.auth.session.encryption-key")
    Optional<String> sessionKey;

    void onStart(@Observes StartupEvent event) {
        List<String> problems = problems(csrfKey.orElse(""), sessionKey.orElse(""));
        if (!problems.isEmpty()) {
            throw new IllegalStateException(String.join("; ", problems));
        }
    }

    static List<String> problems(String csrf, String session) {
        List<String> problems = new ArrayList<>();
        if (csrf.length() < MIN_CSRF_KEY) {
            problems.add("CAKB_CSRF_KEY must be at least " + MIN_CSRF_KEY + " characters (it has " + csrf.length() + ")");
        }
        if (session.length() < MIN_SESSION_KEY) {
            problems.add("CAKB_SESSION_KEY must be at least " + MIN_SESSION_KEY + " characters (it has " + session.length() + ")");
        }
        return problems;
    }
}
