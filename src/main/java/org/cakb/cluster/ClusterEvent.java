package org.cakb.cluster;

/**
 * A cluster-wide event as delivered on one replica (also fired as a CDI event, so a bean can simply
 * {@code @Observes ClusterEvent}). {@code local} is true on the replica that published it.
 * {@link ClusterEvents#MISSED} as payload means events may have been lost (the listener reconnected): drop caches.
 */
public record ClusterEvent(String topic, String payload, String origin, boolean local) {

    public boolean missed() {
        return ClusterEvents.MISSED.equals(payload);
    }
}
