package io.matrixone.cdc.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.matrixone.cdc.common.ChangeEvent;
import io.matrixone.cdc.common.TableId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class ChangeReaderTest {

    static final Schema KEY = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).build();
    static final Schema ROW = SchemaBuilder.struct().optional().field("id", Schema.INT32_SCHEMA)
            .field("name", Schema.OPTIONAL_STRING_SCHEMA).build();
    static final Schema SOURCE = SchemaBuilder.struct().field("db", Schema.STRING_SCHEMA).field("table", Schema.STRING_SCHEMA).build();
    static final Schema ENVELOPE = SchemaBuilder.struct().field("before", ROW).field("after", ROW)
            .field("op", Schema.STRING_SCHEMA).field("source", SOURCE).build();

    private static ChangeReader reader(Map<String, String> extra) {
        Map<String, String> props = new HashMap<>(Map.of("connection.uri", "mysql://root:111@127.0.0.1:6002"));
        props.putAll(extra);
        MatrixOneSinkConfig config = new MatrixOneSinkConfig(props);
        return new ChangeReader(config, new TableRouter(config.tables(), config.getString(MatrixOneSinkConfig.TABLE_NAME_FORMAT)));
    }

    private static Struct row(int id, String name) {
        return new Struct(ROW).put("id", id).put("name", name);
    }

    private static SinkRecord envelope(String op, Struct before, Struct after) {
        Struct value = new Struct(ENVELOPE).put("op", op).put("before", before).put("after", after)
                .put("source", new Struct(SOURCE).put("db", "prod").put("table", "users"));
        return new SinkRecord("topic", 0, KEY, new Struct(KEY).put("id", 1), ENVELOPE, value, 7);
    }

    @Test
    void envelopeOpsBecomeUpsertsAndDeletesRoutedByTheSourceBlock() {
        ChangeReader reader = reader(Map.of());
        RowChange upsert = reader.read(envelope("u", row(1, "a"), row(1, "b")));
        assertThat(upsert.delete()).isFalse();
        assertThat(upsert.table()).isEqualTo(new TableId("prod", "users"));
        assertThat(upsert.row().getString("name")).isEqualTo("b");
        RowChange delete = reader.read(envelope("d", row(1, "b"), null));
        assertThat(delete.delete()).isTrue();
        assertThat(delete.describeKey()).isEqualTo("id=1");
    }

    @Test
    void mappingsWinOverTheHeaderAndTheHeaderOverTheFormat() {
        SinkRecord record = envelope("c", null, row(1, "a"));
        record.headers().addString(ChangeEvent.TARGET_TABLE_HEADER, "hdr.tbl");
        assertThat(reader(Map.of("tables", "prod.users:analytics.people")).read(record).table())
                .isEqualTo(new TableId("analytics", "people"));
        assertThat(reader(Map.of()).read(record).table()).isEqualTo(new TableId("hdr", "tbl"));
        assertThat(reader(Map.of("table.name.format", "x.${topic}_${source.table}")).read(envelope("c", null, row(1, "a"))).table())
                .isEqualTo(new TableId("x", "topic_users"));
    }

    @Test
    void flatRowsAndTombstones() {
        ChangeReader reader = reader(Map.of("table.name.format", "db.${topic}"));
        SinkRecord flat = new SinkRecord("t", 0, KEY, new Struct(KEY).put("id", 2), ROW, row(2, "x"), 1);
        assertThat(reader.read(flat).delete()).isFalse();
        SinkRecord tombstone = new SinkRecord("t", 0, KEY, new Struct(KEY).put("id", 2), null, null, 2);
        RowChange delete = reader.read(tombstone);
        assertThat(delete.delete()).isTrue();
        assertThat(delete.table()).isEqualTo(new TableId("db", "t"));
        assertThat(delete.keyValues()).containsExactly(2);
    }

    @Test
    void recordsThatDoNotFitAreClearErrors() {
        ChangeReader reader = reader(Map.of("table.name.format", "db.t"));
        assertThatThrownBy(() -> reader.read(new SinkRecord("t", 0, null, null, ROW, row(1, "a"), 1)))
                .isInstanceOf(RecordConversionException.class).hasMessageContaining("no key");
        assertThatThrownBy(() -> reader.read(new SinkRecord("t", 0, KEY, new Struct(KEY).put("id", 1), null, Map.of("id", 1), 1)))
                .hasMessageContaining("schemas.enable=true");
        Schema other = SchemaBuilder.struct().field("other", Schema.INT32_SCHEMA).build();
        assertThatThrownBy(() -> reader.read(new SinkRecord("t", 0, KEY, new Struct(KEY).put("id", 1), other,
                new Struct(other).put("other", 1), 1))).hasMessageContaining("'id'");
        assertThatThrownBy(() -> reader.read(envelope("x", null, row(1, "a")))).hasMessageContaining("unknown op 'x'");
        assertThatThrownBy(() -> reader(Map.of("tables", "a.b:c.d")).read(envelope("c", null, row(1, "a"))))
                .hasMessageContaining("prod.users is not in the sink's tables mapping");
    }

    @Test
    void aPrimitiveKeyIsTheColumnNamedInPkFields() {
        ChangeReader reader = reader(Map.of("table.name.format", "db.t", "pk.fields", "id"));
        RowChange delete = reader.read(new SinkRecord("t", 0, Schema.INT32_SCHEMA, 5, null, null, 1));
        assertThat(delete.describeKey()).isEqualTo("id=5");
        assertThatThrownBy(() -> reader(Map.of("table.name.format", "db.t"))
                .read(new SinkRecord("t", 0, Schema.INT32_SCHEMA, 5, null, null, 1))).hasMessageContaining("pk.fields");
    }

    @Test
    void aFlatRowsSourceTimeComesFromItsHeaderToTheNanosecond() {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString(ChangeEvent.SOURCE_TS_HEADER, "1700000000123456789");
        SinkRecord flat = new SinkRecord("t", 0, KEY, new Struct(KEY).put("id", 2), ROW, row(2, "x"), 1, 1_700_000_000_123L,
                org.apache.kafka.common.record.TimestampType.CREATE_TIME, headers);
        assertThat(ChangeReader.sourceTimeNanos(flat)).isEqualTo(1_700_000_000_123_456_789L);
        SinkRecord noHeader = new SinkRecord("t", 0, KEY, new Struct(KEY).put("id", 2), ROW, row(2, "x"), 1, 1_700_000_000_123L,
                org.apache.kafka.common.record.TimestampType.CREATE_TIME);
        assertThat(ChangeReader.sourceTimeNanos(noHeader)).as("another producer's row: its timestamp").isEqualTo(1_700_000_000_123_000_000L);
    }

    @Test
    void recordValuePrimaryKeys() {
        ChangeReader reader = reader(Map.of("table.name.format", "db.t", "pk.mode", "record_value", "pk.fields", "id",
                "delete.enabled", "false"));
        RowChange change = reader.read(new SinkRecord("t", 0, null, null, ROW, row(3, "z"), 1));
        assertThat(change.keyValues()).isEqualTo(List.of(3));
        assertThat(reader.read(new SinkRecord("t", 0, null, null, null, null, 2))).isNull();
    }

    @Test
    void truncateOpsAndTableEventHeadersAreTableEventsNotRowChanges() {
        ChangeReader reader = reader(Map.of());
        SinkRecord truncate = envelope(ChangeEvent.OP_TRUNCATE, null, null);
        TableEvent event = reader.tableEvent(new SinkRecord("topic", 0, null, null, ENVELOPE, truncate.value(), 8));
        assertThat(event.kind()).isEqualTo(TableEvent.Kind.TRUNCATE);
        assertThat(event.table()).isEqualTo(new TableId("prod", "users"));

        ConnectHeaders headers = new ConnectHeaders();
        headers.addString(ChangeEvent.TABLE_EVENT_HEADER, ChangeEvent.TABLE_DROPPED);
        headers.addString(ChangeEvent.TARGET_TABLE_HEADER, "copy.users");
        SinkRecord flatDrop = new SinkRecord("topic", 0, null, null, null, null, 9, null, null, headers);
        TableEvent drop = reader.tableEvent(flatDrop);
        assertThat(drop.kind()).isEqualTo(TableEvent.Kind.DROP);
        assertThat(drop.table()).isEqualTo(new TableId("copy", "users"));

        assertThat(reader.tableEvent(envelope("c", null, row(1, "a")))).as("a row change").isNull();
    }
}
