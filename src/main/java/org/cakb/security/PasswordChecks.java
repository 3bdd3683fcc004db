package org.cakb.security;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The global budget of concurrent password checks. A bcrypt check (cost 12) keeps a core busy for a quarter of a
 * second, so a flood of sign-in attempts could otherwise take every core (and, waiting, every worker thread) from the
 * signed-in users. At most {@code cakb.login.concurrent-checks} run at once (default half the cores); at most {@code cakb.login.queued-checks}
 * wait, each for at most {@code cakb.login.queue-wait}; anything beyond is refused at once without hashing.
 */
@ApplicationScoped
public class PasswordChecks {

    /** Refused because the budget is spent: the caller should retry later. */
    public static class Busy extends RuntimeException {
        Busy() {
            super("too many sign-in attempts are being checked right now; try again in a few seconds");
        }
    }

    private final Semaphore running;
    private final int maxQueued;
    private final long waitMillis;
    private final AtomicInteger queued = new AtomicInteger();

    @jakarta.inject.Inject
    PasswordChecks(@ConfigProperty(name = "cakb.login.concurrent-checks", defaultValue = "0") int concurrent,
                   @ConfigProperty(name = "cakb.login.queued-checks", defaultValue = "8") int maxQueued,
                   @ConfigProperty(name = "cakb.login.queue-wait", defaultValue = "PT3S") java.time.Duration wait) {
        // 0: half the cores, at least one, so password checks never take more than half the machine
        this.running = new Semaphore(concurrent > 0 ? concurrent : Math.max(1, Runtime.getRuntime().availableProcessors() / 2), true);
        this.maxQueued = Math.max(0, maxQueued);
        this.waitMillis = wait.toMillis();
    }

    public <T> T run(Supplier<T> check) {
        if (queued.incrementAndGet() > maxQueued + running.availablePermits()) {
            queued.decrementAndGet();
            throw new Busy();
        }
        boolean acquired;
        try {
            acquired = running.tryAcquire(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            acquired = false;
        } finally {
            queued.decrementAndGet();
        }
        if (!acquired) {
            throw new Busy();
        }
        try {
            return check.get();
        } finally {
            running.release();
        }
    }
}
