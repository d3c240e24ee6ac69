package io.matrixone.cdc.source;

import io.matrixone.cdc.common.TableId;
import java.util.List;

/** A captured table: its columns in order and its primary key columns in key order. */
record TableSchema(TableId id, List<Column> columns, List<Column> primaryKey) {

    boolean hasPrimaryKey() {
        return !primaryKey.isEmpty();
    }
}
