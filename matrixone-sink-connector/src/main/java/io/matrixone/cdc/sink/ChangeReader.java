package io.matrixone.cdc.sink;

import io.matrixone.cdc.common.ChangeEvent;
import io.matrixone.cdc.common.TableId;
import io.matrixone.cdc.sink.MatrixOneSinkConfig.PkMode;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Reads what a record means: this project's envelope and any Debezium envelope ({@code before},
 * {@code after}, {@code op}, {@code source}), or a flat row, with a null value (tombstone) as a delete.
 */
final class ChangeReader {

    private final PkMode pkMode;
    private final List<String> pkFields;
    private final boolean deleteEnabled;
    private final TableRouter router;

    ChangeReader(MatrixOneSinkConfig config, TableRouter router) {
        this.pkMode = config.pkMode();
        this.pkFields = config.getList(MatrixOneSinkConfig.PK_FIELDS);
        this.deleteEnabled = config.getBoolean(MatrixOneSinkConfig.DELETE_ENABLED);
        this.router = router;
    }

    /**
     * The table-level event a record carries (truncate or drop), or null for a row change: this project's
     * {@link ChangeEvent#TABLE_EVENT_HEADER}, or a Debezium envelope with op {@code t}.
     */
    TableEvent tableEvent(SinkRecord record) {
        Header header = record.headers().lastWithName(ChangeEvent.TABLE_EVENT_HEADER);
        Struct envelope = record.value() instanceof Struct struct && isEnvelope(struct.schema()) ? struct : null;
        boolean truncateOp = envelope != null && ChangeEvent.OP_TRUNCATE.equals(envelope.getString(ChangeEvent.OP));
        if (header == null && !truncateOp) {
            return null;
        }
        TableId table = router.route(record, envelope == null ? null : sourceOf(envelope));
        boolean drop = header != null && ChangeEvent.TABLE_DROPPED.equals(String.valueOf(header.value()));
        return new TableEvent(table, drop ? TableEvent.Kind.DROP : TableEvent.Kind.TRUNCATE, record);
    }

    /** The change, or null for a record with nothing to apply (a tombstone when deletes are off). */
    RowChange read(SinkRecord record) {
        Object value = record.value();
        if (value == null) {
            if (!deleteEnabled) {
                return null;
            }
            // A tombstone: the key says which row; the table comes from routing without a source block.
            return delete(record, null, router.route(record, null));
        }
        if (!(value instanceof Struct struct)) {
            throw new RecordConversionException("record value is not a struct with a schema (" + value.getClass().getSimpleName()
                    + "); use a converter with schemas, e.g. JsonConverter with schemas.enable=true, or Avro");
        }
        if (isEnvelope(struct.schema())) {
            TableId table = router.route(record, sourceOf(struct));
            String op = struct.getString(ChangeEvent.OP);
            switch (op == null ? "" : op) {
                case ChangeEvent.OP_READ, ChangeEvent.OP_CREATE, ChangeEvent.OP_UPDATE -> {
                    Struct after = struct.getStruct(ChangeEvent.AFTER);
                    if (after == null) {
                        throw new RecordConversionException("op '" + op + "' without an 'after' row");
                    }
                    return upsert(record, after, table);
                }
                case ChangeEvent.OP_DELETE -> {
                    return deleteEnabled ? delete(record, struct.getStruct(ChangeEvent.BEFORE), table) : null;
                }
                default -> throw new RecordConversionException("unknown op '" + op + "' (expected r, c, u or d)");
            }
        }
        return upsert(record, struct, router.route(record, null));
    }

