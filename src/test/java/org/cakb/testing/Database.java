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
