package io.matrixone.cdc.common;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where each table's capture stands, kept by the source connector in {@code <state.database>.table_state}
 * (one row per connector and table, keyed {@code <connector>/<db>.<table>}) so that {@code mo-cdc task show}
 * can show which table is snapshotting, capturing, dropped or stopped and why, while the others run.
 * Written only when a table changes state, never per window.
 */
public final class TableStates {

    /** The table's name in the state database. */
    public static final String TABLE = "table_state";

    public static final String SNAPSHOTTING = "snapshotting";
    public static final String CAPTURING = "capturing";
    public static final String DROPPED = "dropped";
    public static final String STOPPED = "stopped";
    public static final String DONE = "done";

    /** A table's state and, for stopped or re-snapshotting tables, why. */
    public record State(String state, String reason) {
        @Override
        public String toString() {
            return reason == null || reason.isEmpty() ? state : state + ": " + reason;
        }
    }

    private TableStates() {
    }

    public static void createTable(Connection conn, String database) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + table(database)
                    + " (capture VARCHAR(1024) PRIMARY KEY, state VARCHAR(32) NOT NULL, reason TEXT,"
                    + " updated_at DATETIME(6) NOT NULL)");
        }
    }

    public static void set(Connection conn, String database, String connector, TableId id, State state) throws SQLException {
        try (PreparedStatement st = conn.prepareStatement("REPLACE INTO " + table(database) + " VALUES (?, ?, ?, utc_timestamp(6))")) {
            st.setString(1, connector + "/" + id);
            st.setString(2, state.state());
            st.setString(3, state.reason());
            st.executeUpdate();
        }
    }

    /** The connector's tables by name ({@code db.table}), in name order; empty when the source has no such table yet. */
    public static Map<String, State> of(Connection conn, String database, String connector) throws SQLException {
        Map<String, State> states = new LinkedHashMap<>();
        String prefix = connector + "/";
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT capture, state, reason FROM " + table(database) + " ORDER BY capture")) {
            while (rs.next()) {
                if (rs.getString(1).startsWith(prefix)) {
                    states.put(rs.getString(1).substring(prefix.length()), new State(rs.getString(2), rs.getString(3)));
                }
            }
        }
        return states;
    }

    private static String table(String database) {
        return new TableId(database, TABLE).quoted();
    }
}
