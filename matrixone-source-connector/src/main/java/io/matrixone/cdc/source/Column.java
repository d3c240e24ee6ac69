package io.matrixone.cdc.source;

import java.util.Locale;

/**
 * A column as MatrixOne declares it.
 *
 * @param dataType the type name without size, e.g. {@code VARCHAR}, {@code BIGINT UNSIGNED}
 * @param declaredType the type as it would be written in CREATE TABLE, e.g. {@code VARCHAR(50)}
 */
record Column(String name, String dataType, String declaredType, boolean nullable) {

    /**
     * From information_schema.columns. MatrixOne reports integer and size-less types with a
     * pseudo width ({@code INT(32)}, {@code TEXT(0)}); those are dropped to get the declared type.
     */
    static Column fromInformationSchema(String name, String dataType, String columnType, boolean nullable) {
        String type = dataType.toUpperCase(Locale.ROOT);
        // Upper case like DDL is usually written ("VARCHAR(50)"), except ENUM labels, which are data.
        String declared = columnType.toUpperCase(Locale.ROOT).startsWith("ENUM") ? "ENUM" + columnType.substring(4)
                : columnType.toUpperCase(Locale.ROOT);
        if (type.contains("INT") || declared.endsWith("(0)")) {
            declared = type;
        }
        return new Column(name, type, declared, nullable);
    }

    boolean unsigned() {
        return dataType.endsWith("UNSIGNED");
    }

    /** The number in parentheses of the declared type (fsp, length, dimension), or {@code fallback}. */
    int size(int fallback) {
        int open = declaredType.indexOf('(');
        int close = declaredType.indexOf(')', open + 1);
        if (open < 0 || close < 0) {
            return fallback;
        }
        String inside = declaredType.substring(open + 1, close);
        int comma = inside.indexOf(',');
        try {
            return Integer.parseInt((comma < 0 ? inside : inside.substring(0, comma)).trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** The scale of DECIMAL(p,s). */
    int scale() {
        int comma = declaredType.indexOf(',');
        int close = declaredType.indexOf(')');
        return comma < 0 || close < comma ? 0 : Integer.parseInt(declaredType.substring(comma + 1, close).trim());
    }

    /** The labels of ENUM('a','b'), comma separated, unquoted. */
    String enumLabels() {
        int open = declaredType.indexOf('(');
        String inside = declaredType.substring(open + 1, declaredType.lastIndexOf(')'));
        StringBuilder labels = new StringBuilder();
        for (String quoted : inside.split(",(?=(?:[^']*'[^']*')*[^']*$)")) {
            String label = quoted.trim();
            if (label.startsWith("'") && label.endsWith("'")) {
                label = label.substring(1, label.length() - 1).replace("''", "'");
            }
            labels.append(labels.length() == 0 ? "" : ",").append(label);
        }
        return labels.toString();
    }
}
