package org.cakb.assessment;

import org.cakb.common.Rows;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.cakb.catalog.KbRecord;
import org.cakb.catalog.RecordKind;

import org.cakb.common.Validation;

import java.util.ArrayList;

import java.util.LinkedHashSet;
import java.util.List;

import java.util.Set;

/** Which requirements an assessment scope selects. */
@ApplicationScoped
public class ScopeResolver {

    @Inject
    EntityManager em;

    /** The active requirements a scope selects, in a stable order: areas, countermeasures, recommendations, hand-picked. */
    public List<KbRecord> resolve(Scope scope) {
        Set<String> ids = new LinkedHashSet<>();
        for (String area : scope.areas) {
            KbRecord r = active(area, "scope.areas");
            if (r.kind != RecordKind.REQUIREMENT || !"area".equals(r.attribute("category"))) {
                throw Validation.field("scope.areas", "'" + area + "' is not a NISTIR 8176 area");
            }
            ids.addAll(queryIds("""
                    SELECT r.id FROM kb_record r JOIN kb_link l ON l.from_id = r.id AND l.relation = 'in-area'
                    WHERE l.to_id = :id AND r.status = 'active' AND r.attributes ->> 'category' = 'assurance-requirement'
                    ORDER BY r.id""", area));
        }
        for (String cm : scope.countermeasures) {
            KbRecord r = active(cm, "scope.countermeasures");
            if (r.kind != RecordKind.REQUIREMENT || !"countermeasure".equals(r.attribute("category"))) {
                throw Validation.field("scope.countermeasures", "'" + cm + "' is not an SP 800-190 countermeasure");
            }
            ids.add(r.id);
        }
        for (String rec : scope.recommendations) {
            KbRecord r = active(rec, "scope.recommendations");
            if (r.kind != RecordKind.RECOMMENDATION) {
                throw Validation.field("scope.recommendations", "'" + rec + "' is not a recommendation");
            }
            ids.addAll(queryIds("""
                    SELECT DISTINCT req.id FROM kb_link rl
                    JOIN kb_link sat ON sat.from_id = rl.to_id AND sat.relation = 'satisfies'
                    JOIN kb_record req ON req.id = sat.to_id AND req.status = 'active'
                    WHERE rl.from_id = :id AND rl.relation = 'recommends'
                    ORDER BY req.id""", rec));
        }
        for (String id : scope.requirements) {
            KbRecord r = active(id, "scope.requirements");
            if (r.kind != RecordKind.REQUIREMENT) {
                throw Validation.field("scope.requirements", "'" + id + "' is a " + r.kind.label() + ", not a requirement");
            }
            ids.add(r.id);
        }
        List<KbRecord> result = new ArrayList<>();
        for (String id : ids) {
            result.add(KbRecord.findById(id));
        }
        return result;
    }

    private KbRecord active(String id, String field) {
        KbRecord r = id == null ? null : KbRecord.findById(id);
        if (r == null) {
            throw Validation.field(field, "no record with id '" + id + "'");
        }
        if (r.isWithdrawn()) {
            throw Validation.field(field, "'" + id + "' is withdrawn");
        }
        return r;
    }

    private List<String> queryIds(String sql, String id) {
        return Rows.strings(em, sql, java.util.Map.of("id", id));
    }
}
