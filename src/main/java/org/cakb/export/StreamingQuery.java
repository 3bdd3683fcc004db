package org.cakb.export;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Streaming reads for exports: a cursor (fetch size) over one statement, each row handed on as it arrives. */
final class StreamingQuery {

    static final int FETCH_SIZE = 1000;

    private StreamingQuery() {
    }

    @FunctionalInterface
    interface Row {
        void accept(ResultSet rs) throws SQLException, IOException;
    }

    /** The connection must be in a transaction (auto-commit off), or the driver reads every row at once. */
    static void each(Connection db, String sql, Row row, long... parameters) throws SQLException, IOException {
        try (PreparedStatement select = db.prepareStatement(sql)) {
            select.setFetchSize(FETCH_SIZE);
            for (int i = 0; i < parameters.length; i++) {
                select.setLong(i + 1, parameters[i]);
            }
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    row.accept(rs);
                }
            }
        }
    }
}
