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
     * The keys whose rows differ between two sides' {@link #rowHashes} (each in the server's key order): a merge that
     * names each as {@code (k=v) differs}, {@code missing on the target} or {@code only on the target}, up to {@code max}.
     */
    public static List<String> differingKeys(List<RowHash> sourceRows, List<RowHash> targetRows, List<String> key, int max) {
        List<String> found = new ArrayList<>();
        int s = 0;
        int t = 0;
        while ((s < sourceRows.size() || t < targetRows.size()) && found.size() < max) {
            RowHash a = s < sourceRows.size() ? sourceRows.get(s) : null;
            RowHash b = t < targetRows.size() ? targetRows.get(t) : null;
            int order = a == null ? 1 : b == null ? -1 : compare(a.key(), b.key());
            if (order == 0) {
                if (!a.checksum().equals(b.checksum())) {
                    found.add(keyText(key, a.key()) + " differs");
                }
                s++;
                t++;
            } else if (order < 0) {
                found.add(keyText(key, a.key()) + " missing on the target");
                s++;
            } else {
                found.add(keyText(key, b.key()) + " only on the target");
                t++;
            }
        }
        return found;
    }

    /** Key values compared as numbers when both are, else as text. */
    private static int compare(List<String> a, List<String> b) {
        for (int i = 0; i < a.size(); i++) {
            String x = a.get(i);
            String y = b.get(i);
            int c;
            if (x == null || y == null) {
                c = x == null ? (y == null ? 0 : -1) : 1;
            } else {
                try {
                    c = new java.math.BigDecimal(x).compareTo(new java.math.BigDecimal(y));
                } catch (NumberFormatException notNumbers) {
                    c = x.compareTo(y);
                }
            }
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static String keyText(List<String> key, List<String> values) {
        StringBuilder text = new StringBuilder("(");
        for (int i = 0; i < key.size(); i++) {
            text.append(i == 0 ? "" : ", ").append(key.get(i)).append('=').append(values.get(i));
        }
        return text.append(')').toString();
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
