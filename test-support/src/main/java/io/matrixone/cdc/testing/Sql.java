package io.matrixone.cdc.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Small helpers for tests that run SQL and look at the rows. */
public final class Sql {

    private Sql() {
    }

    public static void exec(Connection c, String... statements) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    /**
     * All rows, each as a list of column values rendered by {@code getString} (null stays null).
     * Uses {@code execute}, not {@code executeQuery}: Connector/J refuses the latter for statements it
     * does not recognise as queries, such as {@code DATA BRANCH DIFF}.
     */
    public static List<List<String>> rows(Connection c, String query) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = resultOf(st, query)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** Column labels of a query's result. */
    public static List<String> columns(Connection c, String query) throws SQLException {
        List<String> labels = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = resultOf(st, query)) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                labels.add(md.getColumnLabel(i));
            }
        }
        return labels;
    }

    private static ResultSet resultOf(Statement st, String query) throws SQLException {
        if (!st.execute(query)) {
            throw new SQLException("statement returned no result set: " + query);
        }
        return st.getResultSet();
    }

    public static String scalar(Connection c, String query) throws SQLException {
        List<List<String>> rows = rows(c, query);
        return rows.isEmpty() ? null : rows.get(0).get(0);
    }

    /** A fresh database name per test so tests never see each other's tables. */
    /** The server's clock in Unix-epoch nanoseconds (the unit of {MO_TS}), read as text: Connector/J drops its fraction. */
    public static long serverNowNanos(Connection c) throws SQLException {
        java.time.LocalDateTime t = java.time.LocalDateTime.parse(scalar(c, "select cast(utc_timestamp(6) as char)").replace(' ', 'T'));
        return t.toEpochSecond(java.time.ZoneOffset.UTC) * 1_000_000_000L + t.getNano();
    }

    public static String uniqueDatabase(String prefix) {
        return prefix + "_" + Long.toString(System.nanoTime(), 36);
    }
}
