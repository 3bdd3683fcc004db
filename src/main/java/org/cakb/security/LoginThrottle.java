package org.cakb.security;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * Failed-login counter per username and client address, in PostgreSQL (table login_failure). After
 * {@code cakb.login.max-failures} failures in a row the pair is locked for {@code cakb.login.lockout}; while locked,
 * even the right password is refused. A successful login clears the counter.
 */
@ApplicationScoped
public class LoginThrottle {

    private static final Logger LOG = Logger.getLogger(LoginThrottle.class);

    @Inject
    EntityManager em;
    @ConfigProperty(name = "cakb.login.max-failures", defaultValue = "5")
    int maxFailures;
    @ConfigProperty(name = "cakb.login.lockout", defaultValue = "PT5M")
    Duration lockout;

    public boolean isLocked(String username, String address) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Number n = (Number) em.createNativeQuery("""
                            SELECT count(*) FROM login_failure
                            WHERE username = :u AND client_address = :a AND locked_until > now()""")
                    .setParameter("u", key(username)).setParameter("a", address).getSingleResult();
            return n.longValue() > 0;
        });
    }

    public void failed(String username, String address) {
        QuarkusTransaction.requiringNew().run(() -> {
            Number failures = (Number) em.createNativeQuery("""
                            INSERT INTO login_failure (username, client_address, failures, last_failure)
                            VALUES (:u, :a, 1, now())
                            ON CONFLICT (username, client_address) DO UPDATE
                              SET failures = CASE WHEN login_failure.locked_until IS NOT NULL AND login_failure.locked_until <= now()
                                                  THEN 1 ELSE login_failure.failures + 1 END,
                                  locked_until = CASE WHEN login_failure.locked_until <= now() THEN NULL ELSE login_failure.locked_until END,
                                  last_failure = now()
                            RETURNING failures""")
                    .setParameter("u", key(username)).setParameter("a", address).getSingleResult();
            if (failures.intValue() >= maxFailures) {
                em.createNativeQuery("UPDATE login_failure SET locked_until = :until WHERE username = :u AND client_address = :a")
                        .setParameter("until", OffsetDateTime.now().plus(lockout))
                        .setParameter("u", key(username)).setParameter("a", address).executeUpdate();
                LOG.warnf("login for '%s' from %s locked for %s after %d failures", key(username), address, lockout, failures.intValue());
            }
        });
    }

    public void succeeded(String username, String address) {
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                        "DELETE FROM login_failure WHERE username = :u AND client_address = :a")
                .setParameter("u", key(username)).setParameter("a", address).executeUpdate());
    }

    private static String key(String username) {
        String u = username == null ? "" : username.strip().toLowerCase();
        return u.length() > 100 ? u.substring(0, 100) : u;
    }
}
