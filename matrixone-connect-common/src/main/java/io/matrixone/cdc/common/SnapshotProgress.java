package io.matrixone.cdc.common;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Each table's snapshot progress, kept by the source connector in {@code <state.database>.snapshot_progress}
 * (one row per connector and table, keyed {@code <connector>/<db>.<table>}) so that the mo-cdc command line
 * can show it: Connect's REST API has no place for it, JMX is local to the worker.
 * After a restart that replays chunks, rows done can be counted twice; it never passes the total.
 */
public final class SnapshotProgress {

    /** The table's name in the state database. */
    public static final String TABLE = "snapshot_progress";

    /** The source's default state database. */
    public static final String DEFAULT_STATE_DATABASE = "mo_cdc";

    /** One table's progress: rows read so far of the rows the table held at the snapshot time. */
    public record Entry(String table, long done, long total) {
        public boolean complete() {
            return done >= total;
        }
    }

    private SnapshotProgress() {
    }

    public static void createTable(Connection conn, String database) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + table(database)
                    + " (capture VARCHAR(1024) PRIMARY KEY, rows_done BIGINT NOT NULL, rows_total BIGINT NOT NULL,"
                    + " updated_at DATETIME(6) NOT NULL)");
        }
    }

    public static void start(Connection conn, String database, String connector, TableId id, long total) throws SQLException {
        try (PreparedStatement st = conn.prepareStatement("REPLACE INTO " + table(database) + " VALUES (?, 0, ?, utc_timestamp(6))")) {
            st.setString(1, connector + "/" + id);
            st.setLong(2, total);
            st.executeUpdate();
        }
    }

    public static void advance(Connection conn, String database, String connector, TableId id, long rows) throws SQLException {
        try (PreparedStatement st = conn.prepareStatement("UPDATE " + table(database)
                + " SET rows_done = least(rows_done + ?, rows_total), updated_at = utc_timestamp(6) WHERE capture = ?")) {
            st.setLong(1, rows);
            st.setString(2, connector + "/" + id);
            st.executeUpdate();
        }
    }

    /** The connector's tables that have started a snapshot (the table holds a few rows per connector). */
    public static List<Entry> of(Connection conn, String database, String connector) throws SQLException {
        List<Entry> entries = new ArrayList<>();
        String prefix = connector + "/";
        try (Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery("SELECT capture, rows_done, rows_total FROM " + table(database) + " ORDER BY capture")) {
            while (rs.next()) {
                if (rs.getString(1).startsWith(prefix)) {
                    entries.add(new Entry(rs.getString(1).substring(prefix.length()), rs.getLong(2), rs.getLong(3)));
                }
            }
        }
        return entries;
    }

    private static String table(String database) {
        return new TableId(database, TABLE).quoted();
    }
}
