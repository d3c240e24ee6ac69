package io.matrixone.cdc.common;

/** The one place where SQL identifiers are quoted for MatrixOne (MySQL dialect: backticks). */
public final class Identifiers {

    private Identifiers() {
    }

    /** {@code name} as a quoted identifier; backticks inside are doubled. */
    public static String quote(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("empty SQL identifier");
        }
        return '`' + name.replace("`", "``") + '`';
    }

    /** {@code db.table} with both parts quoted. */
    public static String quote(String database, String table) {
        return quote(database) + '.' + quote(table);
    }

    /** A string literal for MatrixOne: single quotes and backslashes escaped. */
    public static String literal(String value) {
        return '\'' + value.replace("\\", "\\\\").replace("'", "''") + '\'';
    }
}
