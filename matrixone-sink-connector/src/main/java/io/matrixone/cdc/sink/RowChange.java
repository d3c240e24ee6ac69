package io.matrixone.cdc.sink;

import io.matrixone.cdc.common.TableId;
import java.util.List;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * One record turned into what the target needs: which table, upsert or delete, the primary key
 * (field names and values in key order), and for upserts the row.
 *
 * @param keyFields the key's fields in key order; empty with pk.mode=none
 * @param keyValues the key's values, same order
 * @param row the new row for an upsert; null for a delete
 */
record RowChange(TableId table, boolean delete, List<Field> keyFields, List<Object> keyValues, Struct row,
                 SinkRecord record) {

    /** A readable description of the key for error messages, e.g. {@code activity_id=4}. */
    String describeKey() {
        if (keyFields.isEmpty()) {
            return "(no key)";
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < keyFields.size(); i++) {
            if (i > 0) {
                text.append(", ");
            }
            text.append(keyFields.get(i).name()).append('=').append(keyValues.get(i));
        }
        return text.toString();
    }
}
