package io.matrixone.cdc.common;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The capture scope and routing of MatrixOne's {@code mo_cdc --tables}: a comma-separated list of
 * {@code source[:target]} entries where source is {@code db.t}, {@code db.*} or {@code *.*} and the
 * optional target is {@code db2.t2} (for a single table) or {@code db2} / {@code db2.*} (for a
 * wildcard: tables keep their names in the target database). Without a target a table keeps its
 * own name. The first matching entry wins.
 */
public final class TableMappings {

    private record Entry(String sourceDb, String sourceTable, String targetDb, String targetTable) {
        boolean matches(TableId id) {
            return (sourceDb.equals("*") || sourceDb.equals(id.database()))
                    && (sourceTable.equals("*") || sourceTable.equals(id.table()));
        }

        TableId target(TableId id) {
            String db = targetDb == null || targetDb.equals("*") ? id.database() : targetDb;
            String table = targetTable == null || targetTable.equals("*") ? id.table() : targetTable;
            return new TableId(db, table);
        }
    }

    private final List<Entry> entries;
    private final String text;

    private TableMappings(List<Entry> entries, String text) {
        this.entries = List.copyOf(entries);
        this.text = text;
    }

    public static TableMappings parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("no tables given: write db.t, db.*, *.* or db.t:db2.t2");
        }
        List<Entry> entries = new ArrayList<>();
        for (String raw : text.split(",")) {
            String item = raw.trim();
            if (item.isEmpty()) {
                continue;
            }
            String[] sides = item.split(":", -1);
            if (sides.length > 2) {
                throw new IllegalArgumentException("too many ':' in table mapping '" + item + "'");
            }
            String[] source = TableId.splitQualified(sides[0].trim());
            String sourceDb = source[0].toLowerCase(java.util.Locale.ROOT);
            String sourceTable = source[1].toLowerCase(java.util.Locale.ROOT);
            if (sourceDb.equals("*") && !sourceTable.equals("*")) {
                throw new IllegalArgumentException("'" + item + "': a wildcard database needs a wildcard table (*.*)");
            }
            String targetDb = null;
            String targetTable = null;
            if (sides.length == 2) {
                String target = sides[1].trim();
                if (target.contains(".")) {
                    String[] t = TableId.splitQualified(target);
                    targetDb = t[0].toLowerCase(java.util.Locale.ROOT);
                    targetTable = t[1].toLowerCase(java.util.Locale.ROOT);
                } else if (!target.isEmpty()) {
                    targetDb = target.toLowerCase(java.util.Locale.ROOT);
                    targetTable = "*";
                } else {
                    throw new IllegalArgumentException("'" + item + "': empty target after ':'");
                }
                if (sourceTable.equals("*") && targetTable != null && !targetTable.equals("*")) {
                    throw new IllegalArgumentException("'" + item + "': a wildcard source maps to a database (db2 or db2.*), not to one table");
                }
            }
            entries.add(new Entry(sourceDb, sourceTable, targetDb, targetTable));
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("no tables given: write db.t, db.*, *.* or db.t:db2.t2");
        }
        return new TableMappings(entries, text.trim());
    }

    /** True when the table is in scope. */
    public boolean includes(TableId table) {
        return entries.stream().anyMatch(e -> e.matches(table));
    }

    /** Where the table goes on the sink, if in scope. */
    public Optional<TableId> targetOf(TableId table) {
        return entries.stream().filter(e -> e.matches(table)).findFirst().map(e -> e.target(table));
    }

    /** Exact source tables named without wildcards (those can be checked to exist). */
    public List<TableId> exactTables() {
        return entries.stream()
                .filter(e -> !e.sourceDb.equals("*") && !e.sourceTable.equals("*"))
                .map(e -> new TableId(e.sourceDb, e.sourceTable))
                .toList();
    }

    /** Source databases the list reaches; empty means every database ({@code *.*}). */
    public Optional<List<String>> databases() {
        if (entries.stream().anyMatch(e -> e.sourceDb.equals("*"))) {
            return Optional.empty();
        }
        return Optional.of(entries.stream().map(Entry::sourceDb).distinct().toList());
    }

    @Override
    public String toString() {
        return text;
    }
}
