package org.cakb.fleet;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.cakb.cluster.ClusterLocks;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Delivers the drift webhook outbox: every interval, on one replica at a time (a cluster advisory lock; the others skip
 * the round), each due delivery is POSTed with its signature. Redirects are never followed (a 3xx is recorded as
 * refused), every request has a timeout, and plain http is sent only where {@link DriftWebhooks#checkedUrl} allows it.
 * At least once: a delivery is marked done only after a 2xx answer, so a replica dying mid-send means a resend.
 */
@ApplicationScoped
public class DriftWebhookSender {

    private static final Logger LOG = Logger.getLogger(DriftWebhookSender.class);
    static final String LOCK = "drift-webhook-sender";
    static final int BATCH = 100;

    @Inject
    DriftWebhooks webhooks;
    @Inject
    ClusterLocks locks;
    @ConfigProperty(name = "cakb.webhooks.timeout", defaultValue = "PT10S")
    Duration timeout;
    @ConfigProperty(name = "cakb.webhooks.interval", defaultValue = "PT10S")
    Duration interval;
    @ConfigProperty(name = "cakb.webhooks.scheduled", defaultValue = "true")
    boolean scheduled;

    private HttpClient client;
    private ScheduledExecutorService scheduler;

    /** What one round did. skipped: another replica holds the lock. */
    public record Round(boolean skipped, int attempted, int delivered) {
    }

    void start(@Observes StartupEvent event) {
        client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(timeout).build();
        if (!scheduled) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "drift-webhooks");
            t.setDaemon(true);
            return t;
        });
        long seconds = Math.max(1, interval.toSeconds());
        scheduler.scheduleWithFixedDelay(this::roundQuietly, seconds, seconds, TimeUnit.SECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    private void roundQuietly() {
        try {
            deliverDue();
        } catch (RuntimeException e) {
            LOG.warn("drift webhook round failed", e);
        }
    }

    /** One round: delivers what is due now (in batches until nothing is due), unless another replica is doing it. */
    public Round deliverDue() {
        return locks.ifFree(LOCK, () -> {
            int attempted = 0;
            int delivered = 0;
            List<DriftWebhooks.Due> due;
            do {
                due = webhooks.due(BATCH);
                for (DriftWebhooks.Due d : due) {
                    attempted++;
                    delivered += send(d) ? 1 : 0;
                }
            } while (due.size() == BATCH);
            return new Round(false, attempted, delivered);
        }).orElse(new Round(true, 0, 0));
    }

    private boolean send(DriftWebhooks.Due d) {
        byte[] body = d.payload().getBytes(StandardCharsets.UTF_8);
        HttpRequest request;
        try {
            URI uri = webhooks.checkedUrl(d.url());
            request = HttpRequest.newBuilder(uri).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "cakb-drift-webhook/1")
                    .header("X-CAKB-Event", d.eventType())
                    .header("X-CAKB-Event-Id", d.eventId().toString())
                    .header("X-CAKB-Delivery", d.id() + "/" + (d.attempts() + 1))
                    .header(WebhookSigning.SIGNATURE_HEADER, WebhookSigning.signature(webhooks.secret(d), System.currentTimeMillis() / 1000, body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        } catch (RuntimeException e) { // URL no longer allowed, secret unreadable: nothing a retry would change
            webhooks.recordAttempt(d.id(), null, e.getMessage(), false, false);
            return false;
        }
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            String text = response.body() == null ? "" : response.body().strip();
            String answer = "HTTP " + status + (text.isEmpty() ? "" : ": " + (text.length() > 300 ? text.substring(0, 300) : text));
            if (status >= 200 && status < 300) {
                webhooks.recordAttempt(d.id(), status, null, true, false);
                return true;
            }
            if (status >= 300 && status < 400) {
                webhooks.recordAttempt(d.id(), status, "redirect to " + response.headers().firstValue("Location").orElse("?")
                        + " not followed; register the final URL", false, false);
            } else {
                boolean temporary = status >= 500 || status == 408 || status == 429;
                webhooks.recordAttempt(d.id(), status, answer, false, temporary);
            }
        } catch (IOException e) {
            webhooks.recordAttempt(d.id(), null, e.getClass().getSimpleName() + ": " + e.getMessage(), false, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            webhooks.recordAttempt(d.id(), null, "interrupted", false, true);
        }
        return false;
    }
}
