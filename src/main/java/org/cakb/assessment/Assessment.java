package org.cakb.assessment;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

/** A checklist assessment of one target (system, host group or cluster) against a scope of requirements. */
@Entity
@Table(name = "assessment")
public class Assessment extends PanacheEntityBase {

    public static final String DRAFT = "draft";
    public static final String IN_PROGRESS = "in-progress";
    public static final String COMPLETED = "completed";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false)
    public String name;

    @Column(nullable = false)
    public String target;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "target_labels", nullable = false, columnDefinition = "jsonb")
    public Map<String, String> targetLabels = new LinkedHashMap<>();

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, columnDefinition = "jsonb")
    public Scope scope;

    @Column(nullable = false)
    public String status = DRAFT;

    @Column(name = "start_date")
    public LocalDate startDate;

    @Column(name = "due_date")
    public LocalDate dueDate;

    @Column(name = "completed_at")
    public OffsetDateTime completedAt;

    @Column(name = "created_by", nullable = false)
    public String createdBy;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt = OffsetDateTime.now();

    @Column(name = "updated_by", nullable = false)
    public String updatedBy;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt = OffsetDateTime.now();

    @Version
    @Column(nullable = false)
    public long version;

    public boolean isCompleted() {
        return COMPLETED.equals(status);
    }
}
