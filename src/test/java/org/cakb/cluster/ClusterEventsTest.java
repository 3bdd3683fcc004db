package org.cakb.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The cluster event bus and locks against the real PostgreSQL: a notification sent by "another replica" (a plain
 * NOTIFY with another origin) reaches subscribers; our own notifications are delivered once (locally), not twice;
 * advisory locks exclude a second holder.
 */
@QuarkusTest
class ClusterEventsTest {

    @Inject
    ClusterEvents events;
    @Inject
    ClusterLocks locks;
    @Inject
    AgroalDataSource dataSource;

    void notifyAsOtherReplica(String topic, String payload) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            s.setString(1, ClusterEvents.CHANNEL);
            s.setString(2, "other-replica|" + topic + "|" + payload);
            s.execute();
        }
    }

    @Test
    void eventFromAnotherReplicaReachesSubscribersWithinASecond() throws Exception {
        long t0 = System.currentTimeMillis();
        while (!events.listening() && System.currentTimeMillis() - t0 < 10_000) {
            Thread.sleep(50);
        }
        assertTrue(events.listening(), "the listener connected");
        List<String> got = new CopyOnWriteArrayList<>();
        CountDownLatch latch = new CountDownLatch(1);
        events.subscribe("test.remote", p -> {
            got.add(p);
            latch.countDown();
        });
        long sent = System.nanoTime();
        notifyAsOtherReplica("test.remote", "hello|with bar");
        assertTrue(latch.await(1, TimeUnit.SECONDS), "delivered within 1 s");
        System.out.printf("[ClusterEventsTest] NOTIFY -> subscriber in %.1f ms%n", (System.nanoTime() - sent) / 1e6);
        assertEquals(List.of("hello|with bar"), got, "payload intact, pipes included");
    }

    @Test
    void ownEventIsDeliveredOnceLocally() throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        events.subscribe("test.own", got::add);
        events.publish("test.own", "42");
        assertEquals(List.of("42"), got, "delivered synchronously on publish");
        Thread.sleep(700); // the notification comes back on our listener and must be ignored
        assertEquals(List.of("42"), got, "not delivered a second time by the loop-back notification");
    }

    @Test
    void badTopicsAndOversizedPayloadsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> events.publish("a|b", "x"));
        assertThrows(IllegalArgumentException.class, () -> events.publish("", "x"));
        assertThrows(IllegalArgumentException.class, () -> events.publish("t", "x".repeat(ClusterEvents.MAX_PAYLOAD_BYTES + 1)));
    }

    @Test
    void advisoryLockExcludesASecondHolder() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> locks.withLock("test-lock", () -> {
            held.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }));
        holder.start();
        assertTrue(held.await(10, TimeUnit.SECONDS));
        AtomicBoolean ran = new AtomicBoolean();
        Optional<String> r = locks.ifFree("test-lock", () -> {
            ran.set(true);
            return "ran";
        });
        assertFalse(ran.get(), "ifFree must not run while another session holds the lock");
        assertTrue(r.isEmpty());
        release.countDown();
        holder.join(10_000);
        assertEquals(Optional.of("ran"), locks.ifFree("test-lock", () -> "ran"), "free again once the holder is done");
    }
}
