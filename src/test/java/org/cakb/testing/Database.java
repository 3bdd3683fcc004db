package org.cakb.testing;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Direct SQL for tests: fingerprints of tables, so a test can prove that nothing was written. */
@ApplicationScoped
public class Database {

    @Inject
    AgroalDataSource dataSource;

    /** An md5 over every row of the knowledge-base tables, in a stable order. */
    public String catalogFingerprint() {
        return single("""
                SELECT md5(coalesce((SELECT string_agg(r::text, '|' ORDER BY r.id) FROM kb_record r), '') ||
                           coalesce((SELECT string_agg(c::text, '|' ORDER BY c.id) FROM kb_citation c), '') ||
                           coalesce((SELECT string_agg(l::text, '|' ORDER BY l.id) FROM kb_link l), ''))""");
    }

    /**
     * Tables whose rows legitimately change on a refused request: failed logins are counted (throttling) and audited, and every
     * content load attempt, failed or not, is recorded.
     */
    public static final java.util.Set<String> WRITTEN_ON_REFUSAL = java.util.Set.of("login_failure_account", "login_failure_address", "audit_event", "kb_content_load",
            "flyway_schema_history");

    private static final java.util.Set<String> TOUCHED_BY_AUTHENTICATION = java.util.Set.of("fleet_host", "fleet_credential",
            "api_token", "app_user");

    /**
     * One md5 per table over every row version (for the tables authentication touches, rows as JSON without the
     * last-used/last-seen timestamps), for every table except {@link #WRITTEN_ON_REFUSAL}: equal fingerprints mean nothing was written.
     * The knowledge-base tables (kb_*, large, written only by content loads) only when asked for.
     */
    public java.util.Map<String, String> everyTableFingerprint(boolean withCatalog) {
        java.util.List<String> tables = new java.util.ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement()) {
            try (ResultSet rows = statement.executeQuery(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1")) {
                while (rows.next()) {
                    if (!WRITTEN_ON_REFUSAL.contains(rows.getString(1)) && (withCatalog || !rows.getString(1).startsWith("kb_"))) {
                        tables.add(rows.getString(1));
                    }
                }
            }
            StringBuilder sql = new StringBuilder();
            for (String t : tables) {
                if (sql.length() > 0) {
                    sql.append(" UNION ALL ");
                }
                // tables that authentication touches: their content without the timestamps; all others: the identity
                // (ctid, xmin) of every live row version, cheap and changed by any insert, update or delete
                String row = TOUCHED_BY_AUTHENTICATION.contains(t)
                        ? "(to_jsonb(x) - 'last_used_at' - 'last_seen_at')::text" : "x.ctid::text || '@' || x.xmin::text";
                sql.append("SELECT '").append(t).append("', count(*) || ':' || md5(coalesce(string_agg(").append(row)
                        .append(", '|' ORDER BY ").append(row).append("), '')) FROM ").append(t).append(" x");
            }
            java.util.Map<String, String> out = new java.util.TreeMap<>();
            try (ResultSet rows = statement.executeQuery(sql.toString())) {
                while (rows.next()) {
                    out.put(rows.getString(1), rows.getString(2));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs one statement; PostgreSQL's refusal comes back as the SQLException. */
    public void execute(String sql) throws java.sql.SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    public String single(String sql) {
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public long count(String sql) {
        return Long.parseLong(single(sql));
    }
}
