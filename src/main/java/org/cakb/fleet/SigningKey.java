package org.cakb.fleet;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** The server's probe-bundle signing key (migration V11). At most one row is active (unique partial index). */
@Entity
@Table(name = "fleet_signing_key")
public class SigningKey extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false)
    public String algorithm;

    /** X.509 SubjectPublicKeyInfo DER. */
    @Column(name = "public_key", nullable = false)
    public byte[] publicKey;

    /** PKCS#8 DER; never leaves the server. */
    @Column(name = "private_key", nullable = false)
    public byte[] privateKey;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt = OffsetDateTime.now();

    @Column(nullable = false)
    public boolean active = true;

    public static SigningKey findActive() {
        return find("active = true order by id").firstResult();
    }
}
