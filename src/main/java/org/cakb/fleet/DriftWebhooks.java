package org.cakb.fleet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.cakb.common.DomainException;
import org.cakb.common.Rows;
import org.cakb.common.Validation;
import org.cakb.security.AuditTrail;
import org.cakb.security.Secrets;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Drift webhooks: registering them (the signing secret is shown once, then kept encrypted), disabling them, their
 * deliveries, and the outbox operations of {@link DriftWebhookSender}. Every change is in the audit trail.
 */
@ApplicationScoped
public class DriftWebhooks {

    @Inject
    EntityManager em;
    @Inject
    Validation validation;
    @Inject
    WebhookSigning signing;
    @Inject
    AuditTrail audit;
    @ConfigProperty(name = "cakb.webhooks.allow-loopback-http", defaultValue = "false")
    boolean allowLoopbackHttp;
    @ConfigProperty(name = "cakb.webhooks.first-retry", defaultValue = "PT30S")
    Duration firstRetry;
    @ConfigProperty(name = "cakb.webhooks.max-retry", defaultValue = "PT1H")
    Duration maxRetry;
    @ConfigProperty(name = "cakb.webhooks.max-attempts", defaultValue = "8")
    int maxAttempts;

    public record NewWebhook(@NotBlank @Size(max = 2000) String url, @Size(max = 200) String description) {
    }

    public record Webhook(long id, String url, String description, String secretHint, String createdBy, OffsetDateTime createdAt,
                          String disabledBy, OffsetDateTime disabledAt, long pending, long delivered, long refused, long failed) {
    }

    /** The answer to a registration: the only time the secret is shown. */
    public record Created(Webhook webhook, String secret, String signatureHeader) {
    }

    public record Delivery(long id, UUID eventId, String eventType, String state, int attempts, Integer lastStatus, String lastError,
                           OffsetDateTime createdAt, OffsetDateTime lastAttemptAt, OffsetDateTime nextAttemptAt, OffsetDateTime finishedAt) {
    }

    /** A delivery to attempt now. */
    record Due(long id, long webhookId, String url, String secretCiphertext, UUID eventId, String eventType, String payload, int attempts) {
    }

    @Transactional
    public Created create(NewWebhook req, String actor) {
        validation.check(req);
        URI uri = checkedUrl(req.url().strip());
        String secret = Secrets.generate("cakb_whsec_");
        DriftWebhook w = new DriftWebhook();
        w.url = uri.toString();
        w.description = req.description() == null ? "" : req.description().strip();
        w.secretCiphertext = signing.encrypt(secret);
        w.secretHint = secret.substring(0, 16) + "…";
        w.createdBy = actor;
        w.persist();
        em.flush();
        audit.record(AuditTrail.WEBHOOK_CREATE, actor, "webhook:" + w.id, true, w.url);
        return new Created(view(w.id), secret, WebhookSigning.SIGNATURE_HEADER);
    }