    /**
     * When the record's row was read at the source, in nanoseconds: this project's {@code source.ts_ns}, or on a flat
     * row its {@link ChangeEvent#SOURCE_TS_HEADER}, else the record's timestamp; 0 when unknown. Orders a table's
     * schemas, so a replayed older record never takes the target table back to an older schema.
     */
    static long sourceTimeNanos(SinkRecord record) {
        if (record == null) {
            return 0;
        }
        if (record.value() instanceof Struct struct && isEnvelope(struct.schema())) {
            Struct source = sourceOf(struct);
            if (source != null && source.schema().field(ChangeEvent.SOURCE_TS_NS) != null && source.get(ChangeEvent.SOURCE_TS_NS) != null) {
                return source.getInt64(ChangeEvent.SOURCE_TS_NS);
            }
        }
        Header sourceTime = record.headers().lastWithName(ChangeEvent.SOURCE_TS_HEADER);
        if (sourceTime != null && sourceTime.value() != null) {
            try {
                // The worker's header converter may have read the text as a number: its text is what was sent.
                return Long.parseLong(String.valueOf(sourceTime.value()));
            } catch (NumberFormatException notOurs) {
                // another producer's header of the same name: the record's timestamp below
            }
        }
        return record.timestamp() == null ? 0 : record.timestamp() * 1_000_000L;
    }

    /** The envelope's {@code source} block, or null when it has none. */
    private static Struct sourceOf(Struct envelope) {
        return envelope.schema().field(ChangeEvent.SOURCE) == null ? null : envelope.getStruct(ChangeEvent.SOURCE);
    }

    static boolean isEnvelope(Schema schema) {
        return schema.field(ChangeEvent.OP) != null && schema.field(ChangeEvent.AFTER) != null
                && schema.field(ChangeEvent.BEFORE) != null;
    }

    private RowChange upsert(SinkRecord record, Struct row, TableId table) {
        List<Field> keyFields = new ArrayList<>();
        List<Object> keyValues = new ArrayList<>();
        switch (pkMode) {
            case RECORD_KEY -> keyFromRecordKey(record, keyFields, keyValues);
            case RECORD_VALUE -> keyFromRow(row, keyFields, keyValues);
            case NONE -> { }
        }
        for (Field keyField : keyFields) {
            if (row.schema().field(keyField.name()) == null) {
                throw new RecordConversionException("primary-key field '" + keyField.name()
                        + "' of the record key is not in the row; the row must carry its key columns");
            }
        }
        return new RowChange(table, false, keyFields, keyValues, row, record);
    }

    private RowChange delete(SinkRecord record, Struct before, TableId table) {
        List<Field> keyFields = new ArrayList<>();
        List<Object> keyValues = new ArrayList<>();
        if (record.key() != null) {
            keyFromRecordKey(record, keyFields, keyValues);
        } else if (before != null && !pkFields.isEmpty()) {
            keyFromRow(before, keyFields, keyValues);
        } else {
            throw new RecordConversionException("a delete without a record key: cannot tell which row to delete");
        }
        return new RowChange(table, true, keyFields, keyValues, null, record);
    }

    private void keyFromRecordKey(SinkRecord record, List<Field> fields, List<Object> values) {
        Object key = record.key();
        if (key == null) {
            throw new RecordConversionException("record has no key but pk.mode=record_key: the primary key comes from the record key");
        }
        if (!(key instanceof Struct keyStruct)) {
            // A primitive key (as in the Confluent JDBC sink) is the one column named in pk.fields.
            if (record.keySchema() != null && record.keySchema().type().isPrimitive() && pkFields.size() == 1) {
                fields.add(new Field(pkFields.get(0), 0, record.keySchema()));
                values.add(key);
                return;
            }
            throw new RecordConversionException("record key is not a struct with a schema (" + key.getClass().getSimpleName()
                    + "); the key must name its primary-key fields, or be a primitive with its column in pk.fields");
        }
        for (Field field : keyStruct.schema().fields()) {
            if (pkFields.isEmpty() || pkFields.contains(field.name())) {
                Object value = keyStruct.get(field);
                if (value == null) {
                    throw new RecordConversionException("primary-key field '" + field.name() + "' is null");
                }
                fields.add(field);
                values.add(value);
            }
        }
        if (fields.isEmpty()) {
            throw new RecordConversionException("record key has none of the primary-key fields " + pkFields);
        }
    }

    private void keyFromRow(Struct row, List<Field> fields, List<Object> values) {
        for (String name : pkFields) {
            Field field = row.schema().field(name);
            if (field == null) {
                throw new RecordConversionException("primary-key field '" + name + "' is not in the row");
            }
            Object value = row.get(field);
            if (value == null) {
                throw new RecordConversionException("primary-key field '" + name + "' is null");
            }
            fields.add(field);
            values.add(value);
        }
    }
}
