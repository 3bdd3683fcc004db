package org.cakb.catalog;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** The log of content load attempts, successful or not. */
@Entity
@Table(name = "kb_content_load")
public class ContentLoad extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "started_at", nullable = false)
    public OffsetDateTime startedAt;

    @Column(name = "finished_at", nullable = false)
    public OffsetDateTime finishedAt;

    @Column(nullable = false)
    public String trigger;

    @Column(nullable = false)
    public String outcome;

    @Column(name = "files_read")
    public int filesRead;

    @Column(name = "records_added")
    public int recordsAdded;

    @Column(name = "records_updated")
    public int recordsUpdated;

    @Column(name = "records_unchanged")
    public int recordsUnchanged;

    @Column(name = "records_withdrawn")
    public int recordsWithdrawn;

    public String error;

    /** SHA-256 over the content files read (relative paths and bytes); null for loads recorded before V30. */
    @Column(name = "content_digest")
    public String contentDigest;

    public static ContentLoad latest() {
        return find("order by id desc").firstResult();
    }
}
