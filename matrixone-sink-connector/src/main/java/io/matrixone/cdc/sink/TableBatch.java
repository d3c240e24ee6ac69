package io.matrixone.cdc.sink;

import io.matrixone.cdc.common.TableId;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The changes of one put() for one table, collapsed by primary key: the last change of a key wins and
 * takes the place of its last occurrence, so the batch holds each key once.
 */
final class TableBatch {

    private final TableId table;
    private final Map<List<Object>, RowChange> byKey = new LinkedHashMap<>();
    private final List<RowChange> keyless = new ArrayList<>();

    TableBatch(TableId table) {
        this.table = table;
    }

    void add(RowChange change) {
        if (change.keyFields().isEmpty()) {
            keyless.add(change);
            return;
        }
        List<Object> key = identity(change.keyValues());
        byKey.remove(key);
        byKey.put(key, change);
    }

    TableId table() {
        return table;
    }

    List<RowChange> deletes() {
        return byKey.values().stream().filter(RowChange::delete).toList();
    }

    List<RowChange> upserts() {
        List<RowChange> rows = new ArrayList<>(byKey.values().stream().filter(c -> !c.delete()).toList());
        rows.addAll(keyless);
        return rows;
    }

    /** Key values that compare by content (byte arrays do not). */
    private static List<Object> identity(List<Object> values) {
        List<Object> key = new ArrayList<>(values.size());
        for (Object value : values) {
            key.add(value instanceof byte[] bytes ? ByteBuffer.wrap(bytes) : value);
        }
        return key;
    }
}
