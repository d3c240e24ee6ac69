package io.matrixone.cdc.source;

import io.matrixone.cdc.common.DeclaredTypes;
import java.util.Locale;

/**
 * A column as MatrixOne declares it.
 *
 * @param dataType the type name without size, e.g. {@code VARCHAR}, {@code BIGINT UNSIGNED}
 * @param declaredType the type as it would be written in CREATE TABLE, e.g. {@code VARCHAR(50)}
 */
record Column(String name, String dataType, String declaredType, boolean nullable) {

    /** From information_schema.columns (the declared type as {@link DeclaredTypes} forms it). */
    static Column fromInformationSchema(String name, String dataType, String columnType, boolean nullable) {
        return new Column(name, dataType.toUpperCase(Locale.ROOT), DeclaredTypes.of(dataType, columnType), nullable);
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
