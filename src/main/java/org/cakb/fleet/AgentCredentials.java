package org.cakb.fleet;

import org.cakb.cluster.ClusterEvents;
import org.cakb.cluster.KeptReads;
import org.cakb.security.Roles;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.cakb.security.BearerTokenResolver;
import org.cakb.security.Secrets;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Resolves an agent's bearer credential to an identity with the single role {@code agent}, bound to its host.
 * <p>
 * A credential verified in the database is kept in memory, so the reports of an agent do not pay a lookup each
 * (issue #15). Revocation still takes effect at once, on every replica: every change that can end a credential's
 * validity is announced to all replicas by a trigger (migration V94) and drops the host's entries; and the places that
 * act on an agent's behalf check the credential's row themselves in their own transaction: a report is refused by
 * the transaction that would store it ({@link FleetStateStore}), the probe bundle and rotation check the row too
 * ({@link #stillValid}), so an announcement in flight (or lost) cannot let a revoked credential through. Nothing is
 * served from memory while this replica's listening connection is down; a read that started before a drop is not kept.
 * An entry lives until the credential's last use is a minute old (the lookup that follows records the use, as before)
 * or its rotation overlap ends.
 */
@ApplicationScoped
public class AgentCredentials implements BearerTokenResolver {

    public static final String PREFIX = "cakb_agent_";
    public static final String HOST_ID = "cakb.host-id";
    public static final String CREDENTIAL_ID = "cakb.credential-id";
    /** Cluster topic of credential changes (V94); payload: a host id, or "*". */
    static final String TOPIC = "credential";
    private static final long TOUCH_INTERVAL_NANOS = 60_000_000_000L;
    private static final int MAX_ENTRIES = 100_000;

    private record Entry(long hostId, SecurityIdentity identity, long expiresAtNanos) {
    }

    @Inject
    AgroalDataSource dataSource;
    @Inject
    ClusterEvents events;

    /** By credential hash. */
    private final KeptReads<String, Entry> verified = new KeptReads<>(() -> events.listening(), MAX_ENTRIES);
    private final AtomicLong lookups = new AtomicLong();

    void subscribe(@Observes StartupEvent event) {
        events.subscribe(TOPIC, this::changed);
    }

    @Override
    public boolean handles(String token) {
        return token.startsWith(PREFIX);
    }

    @Override
    public Optional<SecurityIdentity> resolve(String token) {
        String hash = Secrets.sha256(token);
        Entry kept = verified.get(hash);
        if (kept != null) {
            return Optional.of(kept.identity());
        }
        KeptReads.ReadStart start = verified.startRead();
        Entry read = lookup(hash);
        if (read == null) {
            return Optional.empty();
        }
        verified.keep(start, hash, read, read.expiresAtNanos());
        return Optional.of(read.identity());
    }

    /**
     * Whether the credential may act now (not revoked, not past its rotation overlap), read from the database: for the
     * agent's requests that do not store a report (those are checked in their own transaction).
     */
    public boolean stillValid(long credentialId) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("""
                     SELECT 1 FROM fleet_credential WHERE id = ? AND revoked_at IS NULL
                       AND (superseded_until IS NULL OR superseded_until > now())""")) {
            select.setLong(1, credentialId);
            try (ResultSet row = select.executeQuery()) {
                return row.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not check the agent credential", e);
        }
    }

    /** Database lookups made so far (for tests: a kept credential needs none). */
    long lookups() {
        return lookups.get();
    }

    private void changed(String payload) {
        long hostId;
        try {
            hostId = Long.parseLong(payload);
        } catch (NumberFormatException e) { // ClusterEvents.MISSED, "*" (every host) or unknown: drop everything
            verified.dropAll();
            return;
        }
        verified.dropIf(entry -> entry.hostId() == hostId);
    }

    /** One indexed lookup (and, at most once a minute per credential, the record of its use); null when not valid. */
    private Entry lookup(String hash) {
        lookups.incrementAndGet();
        long now = System.nanoTime();
        try (Connection connection = dataSource.getConnection()) {
            long credentialId, hostId;
            boolean touch;
            double sinceUse, overlapLeft;
            try (PreparedStatement select = connection.prepareStatement("""
                    SELECT id, host_id, last_used_at IS NULL OR last_used_at < now() - interval '1 minute',
                           coalesce(extract(epoch FROM now() - last_used_at), 0), extract(epoch FROM superseded_until - now())
                    FROM fleet_credential WHERE credential_hash = ? AND revoked_at IS NULL
                      AND (superseded_until IS NULL OR superseded_until > now())""")) {
                select.setString(1, hash);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return null;
                    }
                    credentialId = row.getLong(1);
                    hostId = row.getLong(2);
                    touch = row.getBoolean(3);
                    sinceUse = touch ? 0 : row.getDouble(4);
                    overlapLeft = row.getObject(5) == null ? Double.MAX_VALUE : row.getDouble(5);
                }
            }
            if (touch) { // last-used is shown to admins to the minute; not worth a write per request
                try (PreparedStatement update = connection.prepareStatement("UPDATE fleet_credential SET last_used_at = now() WHERE id = ?")) {
                    update.setLong(1, credentialId);
                    update.executeUpdate();
                }
                // the first use of a rotated-in credential ends its predecessor's overlap
                try (PreparedStatement retire = connection.prepareStatement(
                        "UPDATE fleet_credential SET revoked_at = now(), revoked_by = 'rotation' WHERE rotated_to = ? AND revoked_at IS NULL")) {
                    retire.setLong(1, credentialId);
                    retire.executeUpdate();
                }
            }
            // kept until the use is a minute old (the next lookup records the next use) or the overlap ends
            long keepNanos = (long) (Math.min(TOUCH_INTERVAL_NANOS / 1e9 - sinceUse, overlapLeft) * 1e9);
            SecurityIdentity identity = QuarkusSecurityIdentity.builder()
                    .setPrincipal(new QuarkusPrincipal("host:" + hostId))
                    .addRole(Roles.AGENT)
                    .addAttribute(HOST_ID, hostId)
                    .addAttribute(CREDENTIAL_ID, credentialId)
                    .build();
            return new Entry(hostId, identity, now + Math.max(0, keepNanos));
        } catch (SQLException e) {
            throw new IllegalStateException("could not check the agent credential", e);
        }
    }
}
