package io.matrixone.cdc.source;

import io.matrixone.cdc.common.TopicNames;
import io.matrixone.cdc.common.ChangeEvent;
import io.matrixone.cdc.common.TableId;
import io.matrixone.cdc.common.TrustedStructs;
import io.matrixone.cdc.source.MatrixOneSourceConfig.Envelope;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Builds one table's records: key = primary-key struct, value = Debezium-compatible envelope (or the
 * row with envelope=flat). Schema names are valid Avro names so Avro converters accept them.
 */
final class RecordFactory {

    static final Schema SOURCE_SCHEMA = SchemaBuilder.struct().name("io.matrixone.cdc.Source")
            .field(ChangeEvent.SOURCE_VERSION, Schema.STRING_SCHEMA)
            .field(ChangeEvent.SOURCE_CONNECTOR, Schema.STRING_SCHEMA)
            .field(ChangeEvent.SOURCE_NAME, Schema.STRING_SCHEMA)
            .field(ChangeEvent.SOURCE_DB, Schema.STRING_SCHEMA)
            .field(ChangeEvent.SOURCE_TABLE, Schema.STRING_SCHEMA)
            .field(ChangeEvent.SOURCE_TS_MS, Schema.INT64_SCHEMA)
            .field(ChangeEvent.SOURCE_TS_NS, Schema.INT64_SCHEMA)
            .field(ChangeEvent.SOURCE_SNAPSHOT, Schema.OPTIONAL_STRING_SCHEMA)
            .build();

    private final TableSchema table;
    private final String prefix;
    private final String topic;
    private final Envelope envelope;
    private final Map<String, String> partition;
    private final String targetTable;
    private final String sourceTable;
    private final Schema keySchema;
    private final Schema rowSchema;
    private final Schema envelopeSchema;
    /** The primary key's fields in the row, in the key's order. */
    private final Field[] keyFields;

    RecordFactory(TableSchema table, String prefix, TableId target, Envelope envelope) {
        this.table = table;
        this.prefix = prefix;
        this.topic = TopicNames.forTable(prefix, table.id());
        this.envelope = envelope;
        this.partition = Offsets.partition(prefix, table.id());
        this.targetTable = target.toString();
        this.sourceTable = table.id().toString();
        String name = avroName(prefix) + "." + avroName(table.id().database()) + "." + avroName(table.id().table());
        SchemaBuilder key = SchemaBuilder.struct().name(name + ".Key");
        table.primaryKey().forEach(c -> key.field(c.name(), ColumnTypes.schema(c, false)));
        this.keySchema = key.build();
        SchemaBuilder row = SchemaBuilder.struct().name(name + ".Value").optional();
        table.columns().forEach(c -> row.field(c.name(), ColumnTypes.schema(c, c.nullable() && !table.primaryKey().contains(c))));
        this.rowSchema = row.build();
        this.keyFields = table.primaryKey().stream().map(c -> rowSchema.field(c.name())).toArray(Field[]::new);
        this.envelopeSchema = SchemaBuilder.struct().name(name + ".Envelope")
                .field(ChangeEvent.BEFORE, rowSchema)
                .field(ChangeEvent.AFTER, rowSchema)
                .field(ChangeEvent.SOURCE, SOURCE_SCHEMA)
                .field(ChangeEvent.OP, Schema.STRING_SCHEMA)
                .field(ChangeEvent.TS_MS, Schema.OPTIONAL_INT64_SCHEMA)
                .build();
    }

    TableSchema table() {
        return table;
    }

    String topic() {
        return topic;
    }

    Map<String, String> partition() {
        return partition;
    }

    /** A row (values in column order) as a Struct. */
    Struct row(List<Object> values) {
        return TrustedStructs.of(rowSchema, values.toArray()); // ColumnTypes reads each value as its column's schema says
    }

