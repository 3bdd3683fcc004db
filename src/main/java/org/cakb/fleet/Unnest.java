package org.cakb.fleet;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The parameters of one set-based statement of ingestion: one array per column, bound to {@code unnest(?::T[], ...)},
 * so the rows of a whole batch of reports are written by one statement (one plan, one executor start) instead of one
 * statement execution per row. Times and UUIDs travel as text and are cast by the statement; the arrays travel in
 * PostgreSQL's binary format ({@link RoundTrip#array}).
 */
final class Unnest {

    private final String[] types;
    private final List<List<Object>> columns = new ArrayList<>();
    private int rows;

    /** The SQL element type of each column, in order ("bigint", "text", "int", "boolean"). */
    Unnest(String... types) {
        this.types = types;
        for (int i = 0; i < types.length; i++) {
            columns.add(new ArrayList<>());
        }
    }

    /** One row; the values in column order. */
    void row(Object... values) {
        if (values.length != types.length) {
            throw new IllegalArgumentException("expected " + types.length + " values, got " + values.length);
        }
        for (int i = 0; i < values.length; i++) {
            columns.get(i).add(values[i]);
        }
        rows++;
    }

    /** Binds the columns as the statement's parameters from {@code first} on; returns the number of the next parameter. */
    int bind(Connection c, PreparedStatement statement, int first) throws SQLException {
        for (int i = 0; i < types.length; i++) {
            RoundTrip.array(types[i], columns.get(i).toArray()).bind(c, statement, first + i);
        }
        return first + types.length;
    }

    /** Adds {@code sql} with these rows to {@code trip}; nothing when there are no rows. */
    void addTo(RoundTrip trip, String sql) {
        if (rows > 0) {
            trip.add(sql, this::bind);
        }
    }
}
