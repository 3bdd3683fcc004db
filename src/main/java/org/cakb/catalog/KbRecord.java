package org.cakb.catalog;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

/** One knowledge-base record, as loaded from a file in content/. */
@Entity
@Table(name = "kb_record")
public class KbRecord extends PanacheEntityBase {

    public static final String ACTIVE = "active";
    public static final String WITHDRAWN = "withdrawn";

    @Id
    public String id;

    @Convert(converter = RecordKindConverter.class)
    @Column(nullable = false)
    public RecordKind kind;

    @Column(nullable = false)
    public String title;

    @Column(nullable = false)
    public String body = "";

    /** quoted, paraphrased or derived; null for kinds that carry no statement of their own (sources, platforms, probes). */
    public String provenance;

    @Column(nullable = false)
    public String status = ACTIVE;

    /** Kind-specific fields from the content file (category, area, state, check definition …). */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, columnDefinition = "jsonb")
    public Map<String, Object> attributes = new LinkedHashMap<>();

    @Column(name = "source_file", nullable = false)
    public String sourceFile;

    @Column(name = "content_hash", nullable = false)
    public String contentHash;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;

    @Column(name = "withdrawn_at")
    public OffsetDateTime withdrawnAt;

    public boolean isWithdrawn() {
        return WITHDRAWN.equals(status);
    }

    public String attribute(String key) {
        Object value = attributes.get(key);
        return value == null ? null : value.toString();
    }
}
