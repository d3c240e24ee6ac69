package io.matrixone.cdc.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.common.ChangeEvent;
import io.matrixone.cdc.common.TableId;
import io.matrixone.cdc.source.ChangeReader.Change;
import io.matrixone.cdc.source.ChangeReader.Flag;
import io.matrixone.cdc.source.MatrixOneSourceConfig.Envelope;
import java.util.List;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Where each record of a read points a replay: the rule that makes a window all or nothing across a crash. */
class ReadRecordsTest {

    private static final Column ID = Column.fromInformationSchema("id", "int", "int(32)", false);
    private static final Column NAME = Column.fromInformationSchema("name", "varchar", "varchar(50)", true);
    private static final TableSchema TABLE = new TableSchema(TableId.parse("db.t"), List.of(ID, NAME), List.of(ID));
    private static final long FROM = 1_000;
    private static final long TO = 2_000;

    private final SourceTaskMetrics metrics = new SourceTaskMetrics("read-records-test", "0");

    @AfterEach
    void unregister() {
        metrics.close();
    }

    private static RecordFactory records(Envelope envelope) {
        return new RecordFactory(TABLE, "p", TABLE.id(), envelope);
    }

    private static Change change(Flag flag, int id) {
        return new Change(flag, List.of(id, "row " + id));
    }

    private static List<Object> offsets(List<SourceRecord> out) {
        return out.stream().map(r -> (Object) r.sourceOffset()).toList();
    }

    @Test
    void aWindowsRecordsCarryItsStartButTheLastWhichCarriesItsEnd() {
        List<SourceRecord> out = ReadRecords.window(records(Envelope.DEBEZIUM),
                List.of(change(Flag.INSERT, 1), change(Flag.UPDATE, 2), change(Flag.DELETE, 3)), FROM, TO, metrics);

        assertThat(out).extracting(r -> r.value() == null ? "tombstone" : ((Struct) r.value()).getString(ChangeEvent.OP))
                .containsExactly("c", "u", "d", "tombstone");
        assertThat(offsets(out)).containsExactly(Offsets.stream(FROM), Offsets.stream(FROM), Offsets.stream(FROM), Offsets.stream(TO));
        assertThat(((Struct) out.get(3).key()).get("id")).as("the tombstone is the deleted row's key").isEqualTo(3);
        assertThat(((Struct) out.get(2).value()).getStruct(ChangeEvent.BEFORE).get("name")).isEqualTo("row 3");
        assertThat(List.of(metrics.inserts.get(), metrics.updates.get(), metrics.deletes.get())).containsExactly(1L, 1L, 1L);
    }

    @Test
    void withFlatRecordsADeleteIsItsTombstoneAlone() {
        List<SourceRecord> out = ReadRecords.window(records(Envelope.FLAT),
                List.of(change(Flag.DELETE, 3), change(Flag.INSERT, 4), change(Flag.DELETE, 5)), FROM, TO, metrics);

        assertThat(out).extracting(SourceRecord::value).containsExactly(null, ((Struct) out.get(1).value()), null);
        assertThat(offsets(out)).containsExactly(Offsets.stream(FROM), Offsets.stream(FROM), Offsets.stream(TO));
        assertThat(out).extracting(r -> ((Struct) r.key()).get("id")).containsExactly(3, 4, 5);
    }

    @Test
    void aSnapshotChunkCarriesTheKeysReadUpToAndItsLastRowStartsTheStream() {
        List<SnapshotReader.Row> rows = List.of(new SnapshotReader.Row(List.of(1, "a"), List.of("1")),
                new SnapshotReader.Row(List.of(2, "b"), List.of("2")));

        List<SourceRecord> middle = ReadRecords.snapshotChunk(records(Envelope.DEBEZIUM), rows, TO, false);
        assertThat(offsets(middle)).containsExactly(Offsets.snapshot(TO, "[\"1\"]"), Offsets.snapshot(TO, "[\"2\"]"));
        assertThat(middle).extracting(r -> ((Struct) r.value()).getStruct(ChangeEvent.SOURCE).getString(ChangeEvent.SOURCE_SNAPSHOT))
                .containsExactly("true", "true");

        List<SourceRecord> last = ReadRecords.snapshotChunk(records(Envelope.DEBEZIUM), rows, TO, true);
        assertThat(offsets(last)).containsExactly(Offsets.snapshot(TO, "[\"1\"]"), Offsets.stream(TO));
        assertThat(last).extracting(r -> ((Struct) r.value()).getStruct(ChangeEvent.SOURCE).getString(ChangeEvent.SOURCE_SNAPSHOT))
                .containsExactly("true", "last");
        assertThat(last).extracting(r -> ((Struct) r.value()).getString(ChangeEvent.OP)).containsOnly("r");
    }
}
