package io.matrixone.cdc.common;

import java.util.Locale;
import java.util.Objects;

/**
 * A table as {@code database.table}. MatrixOne runs with {@code lower_case_table_names=1},
 * so names are kept in lower case and compare equal regardless of the case they were written in.
 */
public record TableId(String database, String table) implements Comparable<TableId> {

    public TableId {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(table, "table");
        if (database.isEmpty() || table.isEmpty()) {
            throw new IllegalArgumentException("a table must be written as database.table");
        }
        database = database.toLowerCase(Locale.ROOT);
        table = table.toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code db.t}. A name containing a dot can be written with backticks: {@code `my.db`.t}.
     */
    public static TableId parse(String text) {
        String[] parts = splitQualified(text == null ? "" : text.trim());
        return new TableId(parts[0], parts[1]);
    }

    static String[] splitQualified(String text) {
        if (text.startsWith("`")) {
            int end = text.indexOf("`.", 1);
            if (end < 0) {
                throw new IllegalArgumentException("expected `database`.table but got: " + text);
            }
            return new String[] {text.substring(1, end), unquote(text.substring(end + 2))};
        }
        int dot = text.indexOf('.');
        if (dot <= 0 || dot == text.length() - 1) {
            throw new IllegalArgumentException("expected database.table but got: '" + text + "'");
        }
        return new String[] {text.substring(0, dot), unquote(text.substring(dot + 1))};
    }

    private static String unquote(String part) {
        if (part.length() >= 2 && part.startsWith("`") && part.endsWith("`")) {
            return part.substring(1, part.length() - 1).replace("``", "`");
        }
        return part;
    }

    /** Quoted for SQL: {@code `db`.`t`}. */
    public String quoted() {
        return Identifiers.quote(database, table);
    }

    /** The quoted name read as the table was at {@code atTs} (epoch nanoseconds; MatrixOne time travel), or as it is when null. */
    public String quotedAt(Long atTs) {
        return quoted() + (atTs == null ? "" : " {MO_TS = " + atTs + "}");
    }

    @Override
    public String toString() {
        return database + "." + table;
    }

    @Override
    public int compareTo(TableId o) {
        return toString().compareTo(o.toString());
    }
}
