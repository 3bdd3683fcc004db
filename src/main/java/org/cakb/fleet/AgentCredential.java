package org.cakb.fleet;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** The per-host secret an enrolled agent authenticates with. Only the hash is stored; revocable. */
@Entity
@Table(name = "fleet_credential")
public class AgentCredential extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "host_id", nullable = false)
    public Long hostId;

    @Column(name = "credential_hash", nullable = false, unique = true)
    public String credentialHash;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt = OffsetDateTime.now();

    @Column(name = "last_used_at")
    public OffsetDateTime lastUsedAt;

    @Column(name = "revoked_at")
    public OffsetDateTime revokedAt;

    @Column(name = "revoked_by")
    public String revokedBy;

    /** Set when the agent rotated this credential: it keeps working until then (or until the new one is used). */
    @Column(name = "superseded_until")
    public OffsetDateTime supersededUntil;

    @Column(name = "rotated_to")
    public Long rotatedTo;

    public static AgentCredential findActiveByHash(String hash) {
        return find("credentialHash = ?1 and revokedAt is null", hash).firstResult();
    }
}
