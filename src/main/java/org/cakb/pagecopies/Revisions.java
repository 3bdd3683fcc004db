package org.cakb.pagecopies;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.cakb.cluster.ClusterEvents;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the data behind a dynamic page has gone through, as counters a page copy is compared with. A scope names a
 * part of the data ("assessment:12", "host:7", "fleet" for any fleet state, "accounts"); a page copy remembers the
 * counters of the scopes it showed, read before its data was read, and is used only while all of them and the
 * generation (bumped to drop everything) are unchanged.
 * <p>
 * Counters move when a change is committed: on every replica through the cluster channel (the database announces
 * assessment changes itself, V91, whoever wrote them; fleet changes are announced by ingestion, gathered for a quarter
 * of a second), and at once on the replica that wrote ({@link #dropAllHere()} after a person's state-changing request,
 * {@link #changedHere} after a report). While this replica's listening connection is down nothing is served from a
 * copy ({@link #usable()}), and after it reconnects every copy is dropped.
 */
@ApplicationScoped
public class Revisions {

    /** Cluster topic of revision changes; payload: a scope, or "*" for every scope. V91's triggers publish on it too. */
    static final String TOPIC = "revision";
    private static final int MAX_SCOPES = 200_000;

    @Inject
    ClusterEvents events;

    @ConfigProperty(name = "cakb.web.page-copies", defaultValue = "true")
    boolean enabled;

    private final ConcurrentHashMap<String, AtomicLong> scopes = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    /** Scopes changed here whose announcement to the other replicas is gathered and sent shortly. */
    private final Set<String> toAnnounce = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService announcer;

    /** The counters a copy was rendered against. */
    public record Snapshot(long generation, String[] scopes, long[] values) {
    }

    void start(@Observes StartupEvent event) {
        events.subscribe(TOPIC, this::received);
        events.subscribe("account", username -> bump("accounts")); // V90: names and roles shown on pages
        announcer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cakb-revision-announcer");
            t.setDaemon(true);
            return t;
        });
        announcer.scheduleWithFixedDelay(this::announceGathered, 250, 250, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (announcer != null) {
            announcer.shutdownNow();
        }
    }

    /** Whether copies may be used now: enabled, and this replica hears the others' changes. */
    public boolean usable() {
        return enabled && events.listening();
    }

    /** The counters of the given scopes now; null when copies may not be used. Take it before reading the data. */
    public Snapshot snapshot(String... names) {
        if (!usable()) {
            return null;
        }
        long gen = generation.get();
        long[] values = new long[names.length];
        for (int i = 0; i < names.length; i++) {
            values[i] = counter(names[i]).get();
        }
        return new Snapshot(gen, names.clone(), values);
    }

    /** Whether nothing the snapshot covers has changed since it was taken. */
    public boolean current(Snapshot snapshot) {
        if (snapshot == null || !usable() || snapshot.generation() != generation.get()) {
            return false;
        }
        for (int i = 0; i < snapshot.scopes().length; i++) {
            AtomicLong counter = scopes.get(snapshot.scopes()[i]);
            if (counter == null || counter.get() != snapshot.values()[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * A change committed by this replica to the given scopes: counted here at once; the other replicas learn it within
     * about a quarter of a second (one announcement for everything changed meanwhile, however many reports).
     */
    public void changedHere(String... names) {
        for (String name : names) {
            bump(name);
            toAnnounce.add(name);
        }
    }

    /** Record titles and links are on every dynamic page; a load announces itself on every replica. */
    void contentLoaded(@Observes org.cakb.catalog.ContentLoaded event) {
        dropAllHere();
    }

    /** Drops every copy on this replica (a person's write here: the database tells the other replicas). */
    public void dropAllHere() {
        generation.incrementAndGet();
    }

    private void received(String payload) {
        if (ClusterEvents.MISSED.equals(payload) || "*".equals(payload)) {
            generation.incrementAndGet();
            return;
        }
        for (String name : payload.split(",")) {
            if (!name.isEmpty()) {
                bump(name);
            }
        }
    }

    private void bump(String name) {
        counter(name).incrementAndGet();
    }

    private AtomicLong counter(String name) {
        AtomicLong counter = scopes.get(name);
        if (counter != null) {
            return counter;
        }
        if (scopes.size() >= MAX_SCOPES) { // dropping the counters would let a copy match a reused value: drop every copy too
            generation.incrementAndGet();
            scopes.clear();
        }
        return scopes.computeIfAbsent(name, n -> new AtomicLong());
    }

    private void announceGathered() {
        if (toAnnounce.isEmpty()) {
            return;
        }
        String[] names = toAnnounce.toArray(String[]::new);
        Arrays.asList(names).forEach(toAnnounce::remove);
        String payload = String.join(",", names);
        try {
            events.publishToOthers(TOPIC, payload.length() > 6000 ? "*" : payload);
        } catch (RuntimeException e) { // the others catch up when the copies expire or their connection comes back
            toAnnounce.addAll(Arrays.asList(names));
        }
    }
}
