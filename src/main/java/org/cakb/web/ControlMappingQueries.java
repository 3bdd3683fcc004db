package org.cakb.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Tuple;
import org.cakb.catalog.RecordKind;
import org.cakb.common.Rows;

import java.util.List;
import java.util.Map;

/**
 * The SP 800-53 mapping rows shown on record pages (view kb_control_mapping): on a requirement or countermeasure page the
 * controls it maps to, on a control page everything that maps to it; each row with its relationship and basis.
 */
@ApplicationScoped
public class ControlMappingQueries {

    private static final String SELECT = """
            SELECT m.record_id, m.record_kind, r.title AS record_title, m.control_id, c.title AS control_title,
                   m.relationship, m.basis, m.source_id, s.title AS source_title, m.locator, m.rationale
            FROM kb_control_mapping m
            JOIN kb_record r ON r.id = m.record_id
            JOIN kb_record c ON c.id = m.control_id
            LEFT JOIN kb_record s ON s.id = m.source_id
            """;

    @Inject
    EntityManager em;

    /** One mapping row, from either end. */
    public record Mapping(Views.RecordRef record, Views.RecordRef control, String relationship, String basis, String basisLabel,
                          Views.RecordRef source, String locator, String rationale) {
        public boolean inferred() {
            return "kb-inference".equals(basis);
        }
    }

    /** A DISA SRG requirement's rule data (the record's {@code srg} attribute), for the page. */
    public record SrgRule(String srgId, String groupId, String ruleId, String severity, String category, List<String> ccis,
                          String discussion, String check, String fix) {
        static SrgRule of(Object value) {
            if (!(value instanceof Map<?, ?> m)) {
                return null;
            }
            String severity = String.valueOf(m.get("severity"));
            String category = switch (severity) {
                case "high" -> "CAT I";
                case "low" -> "CAT III";
                default -> "CAT II";
            };
            return new SrgRule((String) m.get("srg_id"), (String) m.get("group_id"), (String) m.get("rule_id"), severity, category,
                    ((List<?>) (m.containsKey("cci") ? m.get("cci") : List.of())).stream().map(String::valueOf).toList(),
                    (String) m.get("discussion"), (String) m.get("check"), (String) m.get("fix"));
        }
    }

    public List<Mapping> of(RecordKind kind, String id) {
        return switch (kind) {
            case CONTROL -> Rows.list(em, SELECT + "WHERE m.control_id = :id ORDER BY m.basis, m.record_kind DESC, m.record_id",
                    Map.of("id", id), ControlMappingQueries::mapping);
            case REQUIREMENT, COUNTERMEASURE -> Rows.list(em, SELECT + "WHERE m.record_id = :id ORDER BY m.position",
                    Map.of("id", id), ControlMappingQueries::mapping);
            default -> List.of();
        };
    }

    static String basisLabel(String basis) {
        return switch (basis) {
            case "disa-srg" -> "DISA Container Platform SRG, through the DISA CCI list";
            case "sp800-190-appendix-b" -> "NIST SP 800-190 Appendix B";
            default -> "this knowledge base's inference (not NIST's or DISA's)";
        };
    }

    private static Mapping mapping(Tuple r) {
        String sourceId = r.get("source_id", String.class);
        return new Mapping(Views.RecordRef.of(r.get("record_id", String.class), r.get("record_kind", String.class),
                r.get("record_title", String.class), "active"),
                Views.RecordRef.of(r.get("control_id", String.class), "control", r.get("control_title", String.class), "active"),
                r.get("relationship", String.class), r.get("basis", String.class), basisLabel(r.get("basis", String.class)),
                sourceId == null ? null : Views.RecordRef.of(sourceId, "source", r.get("source_title", String.class), "active"),
                r.get("locator", String.class), r.get("rationale", String.class));
    }
}
