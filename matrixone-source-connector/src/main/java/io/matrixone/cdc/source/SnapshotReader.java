package io.matrixone.cdc.source;

import io.matrixone.cdc.common.Identifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * Reads a table as of one time in primary-key order, one keyset chunk at a time:
 * {@code SELECT cols FROM t {MO_TS = T0} WHERE (pk) > (last) ORDER BY pk LIMIT n}. MatrixOne rejects
 * server-side cursors, so chunks keep memory bounded instead.
 */
final class SnapshotReader {

    /** One row: its values in column order and its key as text (for the next chunk's lower bound). */
    record Row(List<Object> values, List<String> key) {
    }

    private SnapshotReader() {
    }

    static List<Row> chunk(Connection conn, TableSchema table, long ts, List<String> afterKey, int size) throws SQLException {
        StringJoiner columns = new StringJoiner(", ");
        table.columns().forEach(c -> columns.add(Identifiers.quote(c.name())));
        StringJoiner key = new StringJoiner(", ", "(", ")");
        table.primaryKey().forEach(c -> key.add(Identifiers.quote(c.name())));
        StringBuilder sql = new StringBuilder("SELECT ").append(columns).append(" FROM ").append(table.id().quoted())
                .append(" {MO_TS = ").append(ts).append('}');
        if (afterKey != null) {
            StringJoiner params = new StringJoiner(", ", "(", ")");
            afterKey.forEach(k -> params.add("?"));
            sql.append(" WHERE ").append(key).append(" > ").append(params);
        }
        sql.append(" ORDER BY ").append(key.toString(), 1, key.length() - 1).append(" LIMIT ").append(size);
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement st = conn.prepareStatement(sql.toString())) {
            if (afterKey != null) {
                for (int i = 0; i < afterKey.size(); i++) {
                    st.setString(i + 1, afterKey.get(i));
                }
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    List<Object> values = new ArrayList<>(table.columns().size());
                    for (int i = 0; i < table.columns().size(); i++) {
                        values.add(ColumnTypes.read(rs, i + 1, table.columns().get(i)));
                    }
                    List<String> rowKey = new ArrayList<>(table.primaryKey().size());
                    for (Column k : table.primaryKey()) {
                        rowKey.add(rs.getString(table.columns().indexOf(k) + 1));
                    }
                    rows.add(new Row(values, rowKey));
                }
            }
        }
        return rows;
    }

    /** True when a time-travel read failed because the table did not exist yet at that time. */
    static boolean missingAt(SQLException e) {
        String message = e.getMessage();
        return message != null && (message.contains("does not exist") || message.contains("Unknown database")
                || message.contains("cannot find database") || message.contains("cannot find table")
                || message.contains("no such table"));
    }

    /** Whether the table held no row at {@code ts}: one row read at most, however big the table. */
    static boolean isEmpty(Connection conn, TableSchema table, long ts) throws SQLException {
        try (var st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT 1 FROM " + table.id().quoted() + " {MO_TS = " + ts + "} LIMIT 1")) {
            return !rs.next();
        }
    }

    /** Rows in the table at {@code ts}, for progress reporting. */
    static long count(Connection conn, TableSchema table, long ts) throws SQLException {
        try (var st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table.id().quoted() + " {MO_TS = " + ts + "}")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
