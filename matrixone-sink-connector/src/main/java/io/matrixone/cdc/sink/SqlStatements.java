package io.matrixone.cdc.sink;

import io.matrixone.cdc.common.Identifiers;
import io.matrixone.cdc.common.TableId;
import io.matrixone.cdc.sink.MatrixOneSinkConfig.InsertMode;
import java.util.List;
import java.util.StringJoiner;

/** The SQL the sink sends, in MatrixOne's dialect. Values are always bound as parameters. */
final class SqlStatements {

    private SqlStatements() {
    }

    /** {@code INSERT INTO t (a,b) VALUES (?,?),(?,?) [ON DUPLICATE KEY UPDATE b=VALUES(b)]} for {@code rows} rows. */
    static String write(InsertMode mode, TableId table, List<String> columns, List<String> keyColumns, int rows) {
        String tuple = placeholders(columns.size());
        StringBuilder values = new StringBuilder(" VALUES ");
        for (int i = 0; i < rows; i++) {
            values.append(i == 0 ? "" : ",").append(tuple);
        }
        return write(mode, table, columns, keyColumns, values.toString());
    }

    /**
     * {@code INSERT INTO t (a,b) SELECT a,b FROM stage [ON DUPLICATE KEY UPDATE b=VALUES(b)]}: the rows a LOAD DATA put
     * in a staging table ({@link StagedUpserts}), written as {@link #write} writes bound rows. The staging table's
     * columns are text, so each value is cast to its column's type as a bound string would be.
     */
    static String writeFromStage(InsertMode mode, TableId table, TableId stage, List<String> columns, List<String> keyColumns) {
        return write(mode, table, columns, keyColumns, columnList(columns, " SELECT ", " FROM " + stage.quoted()));
    }

    private static String write(InsertMode mode, TableId table, List<String> columns, List<String> keyColumns, String rows) {
        boolean keyOnly = !keyColumns.isEmpty() && keyColumns.containsAll(columns);
        // MatrixOne refuses an ON DUPLICATE KEY UPDATE that assigns a key column (error 20313), so a row made
        // only of key columns is upserted with REPLACE: same result, and still idempotent.
        boolean replace = mode == InsertMode.REPLACE || (mode == InsertMode.UPSERT && keyOnly);
        StringBuilder sql = new StringBuilder(replace ? "REPLACE INTO " : "INSERT INTO ")
                .append(table.quoted()).append(columnList(columns, " (", ")")).append(rows);
        // pk.mode=none: no key to update by, so an upsert is a plain INSERT.
        if (mode == InsertMode.UPSERT && !keyOnly && !keyColumns.isEmpty()) {
            StringJoiner updates = new StringJoiner(", ", " ON DUPLICATE KEY UPDATE ", "");
            for (String column : columns) {
                if (!keyColumns.contains(column)) {
                    updates.add(Identifiers.quote(column) + " = VALUES(" + Identifiers.quote(column) + ")");
                }
            }
            sql.append(updates);
        }
        return sql.toString();
    }

    /** A staging table with these columns, all text. */
    static String createStage(TableId stage, List<String> columns) {
        StringJoiner definitions = new StringJoiner(", ", " (", ")");
        columns.forEach(c -> definitions.add(Identifiers.quote(c) + " TEXT"));
        return "CREATE TABLE IF NOT EXISTS " + stage.quoted() + definitions;
    }

    /**
     * {@code LOAD DATA LOCAL INFILE} of a file in {@link LoadDataCsv}'s format into the staging table's columns: fields
     * separated by commas, strings in double quotes (a quote doubled, a backslash escaped by a backslash, MatrixOne's
     * default escape), NULL as an unquoted {@code \N}, one row per line.
     */
    static String loadStage(String file, TableId stage, List<String> columns) {
        return "LOAD DATA LOCAL INFILE " + Identifiers.literal(file) + " INTO TABLE " + stage.quoted()
                + " FIELDS TERMINATED BY ',' ENCLOSED BY '\"' LINES TERMINATED BY '\\n'" + columnList(columns, " (", ")");
    }

    static String countStage(TableId stage) {
        return "SELECT count(*) FROM " + stage.quoted();
    }

    static String emptyStage(TableId stage) {
        return "DELETE FROM " + stage.quoted();
    }

    /** {@code DELETE FROM t WHERE a IN (?,?)} or, for composite keys, {@code (a,b) IN ((?,?),(?,?))}. */
    static String delete(TableId table, List<String> keyColumns, int rows) {
        StringBuilder sql = new StringBuilder("DELETE FROM ").append(table.quoted()).append(" WHERE ");
        String tuple;
        if (keyColumns.size() == 1) {
            sql.append(Identifiers.quote(keyColumns.get(0)));
            tuple = "?";
        } else {
            sql.append(columnList(keyColumns, "(", ")"));
            tuple = placeholders(keyColumns.size());
        }
        sql.append(" IN (");
        for (int i = 0; i < rows; i++) {
            sql.append(i == 0 ? "" : ",").append(tuple);
        }
        return sql.append(')').toString();
    }

    /** The columns quoted, separated by commas, between {@code prefix} and {@code suffix}. */
    private static String columnList(List<String> columns, String prefix, String suffix) {
        StringJoiner names = new StringJoiner(", ", prefix, suffix);
        columns.forEach(c -> names.add(Identifiers.quote(c)));
        return names.toString();
    }

    private static String placeholders(int count) {
        StringJoiner tuple = new StringJoiner(",", "(", ")");
        for (int i = 0; i < count; i++) {
            tuple.add("?");
        }
        return tuple.toString();
    }
}
