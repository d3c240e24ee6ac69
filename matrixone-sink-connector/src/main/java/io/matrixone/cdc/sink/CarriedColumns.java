package io.matrixone.cdc.sink;

import io.matrixone.cdc.common.Identifiers;
import io.matrixone.cdc.common.MatrixOneErrors;
import io.matrixone.cdc.common.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The sink's memory, kept on the target beside the applied positions ({@code <applied.database>.carried_column}), of
 * which columns of each target table the records carried, with the type the source declared for each, and the source
 * time of the first record of that shape. {@link TableManager} drops a column only when records carried it and newer
 * ones no longer do (renamed or dropped on the source; the other columns are someone else's), re-types one only when
 * the source re-typed it, and leaves the table alone for a redelivered record older than its shape. A memory in the
 * task's heap is lost when the task restarts between the last record of one shape and the first of the next: the
 * target would keep a renamed column's old name. Written on every change of shape, which is rare, in its own commit.
 */
final class CarriedColumns {

    /** One carried column: its name as the records spell it and the source's declared type (null when not said). */
    record Column(String name, String sourceType) {
    }

    /** A table's carried columns by lower-case name, and the source time from which records have that shape. */
    record Shape(Map<String, Column> columns, long since) {
    }

    private final TableId table;
    private boolean tableReady;

    CarriedColumns(String database) {
        this.table = new TableId(database, "carried_column");
    }

    /** The remembered shape of {@code target}, or null when records never shaped it (or it was forgotten). */
    Shape load(Connection conn, TableId target) throws SQLException {
        ensureTable(conn); // also before the first read: MatrixOne reports a missing table as a syntax error
        Map<String, Column> columns = new LinkedHashMap<>();
        long since = 0;
        try (PreparedStatement st = conn.prepareStatement("SELECT column_name, source_type, since_ts FROM " + table.quoted()
                + " WHERE target_table = ? ORDER BY column_index")) {
            st.setString(1, target.toString());
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    columns.put(lower(rs.getString(1)), new Column(rs.getString(1), rs.getString(2)));
                    since = rs.getLong(3);
                }
            }
        }
        return columns.isEmpty() ? null : new Shape(columns, since);
    }

    /** Remembers {@code shape} for {@code target}, replacing what was remembered, and commits. */
    void save(Connection conn, TableId target, Shape shape) throws SQLException {
        ensureTable(conn);
        inOwnTransaction(conn, () -> {
            delete(conn, target);
            try (PreparedStatement st = conn.prepareStatement("INSERT INTO " + table.quoted()
                    + " (target_table, column_index, column_name, source_type, since_ts) VALUES (?, ?, ?, ?, ?)")) {
                int position = 0;
                for (Column column : shape.columns().values()) {
                    st.setString(1, target.toString());
                    st.setInt(2, position++);
                    st.setString(3, column.name());
                    st.setString(4, column.sourceType());
                    st.setLong(5, shape.since());
                    st.addBatch();
                }
                st.executeBatch();
            }
        });
    }

    /** Forgets {@code target}'s shape (its table was dropped), and commits. */
    void forget(Connection conn, TableId target) throws SQLException {
        try {
            inOwnTransaction(conn, () -> delete(conn, target));
        } catch (SQLException e) {
            if (!MatrixOneErrors.isNoSuchTable(e)) {
                throw e;
            }
        }
    }

    private void delete(Connection conn, TableId target) throws SQLException {
        try (PreparedStatement st = conn.prepareStatement("DELETE FROM " + table.quoted() + " WHERE target_table = ?")) {
            st.setString(1, target.toString());
            st.executeUpdate();
        }
    }

    private void ensureTable(Connection conn) throws SQLException {
        if (tableReady) {
            return;
        }
        boolean autoCommit = conn.getAutoCommit();
        conn.setAutoCommit(true); // DDL commits on its own
        try (Statement st = conn.createStatement()) {
            st.execute("CREATE DATABASE IF NOT EXISTS " + Identifiers.quote(table.database()));
            st.execute("CREATE TABLE IF NOT EXISTS " + table.quoted() + " (target_table VARCHAR(512) NOT NULL, column_index INT NOT NULL,"
                    + " column_name VARCHAR(255) NOT NULL, source_type VARCHAR(255), since_ts BIGINT NOT NULL,"
                    + " PRIMARY KEY (target_table, column_index))");
        } finally {
            conn.setAutoCommit(autoCommit);
        }
        tableReady = true;
    }

    private interface Work {
        void run() throws SQLException;
    }

    /** Runs before any row of a batch is written (DDL comes first), so the commit holds only this. */
    private static void inOwnTransaction(Connection conn, Work work) throws SQLException {
        boolean autoCommit = conn.getAutoCommit();
        conn.setAutoCommit(false);
        try {
            work.run();
            conn.commit();
        } catch (SQLException | RuntimeException e) {
            conn.rollback();
            throw e;
        } finally {
            conn.setAutoCommit(autoCommit);
        }
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