    /**
     * A change record. {@code op} is r / c / u / d; {@code before} is set for deletes (the old row),
     * {@code after} for the rest. {@code snapshot} is "true", "last" or null.
     */
    SourceRecord change(String op, Struct before, Struct after, long tsNanos, String snapshot, Map<String, ?> offset) {
        Struct row = after != null ? after : before;
        Object[] keyValues = new Object[keyFields.length];
        for (int i = 0; i < keyFields.length; i++) {
            keyValues[i] = row.get(keyFields[i]);
        }
        Struct key = TrustedStructs.of(keySchema, keyValues);
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString(ChangeEvent.TARGET_TABLE_HEADER, targetTable);
        headers.addString(ChangeEvent.SOURCE_TABLE_HEADER, sourceTable);
        long tsMs = tsNanos / 1_000_000L;
        if (envelope == Envelope.FLAT) {
            headers.addString(ChangeEvent.SOURCE_TS_HEADER, String.valueOf(tsNanos));
            return new SourceRecord(partition, offset, topic, null, keySchema, key, rowSchema, after, tsMs, headers);
        }
        Struct value = envelope(before, after, source(tsNanos, snapshot), op);
        return new SourceRecord(partition, offset, topic, null, keySchema, key, envelopeSchema, value, tsMs, headers);
    }

    /**
     * A table-level event ({@link ChangeEvent#TABLE_TRUNCATED} or {@link ChangeEvent#TABLE_DROPPED}): Debezium's
     * truncate shape (null key, op {@code t}, no rows), tagged with {@link ChangeEvent#TABLE_EVENT_HEADER}; with
     * envelope=flat only the header tells it from a tombstone. A null key goes to any partition: the topics
     * mo-cdc creates have one, which keeps the event in order with the table's rows.
     */
    SourceRecord tableEvent(String event, long tsNanos, Map<String, ?> offset) {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString(ChangeEvent.TARGET_TABLE_HEADER, targetTable);
        headers.addString(ChangeEvent.SOURCE_TABLE_HEADER, sourceTable);
        headers.addString(ChangeEvent.TABLE_EVENT_HEADER, event);
        long tsMs = tsNanos / 1_000_000L;
        if (envelope == Envelope.FLAT) {
            return new SourceRecord(partition, offset, topic, null, null, null, null, null, tsMs, headers);
        }
        Struct value = envelope(null, null, source(tsNanos, null), ChangeEvent.OP_TRUNCATE);
        return new SourceRecord(partition, offset, topic, null, null, null, envelopeSchema, value, tsMs, headers);
    }

    /** The envelope's fields in {@link #envelopeSchema}'s order. */
    private Struct envelope(Struct before, Struct after, Struct source, String op) {
        return TrustedStructs.of(envelopeSchema, before, after, source, op, System.currentTimeMillis());
    }

    /** The source block's fields in {@link #SOURCE_SCHEMA}'s order. */
    private Struct source(long tsNanos, String snapshot) {
        return TrustedStructs.of(SOURCE_SCHEMA, Version.get(), ChangeEvent.CONNECTOR_NAME, prefix, table.id().database(),
                table.id().table(), tsNanos / 1_000_000L, tsNanos, snapshot);
    }

    /** A record that only moves this table's offset, on the heartbeat topic. */
    SourceRecord heartbeat(String heartbeatTopic, Map<String, ?> offset) {
        return new SourceRecord(partition, offset, heartbeatTopic, null, null, null,
                Schema.STRING_SCHEMA, table.id().toString(), System.currentTimeMillis());
    }

    /** The tombstone that follows a delete, so compacted topics drop the key. */
    SourceRecord tombstone(SourceRecord delete, Map<String, ?> offset) {
        return new SourceRecord(delete.sourcePartition(), offset, topic, null, keySchema, delete.key(),
                null, null, delete.timestamp(), delete.headers().duplicate());
    }

    /** Avro names: letters, digits and underscores, not starting with a digit. */
    static String avroName(String text) {
        StringBuilder name = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
            name.append(ok ? c : '_');
        }
        return name.toString();
    }
}
