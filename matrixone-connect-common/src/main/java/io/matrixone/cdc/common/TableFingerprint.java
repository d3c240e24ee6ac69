package io.matrixone.cdc.common;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * A table's content in a few bytes, to compare a target with its source: its visible columns ({@code name type},
 * sorted by name), its row count and an order-independent checksum over every column of every row; and, to find
 * what differs, each row's key with that row's checksum. One SQL rule for tests and {@code mo-cdc task verify}.
 * {@code atTs} (epoch nanoseconds) reads the table as it was then ({@code {MO_TS = ...}}, MatrixOne with PITR); null
 * reads it as it is.
 */
public final class TableFingerprint {

    /** Columns ({@code name type}), count and checksum. */
    public record Fingerprint(List<String> columns, List<String> columnNames, long rows, String checksum) {

        @Override
        public String toString() {
            return columns + " | " + rows + ":" + checksum;
        }
    }

    /** One row's key (values as text, in key order) and checksum. */
    public record RowHash(List<String> key, String checksum) {
    }

    private TableFingerprint() {
    }

    /** {@code name type} of every visible column, sorted by name; empty when there is no such table. */
    public static List<String> columns(Connection c, TableId table) throws SQLException {
        return namesAndTypes(c, table).stream().map(column -> column[0] + " " + column[1]).toList();
    }

    /** {@code [name, type]} of every visible column (names lower case), sorted by name. */
    private static List<String[]> namesAndTypes(Connection c, TableId table) throws SQLException {
        List<String[]> columns = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "select lower(column_name), lower(column_type) from information_schema.columns where table_schema = "
                        + Identifiers.literal(table.database()) + " and table_name = " + Identifiers.literal(table.table())
                        + " and column_name not like '\\_\\_mo\\_%' order by 1")) {
            while (rs.next()) {
                columns.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        return columns;
    }

    /** The table's fingerprint; null when there is no such table. */
    public static Fingerprint of(Connection c, TableId table, Long atTs) throws SQLException {
        List<String[]> columns = namesAndTypes(c, table);
        if (columns.isEmpty()) {
            return null;
        }
        List<String> names = columns.stream().map(column -> column[0]).toList();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select count(*), coalesce(sum(" + rowChecksum(names)
                + "), 0) from " + from(table, atTs))) {
            rs.next();
            return new Fingerprint(columns.stream().map(column -> column[0] + " " + column[1]).toList(), names, rs.getLong(1),
                    rs.getString(2));
        }
    }

    /**
     * Every row's key and checksum, in key order ({@code keyColumns}: the primary key's columns), for a merge of two
     * sides that stops at the first differences.
     */
    public static List<RowHash> rowHashes(Connection c, TableId table, Long atTs, List<String> keyColumns) throws SQLException {
        List<String> names = namesAndTypes(c, table).stream().map(column -> column[0]).toList();
        StringJoiner key = new StringJoiner(", ");
        keyColumns.forEach(k -> key.add(Identifiers.quote(k)));
        List<RowHash> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select " + key + ", " + rowChecksum(names)
                + " from " + from(table, atTs) + " order by " + key)) {
            while (rs.next()) {
                List<String> values = new ArrayList<>(keyColumns.size());
                for (int i = 1; i <= keyColumns.size(); i++) {
                    values.add(rs.getString(i));
                }
                rows.add(new RowHash(values, rs.getString(keyColumns.size() + 1)));
            }
        }
        return rows;
    }

    /**
     * The primary key's columns in key order; empty when the table has none. From SHOW INDEX: information_schema
     * shows a MatrixOne composite key as one hidden column, SHOW INDEX lists its parts in order.
     */
    public static List<String> primaryKey(Connection c, TableId table) throws SQLException {
        List<String> key = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW INDEX FROM " + table.quoted())) {
            while (rs.next()) {
                if ("PRIMARY".equalsIgnoreCase(rs.getString("Key_name"))) {
                    key.add(rs.getString("Column_name"));
                }
            }
        }
        return key;
    }

    private static String rowChecksum(List<String> names) {
        StringJoiner values = new StringJoiner(", ");
        for (String name : names) {
            values.add("ifnull(cast(" + Identifiers.quote(name) + " as char), '<null>')");
        }
        return "crc32(concat_ws('|', " + values + "))";
    }

    private static String from(TableId table, Long atTs) {
        return table.quotedAt(atTs);
    }
}
