package org.cakb.fleet;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Several SQL statements sent to PostgreSQL in one round trip: the PostgreSQL driver sends the statements of one
 * prepared statement together, and the server runs them in order, each with its own snapshot, so a read placed after a
 * lock sees what committed before the lock was granted. Parameters are numbered across the statements, in order.
 * Ingestion's fixed cost per batch was mostly round trips between the app and PostgreSQL (about 15 for a batch of four
 * reports, each a wake-up on both sides); with this it is four.
 */
final class RoundTrip {

    /** Binds one statement's parameters from {@code first} on; returns the number of the next parameter. */
    interface Parameters {
        int bind(Connection c, PreparedStatement statement, int first) throws SQLException;

        /** These parameters, then {@code next}'s. */
        default Parameters andThen(Parameters next) {
            return (c, statement, first) -> next.bind(c, statement, bind(c, statement, first));
        }
    }

    /** Reads the rows one statement returned. */
    interface Rows {
        void read(ResultSet rows) throws SQLException;
    }

    private record Step(String sql, Parameters parameters, Rows rows) {
    }

    static final Parameters NONE = (c, statement, first) -> first;

    private final List<Step> steps = new ArrayList<>();

    /** A statement that returns no rows (or whose rows are not needed). */
    RoundTrip add(String sql, Parameters parameters) {
        return add(sql, parameters, null);
    }

    RoundTrip add(String sql, Parameters parameters, Rows rows) {
        if (sql.indexOf(';') >= 0) {
            throw new IllegalArgumentException("one statement per step: " + sql);
        }
        steps.add(new Step(sql, parameters, rows));
        return this;
    }

    /** Sends every statement added, in order, and hands each one's rows to its reader; nothing when none was added. */
    void run(Connection c) throws SQLException {
        if (steps.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = c.prepareStatement(steps.stream().map(Step::sql).collect(Collectors.joining(";\n")))) {
            int next = 1;
            for (Step step : steps) {
                next = step.parameters().bind(c, statement, next);
            }
            boolean rows = statement.execute();
            for (Step step : steps) {
                if (rows && step.rows() != null) {
                    try (ResultSet r = statement.getResultSet()) {
                        step.rows().read(r);
                    }
                }
                rows = statement.getMoreResults();
            }
        }
    }

    /**
     * One array parameter of SQL element type {@code type} ("bigint", "int", "smallint", "boolean" or "text"), sent in
     * PostgreSQL's binary array format: the driver writes a typed Java array as it is, where an {@code java.sql.Array}
     * goes as text that the driver escapes character by character and the server parses back (JFR: 11.7 % of the app's
     * samples in bench/fleet.sh's 1 % phase). Text arrays arrive as varchar[]; the statements cast them.
     */
    static Parameters array(String type, Object[] values) {
        Object typed = typed(type, values);
        return (c, statement, first) -> {
            statement.setObject(first, typed);
            return first + 1;
        };
    }

    private static Object typed(String type, Object[] values) {
        return switch (type) {
            case "bigint" -> Arrays.copyOf(values, values.length, Long[].class);
            case "int" -> Arrays.copyOf(values, values.length, Integer[].class);
            case "smallint" -> Arrays.copyOf(values, values.length, Short[].class);
            case "boolean" -> Arrays.copyOf(values, values.length, Boolean[].class);
            case "text" -> Arrays.copyOf(values, values.length, String[].class);
            default -> throw new IllegalArgumentException("no binary array parameter for element type " + type);
        };
    }
}
