package org.cakb.fleet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.cakb.pagecopies.Revisions;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Fleet state changes (a report with at least one status transition, first observations included), after their
 * commit. A counter for this replica's few-seconds summaries (fleet coverage), and the page-copy scopes "host:id" and
 * "fleet", counted here at once and announced to the other replicas shortly ({@link Revisions#changedHere}).
 */
@ApplicationScoped
public class FleetChanges {

    /** The scope of one host's pages. */
    public static String hostScope(long hostId) {
        return "host:" + hostId;
    }

    /** The scope of pages over the whole fleet. */
    public static final String FLEET_SCOPE = "fleet";

    @Inject
    Revisions revisions;

    private final AtomicLong version = new AtomicLong();

    void changed(long hostId) {
        version.incrementAndGet();
        revisions.changedHere(hostScope(hostId), FLEET_SCOPE);
    }

    public long version() {
        return version.get();
    }
}
