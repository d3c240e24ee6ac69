package io.matrixone.cdc.common;

import java.util.Locale;

/**
 * A column's type as it would be written in CREATE TABLE, from what MatrixOne's information_schema.columns says:
 * both connectors compare and carry types in this one form (the source in its records, the sink against the
 * target's columns).
 */
public final class DeclaredTypes {

    private DeclaredTypes() {
    }

    /**
     * From {@code data_type} and {@code column_type}. MatrixOne reports integer and size-less types with a pseudo
     * width ({@code INT(32)}, {@code TEXT(0)}); those are dropped. Upper case like DDL is usually written
     * ({@code VARCHAR(50)}), except ENUM labels, which are data.
     */
    public static String of(String dataType, String columnType) {
        String type = dataType.toUpperCase(Locale.ROOT);
        String declared = columnType.toUpperCase(Locale.ROOT).startsWith("ENUM") ? "ENUM" + columnType.substring(4)
                : columnType.toUpperCase(Locale.ROOT);
        return type.contains("INT") || declared.endsWith("(0)") ? type : declared;
    }

    /** Two declared types are the same type: case and spacing aside. */
    public static boolean same(String a, String b) {
        return normalize(a).equals(normalize(b));
    }

    private static String normalize(String type) {
        return type.toLowerCase(Locale.ROOT).replace(" ", "");
    }
}
