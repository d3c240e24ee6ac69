package io.matrixone.cdc.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.common.AppliedPositions.Position;
import io.matrixone.cdc.common.ChangeEvent;
import io.matrixone.cdc.common.TableId;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class AppliedProgressTest {

    private static final TableId TARGET = new TableId("dst", "t");

    @Test
    void theLastRecordOfEachSourceTableDecidesItsPosition() {
        List<AppliedProgress.Written> run = new ArrayList<>();
        run.add(written("p.src.t", 10, "src.t", null));          // mid-window
        run.add(written("p.src.t", 11, "src.t", 2_000L));        // the window's last record: complete at 2000
        run.add(written("p.src.u", 3, "src.u", null));           // u: only mid-window records so far
        run.add(written("other", 7, null, null));                // not from a mo-cdc source: moves nothing

        List<Position> positions = new ArrayList<>(AppliedProgress.of(run));

        assertThat(positions).containsExactly(
                new Position("src.t", "dst.t", 2_000L, false, "p.src.t", 0, 11),
                new Position("src.u", "dst.t", 0, true, "p.src.u", 0, 3));
    }

    @Test
    void aWindowAppliedPartWayIsPartial() {
        List<Position> positions = new ArrayList<>(AppliedProgress.of(List.of(
                written("p.src.t", 11, "src.t", 2_000L), written("p.src.t", 12, "src.t", null))));
        assertThat(positions).singleElement().satisfies(p -> {
            assertThat(p.partial()).isTrue();
            assertThat(p.kafkaOffset()).isEqualTo(12);
        });
    }

    private static AppliedProgress.Written written(String topic, long offset, String source, Long completeTs) {
        SinkRecord record = new SinkRecord(topic, 0, null, null, Schema.OPTIONAL_STRING_SCHEMA, null, offset);
        if (source != null) {
            record.headers().addString(ChangeEvent.SOURCE_TABLE_HEADER, source);
        }
        if (completeTs != null) {
            // As a worker's header converter may hand it over: a number.
            record.headers().addLong(ChangeEvent.COMPLETE_TS_HEADER, completeTs);
        }
        return new AppliedProgress.Written(record, TARGET);
    }
}