    /** Stops deliveries to the webhook: nothing new is queued, pending deliveries are cancelled. The history stays. */
    @Transactional
    public Webhook disable(long id, String actor) {
        DriftWebhook w = DriftWebhook.findById(id, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
        if (w == null) {
            throw DomainException.notFound("No webhook with id " + id);
        }
        if (w.disabledAt == null) {
            w.disabledAt = OffsetDateTime.now();
            w.disabledBy = actor;
            long cancelled = DriftWebhookDelivery.update("state = ?1, finishedAt = ?2 where webhookId = ?3 and state = ?4",
                    DriftWebhookDelivery.CANCELLED, w.disabledAt, id, DriftWebhookDelivery.PENDING);
            audit.record(AuditTrail.WEBHOOK_DISABLE, actor, "webhook:" + id, true, w.url + " (" + cancelled + " pending deliveries cancelled)");
        }
        em.flush();
        return view(id);
    }

    @Transactional
    public List<Webhook> list() {
        return Rows.list(em, SELECT + " GROUP BY w.id ORDER BY w.id", this::webhook);
    }

    @Transactional
    public Webhook view(long id) {
        List<Webhook> one = Rows.list(em, SELECT + " WHERE w.id = :id GROUP BY w.id", Map.of("id", id), this::webhook);
        if (one.isEmpty()) {
            throw DomainException.notFound("No webhook with id " + id);
        }
        return one.get(0);
    }

    /** The webhook's latest deliveries, newest first; failures only when failuresOnly. */
    @Transactional
    public List<Delivery> deliveries(long id, boolean failuresOnly, int limit) {
        view(id);
        return DriftWebhookDelivery.<DriftWebhookDelivery>find("webhookId = ?1" + (failuresOnly ? " and state in ('refused', 'failed')" : "")
                        + " order by id desc", id).page(0, limit).list().stream()
                .map(d -> new Delivery(d.id, d.eventId, d.eventType, d.state, d.attempts, d.lastStatus, d.lastError, d.createdAt,
                        d.lastAttemptAt, d.state.equals(DriftWebhookDelivery.PENDING) ? d.nextAttemptAt : null, d.finishedAt)).toList();
    }

    // ---------------------------------------------------------------- the sender's side of the outbox

    @Transactional
    List<Due> due(int limit) {
        return Rows.list(em, """
                SELECT d.id, d.webhook_id, w.url, w.secret_ciphertext, d.event_id::text AS event_id, d.event_type, d.payload, d.attempts
                FROM drift_webhook_delivery d JOIN drift_webhook w ON w.id = d.webhook_id
                WHERE d.state = 'pending' AND d.next_attempt_at <= now() AND w.disabled_at IS NULL
                ORDER BY d.next_attempt_at, d.id LIMIT :limit""", Map.of("limit", limit),
                row -> new Due(Rows.number(row, "id"), Rows.number(row, "webhook_id"), row.get("url", String.class),
                        row.get("secret_ciphertext", String.class), UUID.fromString(row.get("event_id", String.class)),
                        row.get("event_type", String.class), row.get("payload", String.class), (int) Rows.number(row, "attempts")));
    }

    /**
     * Records one attempt. retry: the failure may be temporary (5xx, 408, 429, timeout, connection); the next attempt
     * waits first-retry × 2^(attempts-1), at most max-retry, and after max-attempts the delivery has failed for good.
     */
    @Transactional
    void recordAttempt(long deliveryId, Integer status, String error, boolean delivered, boolean retry) {
        DriftWebhookDelivery d = DriftWebhookDelivery.findById(deliveryId, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
        if (d == null || !DriftWebhookDelivery.PENDING.equals(d.state)) {
            return; // cancelled meanwhile
        }
        OffsetDateTime now = OffsetDateTime.now();
        d.attempts++;
        d.lastAttemptAt = now;
        d.lastStatus = status;
        d.lastError = error == null ? null : error.length() > 1000 ? error.substring(0, 1000) : error;
        if (delivered) {
            d.state = DriftWebhookDelivery.DELIVERED;
            d.finishedAt = now;
        } else if (!retry) {
            d.state = DriftWebhookDelivery.REFUSED;
            d.finishedAt = now;
        } else if (d.attempts >= maxAttempts) {
            d.state = DriftWebhookDelivery.FAILED;
            d.finishedAt = now;
        } else {
            d.nextAttemptAt = now.plus(backoff(d.attempts));
        }
    }

    Duration backoff(int attempts) {
        Duration delay = firstRetry.multipliedBy(1L << Math.min(attempts - 1, 20));
        return delay.compareTo(maxRetry) > 0 ? maxRetry : delay;
    }

    String secret(Due due) {
        return signing.decrypt(due.secretCiphertext());
    }

    /** https, or http to a loopback address where allowed (tests); no credentials in the URL. Checked again before each send. */
    URI checkedUrl(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw Validation.field("url", "is not a valid URL: " + e.getMessage());
        }
        if (uri.getHost() == null || uri.getScheme() == null) {
            throw Validation.field("url", "must be an absolute https:// URL with a host");
        }
        if (uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw Validation.field("url", "must not contain credentials or a #fragment (the body is signed; use the secret)");
        }
        String scheme = uri.getScheme().toLowerCase();
        if (scheme.equals("https")) {
            return uri;
        }
        if (scheme.equals("http") && allowLoopbackHttp && isLoopback(uri.getHost())) {
            return uri;
        }
        throw Validation.field("url", "must use https (plain http is refused: the events describe weaknesses of your hosts)");
    }

    private static boolean isLoopback(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false; // a name other than localhost would need DNS, whose answer can change
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static final String SELECT = """
            SELECT w.id, w.url, w.description, w.secret_hint, w.created_by, w.created_at, w.disabled_by, w.disabled_at,
                   count(d.id) FILTER (WHERE d.state = 'pending') AS pending,
                   count(d.id) FILTER (WHERE d.state = 'delivered') AS delivered,
                   count(d.id) FILTER (WHERE d.state = 'refused') AS refused,
                   count(d.id) FILTER (WHERE d.state = 'failed') AS failed
            FROM drift_webhook w LEFT JOIN drift_webhook_delivery d ON d.webhook_id = w.id""";

    private Webhook webhook(jakarta.persistence.Tuple row) {
        return new Webhook(Rows.number(row, "id"), row.get("url", String.class), row.get("description", String.class),
                row.get("secret_hint", String.class), row.get("created_by", String.class), FleetQueries.offset(row.get("created_at")),
                row.get("disabled_by", String.class), FleetQueries.offset(row.get("disabled_at")),
                Rows.number(row, "pending"), Rows.number(row, "delivered"), Rows.number(row, "refused"), Rows.number(row, "failed"));
    }
}
