package org.cakb.fleet;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Group commit for agent reports: concurrent reports are applied in one transaction (one commit, one disk flush, a few
 * statements for all of them) and each is answered only after that commit, so an acknowledged report is durable
 * (synchronous_commit stays on). A batch holds at most one report per host and one per report id; later reports of a
 * host wait for the next batch, in arrival order. When a batch fails as a whole (an SQL error), it is rolled back and
 * each of its reports is applied alone, so one bad report does not fail the others. A lone report is written at once:
 * batches form only from reports that arrive while a writer is busy.
 */
@ApplicationScoped
public class ReportWriter {

    private static final Logger LOG = Logger.getLogger(ReportWriter.class);

    @Inject
    AgroalDataSource dataSource;
    @Inject
    FleetStateStore store;
    /**
     * Writer threads, each with its own batch and transaction (hosts are locked in id order, so they cannot deadlock).
     * Three keep two cores busy: while one batch is built in the app, another runs in PostgreSQL and a third waits for
     * its commit (bench/fleet.sh: two left a sixth of the machine idle).
     */
    @ConfigProperty(name = "cakb.fleet.ingest.writers", defaultValue = "3")
    int writers;
    @ConfigProperty(name = "cakb.fleet.ingest.max-batch", defaultValue = "64")
    int maxBatch;
    /** How long a request waits for its batch's commit before it answers an error (the agent retries; resends are idempotent). */
    @ConfigProperty(name = "cakb.fleet.ingest.wait-seconds", defaultValue = "60")
    int waitSeconds;

    private final ArrayDeque<FleetStateStore.Pending> queue = new ArrayDeque<>();
    private final Set<Long> hostsInFlight = new HashSet<>();
    private final List<Thread> threads = new ArrayList<>();
    private boolean stopped;

    /** Applies one report (in a batch with whatever else is waiting); returns after the commit, or throws its refusal. */
    FleetStateStore.Applied write(long hostId, long credentialId, IncomingReport report, String body, String payloadHash) {
        FleetStateStore.Pending pending = new FleetStateStore.Pending(hostId, credentialId, report, body, payloadHash);
        synchronized (this) {
            if (stopped) {
                throw new IllegalStateException("the server is shutting down; send the report again");
            }
            startWriters();
            queue.add(pending);
            notify(); // one idle writer is enough; a busy one looks at the queue when its batch is done
        }
        try {
            if (!pending.done.await(waitSeconds, TimeUnit.SECONDS)) {
                synchronized (this) {
                    if (queue.remove(pending)) {
                        throw new IllegalStateException("report " + report.reportId() + " was not written within " + waitSeconds + " s; send it again");
                    }
                }
                pending.done.await(); // its batch is being written: the answer comes with the commit
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the report was written", e);
        }
        if (pending.refused != null) {
            throw pending.refused;
        }
        return pending.applied;
    }

    private void startWriters() {
        while (threads.size() < Math.max(1, writers)) {
            Thread t = new Thread(this::run, "report-writer-" + threads.size());
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    void stop(@Observes ShutdownEvent event) {
        synchronized (this) {
            stopped = true;
            for (FleetStateStore.Pending p : queue) {
                p.refused = new IllegalStateException("the server is shutting down; send the report again");
                p.done.countDown();
            }
            queue.clear();
            notifyAll();
        }
    }

    private void run() {
        while (true) {
            List<FleetStateStore.Pending> batch;
            synchronized (this) {
                batch = take();
                if (batch == null) {
                    return;
                }
            }
            try {
                writeBatch(batch);
            } finally {
                synchronized (this) {
                    for (FleetStateStore.Pending p : batch) {
                        hostsInFlight.remove(p.hostId);
                        if (p.applied == null && p.refused == null) {
                            p.refused = new IllegalStateException("report " + p.report.reportId() + " could not be stored");
                        }
                        p.done.countDown();
                    }
                    notifyAll(); // hosts left the batch: their waiting reports can go
                }
            }
        }
    }

    /** The next batch in arrival order, skipping reports whose host or id is already in a batch; null when stopped. */
    private List<FleetStateStore.Pending> take() {
        while (!stopped) {
            List<FleetStateStore.Pending> batch = new ArrayList<>();
            Set<String> ids = new HashSet<>();
            Set<Long> skippedHosts = new HashSet<>();
            for (Iterator<FleetStateStore.Pending> it = queue.iterator(); it.hasNext() && batch.size() < maxBatch; ) {
                FleetStateStore.Pending p = it.next();
                if (hostsInFlight.contains(p.hostId) || skippedHosts.contains(p.hostId) || ids.contains(p.report.reportId())) {
                    skippedHosts.add(p.hostId); // a host's later reports keep their order behind this one
                    continue;
                }
                ids.add(p.report.reportId());
                hostsInFlight.add(p.hostId);
                it.remove();
                batch.add(p);
            }
            if (!batch.isEmpty()) {
                return batch;
            }
            try {
                wait();
            } catch (InterruptedException e) {
                return null;
            }
        }
        return null;
    }

    /** Package-private for ReportBatchingTest: one batch, falling back to each report alone when the batch fails. */
    void writeBatch(List<FleetStateStore.Pending> batch) {
        try {
            inOneTransaction(batch);
        } catch (SQLException | RuntimeException e) {
            if (batch.size() == 1) {
                batch.get(0).refused = failure(batch.get(0), e);
                return;
            }
            LOG.debugf(e, "a batch of %d reports failed; applying each alone", batch.size());
            for (FleetStateStore.Pending p : batch) {
                try {
                    inOneTransaction(List.of(p));
                } catch (SQLException | RuntimeException alone) {
                    p.refused = failure(p, alone);
                }
            }
        }
    }

    private void inOneTransaction(List<FleetStateStore.Pending> batch) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                store.apply(c, batch);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                for (FleetStateStore.Pending p : batch) { // nothing of a rolled-back batch counts
                    p.applied = null;
                    p.refused = null;
                }
                c.rollback();
                throw e;
            }
        }
    }

    private static RuntimeException failure(FleetStateStore.Pending p, Exception e) {
        LOG.warnf(e, "could not store report %s", p.report.reportId());
        return e instanceof RuntimeException r ? r : new IllegalStateException("could not store report " + p.report.reportId(), e);
    }
}
