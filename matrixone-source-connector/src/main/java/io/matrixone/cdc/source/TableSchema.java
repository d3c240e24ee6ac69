package io.matrixone.cdc.source;

import io.matrixone.cdc.common.TableId;
import java.util.List;

/** A captured table: its columns in order and its primary key columns in key order. */
record TableSchema(TableId id, List<Column> columns, List<Column> primaryKey) {

    /** A table that no longer exists: no columns, only its name (for the drop event). */
    static TableSchema absent(TableId id) {
        return new TableSchema(id, List.of(), List.of());
    }

    boolean hasPrimaryKey() {
        return !primaryKey.isEmpty();
    }

    /**
     * Why the table's changes cannot be captured, or null when they can. MatrixOne v4.1.4's
     * DATA BRANCH DIFF returns no rows at all for a table with an ENUM column (proved by
     * MatrixOneFactsIT), which would lose every change silently.
     */
    String uncapturableReason() {
        if (!hasPrimaryKey()) {
            return "table " + id + " has no primary key: tables without a primary key are not supported (MatrixOne's "
                    + "change data cannot tell identical rows apart). Add a primary key, or leave the table out (exclude).";
        }
        List<String> enums = columns.stream().filter(c -> c.dataType().equals("ENUM")).map(Column::name).toList();
        if (!enums.isEmpty()) {
            return "table " + id + " has ENUM column(s) " + enums + ": MatrixOne's DATA BRANCH DIFF returns no changes for "
                    + "such tables, so changes would be lost. Change the column(s) to VARCHAR, or leave the table out (exclude).";
        }
        return null;
    }
}
