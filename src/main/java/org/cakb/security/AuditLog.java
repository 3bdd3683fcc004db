package org.cakb.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.cakb.common.PageOf;
import org.cakb.common.Rows;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reading the audit trail: newest first, paged, filtered by action (prefix), actor, target (substring) and time. */
@ApplicationScoped
public class AuditLog {

    public record Event(long id, OffsetDateTime at, String actor, String actorAddress, String action, String target, String outcome,
                        String details) {
    }

    public record Filter(String action, String actor, String target, String outcome, OffsetDateTime since, OffsetDateTime until) {
    }

    static final String PAGE_EXAMPLE = """
            {"items": [{"id": 812, "at": "2026-12-01T09:14:03Z", "actor": "admin", "actorAddress": "10.0.4.17",
              "action": "account.disable", "target": "user:alice", "outcome": "success", "details": "sessions ended"}],
             "page": 1, "size": 50, "total": 1, "pages": 1}""";

    @Inject
    EntityManager em;

    @Transactional
    public PageOf<Event> page(Filter f, int page, int size) {
        StringBuilder where = new StringBuilder(" WHERE true");
        Map<String, Object> params = new LinkedHashMap<>();
        if (f.action() != null && !f.action().isBlank()) {
            where.append(" AND action LIKE :action");
            params.put("action", like(f.action().strip()) + "%");
        }
        if (f.actor() != null && !f.actor().isBlank()) {
            where.append(" AND actor = :actor");
            params.put("actor", f.actor().strip());
        }
        if (f.target() != null && !f.target().isBlank()) {
            where.append(" AND target LIKE :target");
            params.put("target", "%" + like(f.target().strip()) + "%");
        }
        if (f.outcome() != null && !f.outcome().isBlank()) {
            where.append(" AND outcome = :outcome");
            params.put("outcome", f.outcome().strip());
        }
        if (f.since() != null) {
            where.append(" AND at >= :since");
            params.put("since", f.since());
        }
        if (f.until() != null) {
            where.append(" AND at < :until");
            params.put("until", f.until());
        }
        long total = Rows.count(em, "SELECT count(*) FROM audit_event" + where, params);
        params.put("limit", size);
        params.put("offset", (long) (page - 1) * size);
        List<Event> events = Rows.list(em, "SELECT id, at, actor, actor_address, action, target, outcome, details FROM audit_event" + where
                + " ORDER BY at DESC, id DESC LIMIT :limit OFFSET :offset", params, r -> new Event(Rows.number(r, "id"), time(r.get("at")),
                r.get("actor", String.class), r.get("actor_address", String.class), r.get("action", String.class),
                r.get("target", String.class), r.get("outcome", String.class), r.get("details", String.class)));
        return PageOf.of(events, page, size, total);
    }

    private static OffsetDateTime time(Object o) {
        if (o instanceof OffsetDateTime t) {
            return t;
        }
        if (o instanceof java.time.Instant i) {
            return i.atOffset(ZoneOffset.UTC);
        }
        return ((java.sql.Timestamp) o).toInstant().atOffset(ZoneOffset.UTC);
    }

    private static String like(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
