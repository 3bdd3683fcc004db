package org.cakb.security;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.cakb.common.Rows;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Failed sign-ins, counted in PostgreSQL (so every replica sees them), checked before any password is hashed.
 * <ul>
 * <li>Per account (any address): after {@code free-failures} failures in a row, each further attempt must wait a
 * delay that doubles per failure up to {@code max-delay}. There is no lock an attacker can make permanent: the
 * right password is accepted as soon as the current delay has passed, and a success clears the count.</li>
 * <li>Per client address ({@link ClientAddress}, never a client-written header): at most {@code address-max-failures}
 * failures per {@code address-window}, whichever accounts they were for (password spraying).</li>
 * </ul>
 * Rows whose window has passed are pruned (at most once a minute per replica).
 */
@ApplicationScoped
public class LoginThrottle {

    private static final Logger LOG = Logger.getLogger(LoginThrottle.class);

    @Inject
    EntityManager em;
    @ConfigProperty(name = "cakb.login.free-failures", defaultValue = "3")
    int freeFailures;
    @ConfigProperty(name = "cakb.login.first-delay", defaultValue = "PT1S")
    Duration firstDelay;
    @ConfigProperty(name = "cakb.login.max-delay", defaultValue = "PT30S")
    Duration maxDelay;
    @ConfigProperty(name = "cakb.login.account-reset-after", defaultValue = "PT1H")
    Duration accountResetAfter;
    @ConfigProperty(name = "cakb.login.address-max-failures", defaultValue = "30")
    int addressMaxFailures;
    @ConfigProperty(name = "cakb.login.address-window", defaultValue = "PT10M")
    Duration addressWindow;

    private final AtomicLong lastPrune = new AtomicLong();

    /** Why an attempt is refused before its password is checked, or empty when it may go ahead. */
    public Optional<SignInRefused> refusal(String username, String address) {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<SignInRefused> refusals = Rows.list(em, """
                            SELECT 'account' AS why, ceil(extract(epoch FROM next_attempt_at - now()))::bigint AS seconds FROM login_failure_account
                             WHERE username = :u AND next_attempt_at > now()
                            UNION ALL
                            SELECT 'address', ceil(extract(epoch FROM window_start + make_interval(secs => :w) - now()))::bigint
                              FROM login_failure_address
                             WHERE client_address = :a AND failures >= :max AND window_start > now() - make_interval(secs => :w)""",
                    Map.of("u", key(username), "a", address, "w", (double) addressWindow.toSeconds(), "max", addressMaxFailures), row -> {
                        long seconds = Math.max(1, Rows.number(row, "seconds"));
                        return new SignInRefused("account".equals(row.get("why", String.class))
                                ? "Too many failed sign-ins for this account; try again in " + seconds + " s"
                                : "Too many failed sign-ins from your address; try again in " + Math.max(1, seconds / 60) + " min", seconds);
                    });
            if (!refusals.isEmpty()) {
                return Optional.of(refusals.get(0));
            }
            return Optional.<SignInRefused>empty();
        });
    }

    public void failed(String username, String address) {
        QuarkusTransaction.requiringNew().run(() -> {
            long failures = Rows.one(em, """
                            INSERT INTO login_failure_account AS f (username, failures, last_failure, next_attempt_at)
                            VALUES (:u, 1, now(), now())
                            ON CONFLICT (username) DO UPDATE
                              SET failures = CASE WHEN f.last_failure < now() - make_interval(secs => :reset) THEN 1 ELSE f.failures + 1 END,
                                  last_failure = now()
                            RETURNING failures""", Map.of("u", key(username), "reset", (double) accountResetAfter.toSeconds()),
                    row -> Rows.number(row, "failures"));
            Duration delay = delayAfter((int) failures);
            if (!delay.isZero()) {
                em.createNativeQuery("UPDATE login_failure_account SET next_attempt_at = :next WHERE username = :u")
                        .setParameter("next", OffsetDateTime.now().plus(delay)).setParameter("u", key(username)).executeUpdate();
                LOG.infof("sign-in for '%s' delayed %s after %d failures (last from %s)", key(username), delay, (int) failures, address);
            }
            em.createNativeQuery("""
                            INSERT INTO login_failure_address AS f (client_address, failures, window_start, last_failure)
                            VALUES (:a, 1, now(), now())
                            ON CONFLICT (client_address) DO UPDATE
                              SET failures = CASE WHEN f.window_start <= now() - make_interval(secs => :w) THEN 1 ELSE f.failures + 1 END,
                                  window_start = CASE WHEN f.window_start <= now() - make_interval(secs => :w) THEN now() ELSE f.window_start END,
                                  last_failure = now()""")
                    .setParameter("a", address).setParameter("w", (double) addressWindow.toSeconds()).executeUpdate();
        });
        pruneNowAndThen();
    }

    public void succeeded(String username) {
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("DELETE FROM login_failure_account WHERE username = :u")
                .setParameter("u", key(username)).executeUpdate());
    }

    /** No delay for the first free failures, then first-delay, doubling, capped. */
    Duration delayAfter(int failures) {
        if (failures < freeFailures) {
            return Duration.ZERO;
        }
        int doublings = Math.min(30, failures - freeFailures);
        Duration d = firstDelay.multipliedBy(1L << Math.min(doublings, 20));
        return d.compareTo(maxDelay) > 0 ? maxDelay : d;
    }

    private void pruneNowAndThen() {
        long now = System.currentTimeMillis();
        long last = lastPrune.get();
        if (now - last < 60_000 || !lastPrune.compareAndSet(last, now)) {
            return;
        }
        prune();
    }

    /** Deletes rows that no longer delay or limit anything. */
    public int prune() {
        return QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery("""
                        DELETE FROM login_failure_account
                         WHERE last_failure < now() - make_interval(secs => :reset) AND next_attempt_at < now()""")
                .setParameter("reset", (double) accountResetAfter.toSeconds()).executeUpdate()
                + em.createNativeQuery("DELETE FROM login_failure_address WHERE window_start < now() - make_interval(secs => :w)")
                .setParameter("w", (double) addressWindow.toSeconds()).executeUpdate());
    }

    static String key(String username) {
        String u = username == null ? "" : username.strip().toLowerCase();
        return u.length() > 100 ? u.substring(0, 100) : u;
    }
}
