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

    @jakarta.inject.Inject
    BundleSigner signer;


    public static final String TOKEN_PREFIX = "cakb_enroll_";
    public static final Duration MAX_TOKEN_LIFETIME = Duration.ofDays(7);

    public record IssuedToken(long hostId, String hostName, String token, OffsetDateTime expiresAt) {
    }

    /** bundleSigningKey: base64 X.509 Ed25519 public key the agent checks served probe bundles with. */
    public record IssuedCredential(long hostId, String hostName, String credential, String bundleSigningKey,
            String bundleSigningAlgorithm) {
    }

    @jakarta.inject.Inject
    org.cakb.security.AuditTrail audit;
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "cakb.agent.rotation-overlap", defaultValue = "PT1H")
    Duration rotationOverlap;

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
        audit.record(org.cakb.security.AuditTrail.HOST_REGISTER, admin, "host:" + host.id + " " + host.name, true, null);
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
        return new IssuedCredential(host.id, host.name, credential, signer.publicKeyBase64(), BundleSigner.ALGORITHM);
    }

    @Transactional
    public int revokeCredentials(long hostId, String admin) {
        if (FleetHost.findById(hostId) == null) {
            throw DomainException.notFound("no host with id " + hostId);
        }
        int revoked = AgentCredential.update("revokedAt = ?1, revokedBy = ?2 where hostId = ?3 and revokedAt is null",
                OffsetDateTime.now(), admin, hostId);
        audit.record(org.cakb.security.AuditTrail.HOST_REVOKE, admin, "host:" + hostId, true, revoked + " credential(s) revoked");
        return revoked;
    }

    /**
     * An admin's rotation of a host's credentials: every current credential is revoked and a new one-time enrollment
     * token issued, in one transaction; the agent gets its new credential with {@code enroll --force}.
     */
    @Transactional
    public IssuedToken rotateByAdmin(long hostId, Duration tokenLifetime, String admin) {
        revokeCredentials(hostId, admin);
        return issueToken(hostId, tokenLifetime, admin);
    }

    /**
     * The agent's own credential rotation: a new secret for the same host, without re-enrollment. The old credential
     * keeps working for {@code cakb.agent.rotation-overlap} (or until the new one is first used, see
     * {@link AgentCredentials}), so an answer lost on the way does not strand the agent.
     */
    @Transactional
    public IssuedCredential rotate(long credentialId) {
        AgentCredential old = AgentCredential.findById(credentialId, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
        if (old == null || old.revokedAt != null) {
            throw DomainException.unauthenticated("this credential is revoked");
        }
        if (old.rotatedTo != null) {
            throw DomainException.conflict("this credential was already rotated; use the new one");
        }
        String credential = Secrets.generate(AgentCredentials.PREFIX);
        AgentCredential fresh = new AgentCredential();
        fresh.hostId = old.hostId;
        fresh.credentialHash = Secrets.sha256(credential);
        fresh.persist();
        old.rotatedTo = fresh.id;
        old.supersededUntil = OffsetDateTime.now().plus(rotationOverlap);
        FleetHost host = FleetHost.findById(old.hostId);
        audit.record(org.cakb.security.AuditTrail.AGENT_ROTATE, "host:" + host.id, "host:" + host.id + " " + host.name, true,
                "credential " + old.id + " -> " + fresh.id);
        return new IssuedCredential(host.id, host.name, credential, signer.publicKeyBase64(), BundleSigner.ALGORITHM);
    }
}
