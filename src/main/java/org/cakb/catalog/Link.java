package org.cakb.catalog;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A typed link, stored once in its declared direction (e.g. threat mitigated-by countermeasure). */
@Entity
@Table(name = "kb_link")
public class Link extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "from_id", nullable = false)
    public String fromId;

    @Column(nullable = false)
    public String relation;

    @Column(name = "to_id", nullable = false)
    public String toId;

    public Link() {
    }

    public Link(String fromId, String relation, String toId) {
        this.fromId = fromId;
        this.relation = relation;
        this.toId = toId;
    }
}
