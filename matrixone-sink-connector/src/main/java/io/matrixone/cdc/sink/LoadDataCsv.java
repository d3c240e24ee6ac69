package io.matrixone.cdc.sink;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Rows as the text {@code LOAD DATA} reads ({@link SqlStatements#loadStage}): the values the JDBC driver would bind
 * ({@link SinkDialect#toJdbc}) written as the literals it would send, so a staging table's text column, cast to the
 * target column's type, gives what the bound value gives. Only values whose text is exact are written: integers,
 * decimals, strings, dates and date-times; a row with any other value (bytes, floating point, booleans) is refused
 * and its batch takes the statements with bound values.
 */
final class LoadDataCsv {

    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS");

    private LoadDataCsv() {
    }

    /** Appends one line for {@code values}; false (and {@code out} left as it was) when a value has no exact text here. */
    static boolean appendRow(StringBuilder out, List<Object> values) {
        int start = out.length();
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            if (!appendValue(out, values.get(i))) {
                out.setLength(start);
                return false;
            }
        }
        out.append('\n');
        return true;
    }

    private static boolean appendValue(StringBuilder out, Object value) {
        if (value == null) {
            out.append("\\N"); // unquoted: NULL; a string "\N" is written quoted, its backslash doubled
        } else if (value instanceof String s) {
            appendQuoted(out, s);
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            out.append(value);
        } else if (value instanceof BigDecimal d) {
            out.append(d.toPlainString());
        } else if (value instanceof LocalDateTime t) {
            if (t.getYear() < 0 || t.getYear() > 9999) {
                return false; // no plain text for it; the bound value gets the server's own answer
            }
            out.append(DATE_TIME.format(t));
        } else if (value instanceof LocalDate d) {
            if (d.getYear() < 0 || d.getYear() > 9999) {
                return false;
            }
            out.append(d);
        } else {
            return false;
        }
        return true;
    }

    /** In double quotes: a quote doubled, a backslash escaped (LOAD DATA's default escape character). */
    private static void appendQuoted(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                out.append("\"\"");
            } else if (c == '\\') {
                out.append("\\\\");
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }
}
