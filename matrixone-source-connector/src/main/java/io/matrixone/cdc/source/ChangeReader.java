package io.matrixone.cdc.source;

import io.matrixone.cdc.common.TableId;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one table's net changes in a window (T1, T2] with
 * {@code DATA BRANCH DIFF t{MO_TS=T2} AGAINST t{MO_TS=T1}}: INSERT rows carry the row at T2, UPDATE rows
 * the new values, DELETE rows the row as it was at T1 (see docs/matrixone-facts.md).
 */
final class ChangeReader {

    enum Flag { INSERT, UPDATE, DELETE }

    record Change(Flag flag, List<Object> values) {
    }

    /** The table's columns changed inside the window: a diff across an ALTER TABLE is refused. */
    static final class SchemaChangedException extends SQLException {
        SchemaChangedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private ChangeReader() {
    }

    static List<Change> window(Connection conn, TableSchema table, long from, long to) throws SQLException {
        List<Change> changes = new ArrayList<>();
        try (Statement st = conn.createStatement()) {
            // execute(), not executeQuery(): Connector/J does not recognise DATA BRANCH DIFF as a query.
            st.execute(diff(table.id(), from, to));
            try (ResultSet rs = st.getResultSet()) {
                int[] positions = positions(rs.getMetaData(), table);
                while (rs.next()) {
                    List<Object> values = new ArrayList<>(table.columns().size());
                    for (int i = 0; i < table.columns().size(); i++) {
                        values.add(ColumnTypes.read(rs, positions[i], table.columns().get(i)));
                    }
                    changes.add(new Change(Flag.valueOf(rs.getString(2).toUpperCase(java.util.Locale.ROOT)), values));
                }
            }
        } catch (SQLException e) {
            throw schemaChanged(e, table.id(), from, to);
        }
        return changes;
    }

    /**
     * Whether the window (from, to] of {@code table} holds any net change, one row at most: as costly as an empty
     * window's diff, however long the window, and refused the same way across a change of columns.
     */
    static boolean changedBetween(Connection conn, TableId table, long from, long to) throws SQLException {
        try {
            return anyRow(conn, diff(table, from, to) + " OUTPUT LIMIT 1");
        } catch (SQLException e) {
            throw schemaChanged(e, table, from, to);
        }
    }

    /**
     * Whether {@code table} has changed since {@code fromNanos} (a time inside its PITR window): its current state
     * against that time, one row at most ({@link ChangeProbe}). Refused, like a window, for a table dropped or altered
     * since.
     */
    static boolean changedSince(Connection conn, TableId table, long fromNanos) throws SQLException {
        return anyRow(conn, "DATA BRANCH DIFF " + table.quoted() + " AGAINST " + at(table, fromNanos) + " OUTPUT LIMIT 1");
    }

    /** Whether a DATA BRANCH DIFF answers with a row (execute(), as Connector/J does not take it for a query). */
    private static boolean anyRow(Connection conn, String diff) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute(diff);
            try (ResultSet rs = st.getResultSet()) {
                return rs != null && rs.next();
            }
        }
    }

    private static String diff(TableId table, long from, long to) {
        return "DATA BRANCH DIFF " + at(table, to) + " AGAINST " + at(table, from);
    }

    /** A diff across an ALTER TABLE that kept the table's identity is refused: said as such, other errors as they are. */
    private static SQLException schemaChanged(SQLException e, TableId table, long from, long to) {
        if (e.getMessage() != null && e.getMessage().contains("schema is not equivalent")) {
            return new SchemaChangedException("the columns of " + table + " changed between "
                    + Timestamps.toText(from) + " and " + Timestamps.toText(to), e);
        }
        return e;
    }

    /** The table as of {@code nanos}, for a diff. */
    private static String at(TableId table, long nanos) {
        return table.quoted() + "{MO_TS = " + nanos + "}";
    }

    /** Result position of each table column (the diff starts with a label and the flag). */
    private static int[] positions(ResultSetMetaData md, TableSchema table) throws SQLException {
        int[] positions = new int[table.columns().size()];
        for (int i = 0; i < positions.length; i++) {
            String name = table.columns().get(i).name();
            for (int c = 3; c <= md.getColumnCount(); c++) {
                if (md.getColumnLabel(c).equalsIgnoreCase(name)) {
                    positions[i] = c;
                }
            }
            if (positions[i] == 0) {
                throw new SchemaChangedException("column " + name + " of " + table.id() + " is missing from the change data", null);
            }
        }
        return positions;
    }
}
