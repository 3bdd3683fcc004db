package org.cakb.fleet;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** A registered drift webhook: where events go, and the (encrypted) secret their bodies are signed with. */
@Entity
@Table(name = "drift_webhook")
public class DriftWebhook extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false)
    public String url;

    @Column(nullable = false)
    public String description = "";

    @Column(name = "secret_ciphertext", nullable = false)
    public String secretCiphertext;

    /** The secret's first characters, so an admin can tell which secret a receiver holds. */
    @Column(name = "secret_hint", nullable = false)
    public String secretHint;

    @Column(name = "created_by", nullable = false)
    public String createdBy;

    @Column(name = "created_at", nullable = false, insertable = false, updatable = false)
    public OffsetDateTime createdAt;

    @Column(name = "disabled_by")
    public String disabledBy;

    @Column(name = "disabled_at")
    public OffsetDateTime disabledAt;
}
