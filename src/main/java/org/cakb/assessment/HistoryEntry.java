package org.cakb.assessment;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.Immutable;

import java.time.OffsetDateTime;

/** One recorded change. Rows are only ever inserted; the database rejects UPDATE, DELETE and TRUNCATE. */
@Entity
@Immutable
@Table(name = "assessment_history")
public class HistoryEntry extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "assessment_id", nullable = false)
    public Long assessmentId;

    @Column(name = "item_id")
    public Long itemId;

    @Column(nullable = false)
    public String actor;

    @Column(nullable = false)
    public OffsetDateTime at = OffsetDateTime.now();

    @Column(nullable = false)
    public String field;

    @Column(name = "old_value")
    public String oldValue;

    @Column(name = "new_value")
    public String newValue;

    public static HistoryEntry record(Long assessmentId, Long itemId, String actor, String field, String oldValue, String newValue) {
        HistoryEntry e = new HistoryEntry();
        e.assessmentId = assessmentId;
        e.itemId = itemId;
        e.actor = actor;
        e.field = field;
        e.oldValue = oldValue;
        e.newValue = newValue;
        e.persist();
        return e;
    }
}
