package org.cakb.catalog;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.util.List;

/** Where in a source a record's facts can be found. */
@Entity
@Table(name = "kb_citation")
public class Citation extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "record_id", nullable = false)
    public String recordId;

    @Column(nullable = false)
    public int position;

    @Column(name = "source_id", nullable = false)
    public String sourceId;

    @Column(nullable = false)
    public String locator;

    /** Verbatim source text, present only where it was actually read (NIST text). */
    public String quote;

    public String note;

    public static List<Citation> forRecord(String recordId) {
        return list("recordId = ?1 order by position", recordId);
    }

    public static List<Citation> forRecords(List<String> recordIds) {
        return list("recordId in ?1 order by recordId, position", recordIds);
    }
}
