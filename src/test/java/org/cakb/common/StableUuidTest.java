package org.cakb.common;

import org.junit.jupiter.api.Test;

import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Name-based UUIDs match RFC 4122 version 5 (expected values from Python's uuid.uuid5) and stay right under concurrency. */
class StableUuidTest {

    @Test
    void version5UuidsInTheProductNamespace() {
        // uuid.uuid5(uuid.uuid5(uuid.NAMESPACE_URL, "https://cakb.invalid/"), name)
        assertEquals(UUID.fromString("04f77bdd-92d1-51cb-8942-7f9d7ab266d5"), StableUuid.of("fleet-host:1"));
        assertEquals(UUID.fromString("a129909e-4246-562a-9095-412b1564f98e"), StableUuid.of("party:alice"));
        assertEquals(5, StableUuid.of("anything").version());
    }

    @Test
    void concurrentCallersGetTheSameAnswers() throws Exception {
        var pool = Executors.newFixedThreadPool(4);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            results.add(pool.submit(() -> {
                for (int i = 0; i < 20_000; i++) {
                    StableUuid.of("other-" + i);
                    if (!StableUuid.of("fleet-host:1").toString().equals("04f77bdd-92d1-51cb-8942-7f9d7ab266d5")) {
                        return false;
                    }
                }
                return true;
            }));
        }
        for (Future<Boolean> r : results) {
            assertEquals(true, r.get());
        }
        pool.shutdown();
    }
}
