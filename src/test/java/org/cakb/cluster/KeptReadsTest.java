package org.cakb.cluster;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules agent credentials and signed-in accounts rely on to never serve a state older than an announced change. */
class KeptReadsTest {

    private static final long HOUR = 3_600_000_000_000L;

    private final AtomicBoolean listening = new AtomicBoolean(true);
    private final KeptReads<String, Integer> reads = new KeptReads<>(listening::get, 100);

    private void keep(String key, int value) {
        reads.keep(reads.startRead(), key, value, System.nanoTime() + HOUR);
    }

    @Test
    void aKeptReadIsServedUntilItExpires() {
        keep("a", 1);
        reads.keep(reads.startRead(), "b", 2, System.nanoTime() - 1);
        assertEquals(1, reads.get("a"));
        assertNull(reads.get("b"), "expired");
        assertNull(reads.get("c"), "never kept");
    }

    @Test
    void aReadThatStartedBeforeAnyDropIsNotKept() {
        KeptReads.ReadStart beforeDrop = reads.startRead();
        reads.drop("other");
        reads.keep(beforeDrop, "a", 1, System.nanoTime() + HOUR);
        assertNull(reads.get("a"), "a drop of any key came while it was read");

        beforeDrop = reads.startRead();
        reads.dropIf(value -> false);
        reads.keep(beforeDrop, "a", 1, System.nanoTime() + HOUR);
        assertNull(reads.get("a"), "dropIf counts even when it selects nothing");

        beforeDrop = reads.startRead();
        reads.dropAll();
        reads.keep(beforeDrop, "a", 1, System.nanoTime() + HOUR);
        assertNull(reads.get("a"));

        keep("a", 2);
        assertEquals(2, reads.get("a"), "a read that started after the drops is kept");
    }

    @Test
    void dropsTakeOnlyWhatTheyName() {
        keep("a", 1);
        keep("b", 2);
        keep("c", 3);
        reads.drop("a");
        reads.dropIf(value -> value == 3);
        assertNull(reads.get("a"));
        assertEquals(2, reads.get("b"));
        assertNull(reads.get("c"));
        reads.dropAll();
        assertNull(reads.get("b"));
    }

    @Test
    void nothingIsServedOrKeptWhileAnnouncementsAreNotHeard() {
        keep("a", 1);
        listening.set(false);
        assertNull(reads.get("a"), "a change could be missed now");
        keep("b", 2);
        listening.set(true);
        assertNull(reads.get("b"), "a read made while not listening is never kept");
        assertEquals(1, reads.get("a"), "(the owner drops everything on ClusterEvents.MISSED when listening resumes)");
    }

    @Test
    void whenFullItStartsOver() {
        for (int i = 0; i < 100; i++) {
            keep("k" + i, i);
        }
        keep("last", 100);
        assertNull(reads.get("k0"));
        assertEquals(100, reads.get("last"));
    }

    /** A writer changes the value and drops it; a reader reads and keeps, over and over: nothing older is ever kept. */
    @Test
    void aSlowReadNeverPutsBackAnOlderValue() throws Exception {
        AtomicInteger current = new AtomicInteger();
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            started.countDown();
            while (!done.get()) {
                KeptReads.ReadStart start = reads.startRead();
                int read = current.get();
                Thread.yield(); // a slow read: the writer may change and drop meanwhile
                reads.keep(start, "a", read, System.nanoTime() + HOUR);
            }
        });
        reader.setUncaughtExceptionHandler((t, e) -> failure.set(e));
        reader.start();
        started.await();
        try {
            for (int i = 1; i <= 20_000; i++) {
                current.set(i);
                reads.drop("a");
                Integer served = reads.get("a");
                assertTrue(served == null || served == i, "served " + served + " after the change to " + i);
                Thread.yield();
            }
        } finally {
            done.set(true);
            reader.join();
        }
        assertNull(failure.get());
    }
}
