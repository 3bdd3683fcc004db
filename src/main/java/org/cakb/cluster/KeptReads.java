package org.cakb.cluster;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Database reads kept in memory until a change announced on the cluster channel drops them ({@link ClusterEvents}).
 * <p>
 * Two rules keep an older state from being served after a change: nothing is served while this replica's listening
 * connection is down (announcements could be missed), and a read that started before a drop is not kept (a slow read
 * must not put back what a drop just removed). The second rule is why keeping needs {@link #startRead} first: keep and
 * drop are done under one lock with a count of drops, so a keep either comes before a drop (and is removed by it) or
 * sees that a drop was counted since its read started (and keeps nothing). Serving a kept read takes no lock.
 */
public final class KeptReads<K, V> {

    /** Where a read began: the drops counted so far, and whether announcements were being heard. */
    public record ReadStart(long drops, boolean listening) {
    }

    private record Entry<V>(V value, long expiresAtNanos) {
    }

    private final BooleanSupplier listening;
    private final int maxEntries;
    private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private final Object guard = new Object();
    private long drops;

    /**
     * @param listening whether this replica hears announcements now ({@link ClusterEvents#listening})
     * @param maxEntries when full, everything is dropped and filled again by the next reads
     */
    public KeptReads(BooleanSupplier listening, int maxEntries) {
        this.listening = listening;
        this.maxEntries = maxEntries;
    }

    /** The kept value, or null when it must be read: never kept, dropped, expired, or announcements not heard now. */
    public V get(K key) {
        Entry<V> entry = entries.get(key);
        if (entry == null || !listening.getAsBoolean() || System.nanoTime() - entry.expiresAtNanos() >= 0) {
            return null;
        }
        return entry.value();
    }

    /** To be called before the database read whose result may be kept. */
    public ReadStart startRead() {
        synchronized (guard) {
            return new ReadStart(drops, listening.getAsBoolean());
        }
    }

    /** Keeps {@code value} until {@code expiresAtNanos} (System.nanoTime), unless a drop came since {@code start}. */
    public void keep(ReadStart start, K key, V value, long expiresAtNanos) {
        if (!start.listening()) {
            return;
        }
        synchronized (guard) {
            if (drops != start.drops()) {
                return;
            }
            if (entries.size() >= maxEntries) {
                entries.clear();
            }
            entries.put(key, new Entry<>(value, expiresAtNanos));
        }
    }

    /** Drops the value kept for {@code key}. */
    public void drop(K key) {
        synchronized (guard) {
            drops++;
            entries.remove(key);
        }
    }

    /** Drops every kept value that {@code which} selects. */
    public void dropIf(Predicate<V> which) {
        synchronized (guard) {
            drops++;
            entries.values().removeIf(entry -> which.test(entry.value()));
        }
    }

    /** Drops everything (announcements may have been missed, or a change's scope is unknown). */
    public void dropAll() {
        synchronized (guard) {
            drops++;
            entries.clear();
        }
    }
}
