package io.matrixone.cdc.source;

import io.matrixone.cdc.common.TableId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a table's columns and primary key from MatrixOne's {@code SHOW CREATE TABLE} text, the one place that
 * tells a table's schema as it was at a past time ({@code SHOW CREATE TABLE t {MO_TS = T}}, also for a table
 * dropped since). Each column line is {@code `name` type [unsigned] [NOT NULL] [DEFAULT ...] ...}, the key line
 * {@code PRIMARY KEY (`a`,`b`)}.
 */
final class CreateTableParser {

    private CreateTableParser() {
    }

    static TableSchema parse(TableId table, String ddl) {
        List<Column> columns = new ArrayList<>();
        List<String> keyNames = new ArrayList<>();
        for (String raw : ddl.split("\n")) {
            String line = raw.trim();
            if (line.startsWith("`")) {
                int end = closingBacktick(line, 0);
                String name = line.substring(1, end).replace("``", "`");
                if (!name.startsWith("__mo_")) {
                    columns.add(column(name, line.substring(end + 1).trim()));
                }
            } else if (line.toUpperCase(Locale.ROOT).startsWith("PRIMARY KEY")) {
                int at = line.indexOf('`');
                while (at >= 0) {
                    int end = closingBacktick(line, at);
                    keyNames.add(line.substring(at + 1, end).replace("``", "`"));
                    at = line.indexOf('`', end + 1);
                }
            }
        }
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("no column in the CREATE TABLE of " + table + ": " + ddl);
        }
        List<Column> key = new ArrayList<>();
        for (String name : keyNames) {
            columns.stream().filter(c -> c.name().equalsIgnoreCase(name)).findFirst().ifPresent(key::add);
        }
        return new TableSchema(table, List.copyOf(columns), List.copyOf(key));
    }

    /** The column from the text after its name: the type word, its parenthesis, UNSIGNED, then attributes. */
    private static Column column(String name, String definition) {
        int i = 0;
        while (i < definition.length() && (Character.isLetterOrDigit(definition.charAt(i)) || definition.charAt(i) == '_')) {
            i++;
        }
        String word = definition.substring(0, i);
        String size = "";
        if (i < definition.length() && definition.charAt(i) == '(') {
            int close = closingParenthesis(definition, i);
            size = definition.substring(i, close + 1);
            i = close + 1;
        }
        String attributes = definition.substring(i);
        boolean unsigned = attributes.toUpperCase(Locale.ROOT).startsWith(" UNSIGNED");
        if (unsigned) {
            attributes = attributes.substring(" UNSIGNED".length());
        }
        String dataType = word + (unsigned ? " unsigned" : "");
        String columnType = word + size + (unsigned ? " unsigned" : "");
        boolean notNull = withoutQuoted(attributes).toUpperCase(Locale.ROOT).contains("NOT NULL");
        return Column.fromInformationSchema(name, dataType, columnType, !notNull);
    }

    private static int closingBacktick(String text, int open) {
        int i = open + 1;
        while (i < text.length()) {
            if (text.charAt(i) == '`') {
                if (i + 1 < text.length() && text.charAt(i + 1) == '`') {
                    i += 2;
                    continue;
                }
                return i;
            }
            i++;
        }
        throw new IllegalArgumentException("unclosed ` in: " + text);
    }

    /** The ')' that closes the '(' at {@code open}, skipping quoted text (ENUM labels). */
    private static int closingParenthesis(String text, int open) {
        int depth = 0;
        boolean quoted = false;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\'') {
                quoted = !quoted; // '' inside a label flips twice
            } else if (!quoted && c == '(') {
                depth++;
            } else if (!quoted && c == ')' && --depth == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("unclosed ( in: " + text);
    }

    /** The text with quoted literals (defaults, comments) blanked, so words inside them are not read as attributes. */
    private static String withoutQuoted(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\'') {
                quoted = !quoted;
            }
            out.append(quoted ? ' ' : c);
        }
        return out.toString();
    }
}
