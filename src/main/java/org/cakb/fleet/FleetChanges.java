package org.cakb.fleet;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A counter of fleet state changes seen by this replica (a report with at least one status transition, first
 * observations included). Pages that keep a fleet-wide summary for a few seconds compare it to know that their copy
 * is stale here at once; changes stored by other replicas reach them when the copy expires.
 */
@ApplicationScoped
public class FleetChanges {

    private final AtomicLong version = new AtomicLong();

    void changed() {
        version.incrementAndGet();
    }

    public long version() {
        return version.get();
    }
}
