package io.matrixone.cdc.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.common.ChangeEvent;
import io.matrixone.cdc.common.TableId;
import io.matrixone.cdc.source.MatrixOneSourceConfig.Envelope;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class RecordFactoryTest {

    private static final Column ID = Column.fromInformationSchema("id", "int", "int(32)", false);
    private static final Column REGION = Column.fromInformationSchema("region", "varchar", "varchar(10)", false);
    private static final Column NAME = Column.fromInformationSchema("name", "varchar", "varchar(50)", true);
    private static final TableSchema TABLE = new TableSchema(TableId.parse("my-db.t1"), List.of(ID, REGION, NAME), List.of(REGION, ID));

    private static RecordFactory factory(Envelope envelope) {
        return new RecordFactory(TABLE, "1prefix", TableId.parse("db2.t2"), envelope);
    }

    @Test
    void schemaNamesAreValidAvroNames() {
        SourceRecord record = factory(Envelope.DEBEZIUM).change(ChangeEvent.OP_CREATE, null,
                factory(Envelope.DEBEZIUM).row(Arrays.asList(1, "eu", null)), 1_000_000_123L, null, Offsets.stream(1));
        assertThat(record.topic()).isEqualTo("1prefix.my-db.t1");
        assertThat(record.keySchema().name()).isEqualTo("_prefix.my_db.t1.Key");
        assertThat(record.valueSchema().name()).isEqualTo("_prefix.my_db.t1.Envelope");
        assertThat(record.valueSchema().field(ChangeEvent.AFTER).schema().name()).isEqualTo("_prefix.my_db.t1.Value");
        assertThat(RecordFactory.avroName("a.b-c 9")).isEqualTo("a_b_c_9");
    }

    @Test
    void debeziumEnvelopeWithCompositeKeyAndTargetHeader() {
        RecordFactory records = factory(Envelope.DEBEZIUM);
        Struct row = records.row(Arrays.asList(1, "eu", "ann"));
        SourceRecord record = records.change(ChangeEvent.OP_UPDATE, null, row, 1_700_000_000_123_456_789L, null, Offsets.stream(5));

        Struct key = (Struct) record.key();
        assertThat(record.keySchema().fields()).extracting(f -> f.name()).containsExactly("region", "id");
        assertThat(key.get("region")).isEqualTo("eu");
        assertThat(key.get("id")).isEqualTo(1);
        Struct value = (Struct) record.value();
        assertThat(value.getString(ChangeEvent.OP)).isEqualTo("u");
        assertThat(value.getStruct(ChangeEvent.AFTER).getString("name")).isEqualTo("ann");
        assertThat(value.get(ChangeEvent.BEFORE)).isNull();
        Struct source = value.getStruct(ChangeEvent.SOURCE);
        assertThat(source.getString(ChangeEvent.SOURCE_CONNECTOR)).isEqualTo("matrixone");
        assertThat(source.getString(ChangeEvent.SOURCE_NAME)).isEqualTo("1prefix");
        assertThat(source.getString(ChangeEvent.SOURCE_DB)).isEqualTo("my-db");
        assertThat(source.getString(ChangeEvent.SOURCE_TABLE)).isEqualTo("t1");
        assertThat(source.getInt64(ChangeEvent.SOURCE_TS_NS)).isEqualTo(1_700_000_000_123_456_789L);
        assertThat(source.getInt64(ChangeEvent.SOURCE_TS_MS)).isEqualTo(1_700_000_000_123L);
        assertThat(record.headers().lastWithName(ChangeEvent.TARGET_TABLE_HEADER).value()).isEqualTo("db2.t2");
        assertThat(record.sourcePartition()).isEqualTo(Offsets.partition("1prefix", TABLE.id()));
        // Primary-key columns are required even when the table would allow NULL; others keep their nullability.
        assertThat(record.valueSchema().field(ChangeEvent.AFTER).schema().field("id").schema().isOptional()).isFalse();
        assertThat(record.valueSchema().field(ChangeEvent.AFTER).schema().field("name").schema().isOptional()).isTrue();
        value.validate();
        key.validate();
    }

    @Test
    void deleteCarriesTheOldRowAndIsFollowedByATombstoneOfTheSameKey() {
        RecordFactory records = factory(Envelope.DEBEZIUM);
        SourceRecord delete = records.change(ChangeEvent.OP_DELETE, records.row(Arrays.asList(2, "us", "bob")), null, 1, null, Offsets.stream(1));
        Struct value = (Struct) delete.value();
        assertThat(value.getStruct(ChangeEvent.BEFORE).getString("name")).isEqualTo("bob");
        SourceRecord tombstone = records.tombstone(delete, Offsets.stream(2));
        assertThat(tombstone.value()).isNull();
        assertThat(tombstone.key()).isEqualTo(delete.key());
        assertThat(tombstone.sourceOffset()).isEqualTo(Offsets.stream(2));
    }

    @Test
    void flatRowsAreTheRowItselfAndDeletesAreTombstones() {
        RecordFactory records = factory(Envelope.FLAT);
        Struct row = records.row(Arrays.asList(3, "ap", "cy"));
        SourceRecord insert = records.change(ChangeEvent.OP_CREATE, null, row, 1_700_000_000_123_456_789L, null, Map.of());
        assertThat(insert.value()).isEqualTo(row);
        assertThat(insert.timestamp()).isEqualTo(1_700_000_000_123L);
        assertThat(insert.headers().lastWithName(ChangeEvent.SOURCE_TS_HEADER).value())
                .as("the source time to the nanosecond, which a Debezium envelope's source block carries").isEqualTo("1700000000123456789");
        assertThat(insert.valueSchema().name()).isEqualTo("_prefix.my_db.t1.Value");
        SourceRecord delete = records.change(ChangeEvent.OP_DELETE, row, null, 1, null, Map.of());
        assertThat(delete.value()).isNull();
        assertThat(((Struct) delete.key()).get("id")).isEqualTo(3);
    }

    @Test
    void tableEventsAreDebeziumTruncatesWithANullKeyAndTheEventHeader() {
        SourceRecord truncate = factory(Envelope.DEBEZIUM).tableEvent(ChangeEvent.TABLE_TRUNCATED, 5_000_000L, Offsets.stream(5_000_000L));
        assertThat(truncate.key()).isNull();
        Struct value = (Struct) truncate.value();
        assertThat(value.getString(ChangeEvent.OP)).isEqualTo(ChangeEvent.OP_TRUNCATE);
        assertThat(value.get(ChangeEvent.BEFORE)).isNull();
        assertThat(value.get(ChangeEvent.AFTER)).isNull();
        assertThat(value.getStruct(ChangeEvent.SOURCE).getInt64(ChangeEvent.SOURCE_TS_NS)).isEqualTo(5_000_000L);
        assertThat(truncate.headers().lastWithName(ChangeEvent.TABLE_EVENT_HEADER).value()).isEqualTo(ChangeEvent.TABLE_TRUNCATED);
        assertThat(truncate.headers().lastWithName(ChangeEvent.TARGET_TABLE_HEADER).value()).isEqualTo("db2.t2");
        value.validate();

        SourceRecord drop = factory(Envelope.FLAT).tableEvent(ChangeEvent.TABLE_DROPPED, 1L, Offsets.dropped(1L));
        assertThat(drop.key()).isNull();
        assertThat(drop.value()).as("flat: only the header tells it from a tombstone").isNull();
        assertThat(drop.headers().lastWithName(ChangeEvent.TABLE_EVENT_HEADER).value()).isEqualTo(ChangeEvent.TABLE_DROPPED);
        assertThat(drop.sourceOffset().get("phase")).isEqualTo("dropped");
    }
}
