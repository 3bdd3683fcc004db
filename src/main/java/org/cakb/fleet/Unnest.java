package org.cakb.fleet;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The parameters of one set-based statement of ingestion: one array per column, bound to {@code unnest(?::T[], ...)},
 * so the rows of a whole batch of reports are written by one statement (one plan, one executor start) instead of one
 * statement execution per row. Times and UUIDs travel as text and are cast by the statement.
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

    boolean isEmpty() {
        return rows == 0;
    }

    int rows() {
        return rows;
    }

    /** Binds the columns as the statement's first parameters; returns the number of the next parameter. */
    int bind(Connection c, PreparedStatement statement) throws SQLException {
        for (int i = 0; i < types.length; i++) {
            Array array = c.createArrayOf(types[i], columns.get(i).toArray());
            statement.setArray(i + 1, array);
        }
        return types.length + 1;
    }

    /** Prepares, binds and runs {@code sql} once for all the rows (nothing when there are none); returns the rows changed. */
    int execute(Connection c, String sql) throws SQLException {
        if (rows == 0) {
            return 0;
        }
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            bind(c, statement);
            return statement.executeUpdate();
        }
    }
}
