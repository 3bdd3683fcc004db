package org.cakb.fleet;

import org.cakb.common.DomainException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.cakb.security.Secrets;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;

/** Host registration, one-time enrollment tokens, and their exchange for a per-host credential (osquery/Fleet style). */
@ApplicationScoped
public class EnrollmentService {

    public static final String TOKEN_PREFIX = "cakb_enroll_";
    static final Duration MAX_TOKEN_LIFETIME = Duration.ofDays(7);

    public record IssuedToken(long hostId, String hostName, String token, OffsetDateTime expiresAt) {
    }

    public record IssuedCredential(long hostId, String hostName, String credential) {
    }

    @Transactional
    public FleetHost register(String name, String description, Map<String, String> labels, String admin) {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
            throw DomainException.invalid("name must be 1-128 characters: letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (FleetHost.findByName(name) != null) {
            throw new DomainException(DomainException.Kind.CONFLICT, "a host named '" + name + "' is already registered");
        }
        FleetHost host = new FleetHost();
        host.name = name;
        host.description = description == null ? "" : description.strip();
        host.labels = labels == null ? Map.of() : labels;
        host.createdBy = admin;
        host.persist();
        return host;
    }

    @Transactional
    public IssuedToken issueToken(long hostId, Duration lifetime, String admin) {
        FleetHost host = FleetHost.findById(hostId);
        if (host == null) {
            throw DomainException.notFound("no host with id " + hostId);
        }
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_TOKEN_LIFETIME) > 0) {
            throw DomainException.invalid("token lifetime must be between 1 minute and " + MAX_TOKEN_LIFETIME.toDays() + " days");
        }
        String token = Secrets.generate(TOKEN_PREFIX);
        EnrollmentToken stored = new EnrollmentToken();
        stored.hostId = hostId;
        stored.tokenHash = Secrets.sha256(token);
        stored.createdBy = admin;
        stored.expiresAt = OffsetDateTime.now().plus(lifetime);
        stored.persist();
        return new IssuedToken(hostId, host.name, token, stored.expiresAt);
    }

    /** Single use: the token row is locked, checked and marked used in the same transaction as the credential is created. */
    @Transactional
    public IssuedCredential enroll(String token) {
        if (token == null || !token.startsWith(TOKEN_PREFIX)) {
            throw new DomainException(DomainException.Kind.UNAUTHENTICATED, "not an enrollment token");
        }
        EnrollmentToken stored = EnrollmentToken.find("tokenHash", Secrets.sha256(token))
                .withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE).firstResult();
        if (stored == null) {
            throw new DomainException(DomainException.Kind.UNAUTHENTICATED, "unknown enrollment token");
        }
        if (stored.usedAt != null) {
            throw new DomainException(DomainException.Kind.UNAUTHENTICATED, "this enrollment token was already used; ask an admin for a new one");
        }
        if (stored.expiresAt.isBefore(OffsetDateTime.now())) {
            throw new DomainException(DomainException.Kind.UNAUTHENTICATED, "this enrollment token expired at " + stored.expiresAt + "; ask an admin for a new one");
        }
        stored.usedAt = OffsetDateTime.now();
        String credential = Secrets.generate(AgentCredentials.PREFIX);
        AgentCredential stored2 = new AgentCredential();
        stored2.hostId = stored.hostId;
        stored2.credentialHash = Secrets.sha256(credential);
        stored2.persist();
        FleetHost host = FleetHost.findById(stored.hostId);
        return new IssuedCredential(host.id, host.name, credential);
    }

    @Transactional
    public int revokeCredentials(long hostId, String admin) {
        if (FleetHost.findById(hostId) == null) {
            throw DomainException.notFound("no host with id " + hostId);
        }
        return AgentCredential.update("revokedAt = ?1, revokedBy = ?2 where hostId = ?3 and revokedAt is null",
                OffsetDateTime.now(), admin, hostId);
    }
}
