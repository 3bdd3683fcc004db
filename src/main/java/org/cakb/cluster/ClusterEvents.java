package org.cakb.cluster;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Events every replica of the app sees, carried by PostgreSQL LISTEN/NOTIFY on channel {@value #CHANNEL} (the
 * database all replicas already share; no broker). {@link #publish} hands the event to this replica's subscribers at
 * once, then notifies the others, which receive it on a dedicated listening connection within milliseconds.
 * <p>
 * Delivery is at most once: a replica whose listening connection broke (PostgreSQL restarted, network) may have
 * missed events, so after reconnecting it hands {@link #MISSED} to every subscriber of every topic, which must then
 * drop whatever it caches. Handlers run on the listener thread, one event at a time, in the order sent by a replica.
 */
@ApplicationScoped
public class ClusterEvents {

    private static final Logger LOG = Logger.getLogger(ClusterEvents.class);
    public static final String CHANNEL = "cakb_cluster";
    /** Payload given to every subscriber when events may have been missed. */
    public static final String MISSED = "*missed*";
    /** NOTIFY payloads are limited to 8000 bytes; topic, origin and separators take the rest. */
    public static final int MAX_PAYLOAD_BYTES = 7000;

    private final String instanceId = UUID.randomUUID().toString();
    private final Map<String, List<Consumer<String>>> subscribers = new ConcurrentHashMap<>();
    private final AtomicLong received = new AtomicLong();
    private volatile boolean listening;
    private volatile boolean stopping;
    private volatile Thread listener;

    @Inject
    AgroalDataSource dataSource;
    @Inject
    ClusterDb db;
    @Inject
    Event<ClusterEvent> cdi;
    @ConfigProperty(name = "cakb.cluster.listen", defaultValue = "true")
    boolean listen;

    /** This process's identity in the cluster (random per start). */
    public String instanceId() {
        return instanceId;
    }

    /** Whether the listening connection is up (events from other replicas arrive). */
    public boolean listening() {
        return listening;
    }

    /** Events received from other replicas since start. */
    public long received() {
        return received.get();
    }

    /** Calls {@code handler} with the payload of every event on {@code topic}, from this and every other replica. */
    public void subscribe(String topic, Consumer<String> handler) {
        checkTopic(topic);
        subscribers.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>()).add(handler);
    }

    /**
     * Publishes an event to every replica (this one synchronously). Inside a transaction the notification leaves
     * at commit (PostgreSQL's rule), outside at once. A failure to notify is logged, not thrown: the others then
     * catch up through {@link #MISSED} when their own connection comes back.
     */
    public void publish(String topic, String payload) {
        checkTopic(topic);
        String body = payload == null ? "" : payload;
        if (body.getBytes(StandardCharsets.UTF_8).length > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("cluster event payload over " + MAX_PAYLOAD_BYTES + " bytes on topic " + topic);
        }
        deliver(new ClusterEvent(topic, body, instanceId, true));
        notifyOthers(topic, body);
    }

    /** Publishes an event to the other replicas only (this one has acted on it already). */
    public void publishToOthers(String topic, String payload) {
        checkTopic(topic);
        String body = payload == null ? "" : payload;
        if (body.getBytes(StandardCharsets.UTF_8).length > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("cluster event payload over " + MAX_PAYLOAD_BYTES + " bytes on topic " + topic);
        }
        notifyOthers(topic, body);
    }

    private void notifyOthers(String topic, String body) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            s.setString(1, CHANNEL);
            s.setString(2, instanceId + "|" + topic + "|" + body);
            s.execute();
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("could not notify the other replicas of %s: %s", topic, e.getMessage());
        }
    }

    private static void checkTopic(String topic) {
        if (topic == null || topic.isEmpty() || topic.indexOf('|') >= 0) {
            throw new IllegalArgumentException("a topic is a non-empty name without '|': " + topic);
        }
    }

    private void deliver(ClusterEvent event) {
        for (Consumer<String> handler : subscribers.getOrDefault(event.topic(), List.of())) {
            try {
                handler.accept(event.payload());
            } catch (RuntimeException e) {
                LOG.warnf(e, "cluster event handler for %s failed", event.topic());
            }
        }
        try {
            cdi.fire(event);
        } catch (RuntimeException e) {
            LOG.warnf(e, "cluster event observer for %s failed", event.topic());
        }
    }

    private void deliverMissed() {
        for (String topic : List.copyOf(subscribers.keySet())) {
            deliver(new ClusterEvent(topic, MISSED, instanceId, false));
        }
        deliver(new ClusterEvent("*", MISSED, instanceId, false));
    }

    void start(@Observes StartupEvent event) {
        if (!listen) {
            return;
        }
        Thread t = new Thread(this::listenLoop, "cakb-cluster-listener");
        t.setDaemon(true);
        listener = t;
        t.start();
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        Thread t = listener;
        if (t != null) {
            t.interrupt();
        }
    }

    private void listenLoop() {
        boolean connectedBefore = false;
        while (!stopping) {
            try (Connection c = db.connect()) {
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
                listening = true;
                if (connectedBefore) {
                    LOG.info("cluster listener reconnected; telling subscribers events may have been missed");
                    deliverMissed();
                }
                connectedBefore = true;
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!stopping) {
                    PGNotification[] notifications = pg.getNotifications(1000);
                    if (notifications == null) {
                        // no notification within the timeout: make sure the connection is still alive
                        try (Statement s = c.createStatement()) {
                            s.execute("SELECT 1");
                        }
                        continue;
                    }
                    for (PGNotification n : notifications) {
                        handle(n.getParameter());
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!stopping) {
                    if (listening) {
                        LOG.warnf("cluster listener lost its connection (%s); reconnecting", e.getMessage());
                    }
                }
            } finally {
                listening = false;
            }
            if (!stopping) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void handle(String raw) {
        int first = raw.indexOf('|');
        int second = first < 0 ? -1 : raw.indexOf('|', first + 1);
        if (second < 0) {
            LOG.warnf("ignoring a malformed cluster notification");
            return;
        }
        String origin = raw.substring(0, first);
        if (origin.equals(instanceId)) {
            return; // delivered locally when published
        }
        received.incrementAndGet();
        deliver(new ClusterEvent(raw.substring(first + 1, second), raw.substring(second + 1), origin, false));
    }
}
