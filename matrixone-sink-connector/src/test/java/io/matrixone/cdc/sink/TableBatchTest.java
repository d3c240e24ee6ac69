package io.matrixone.cdc.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.common.TableId;
import java.util.List;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

class TableBatchTest {

    private static final TableId T = new TableId("db", "t");
    private static final List<Field> KEY = List.of(new Field("id", 0, Schema.INT32_SCHEMA));

    private static RowChange upsert(int id, String name) {
        return new RowChange(T, false, KEY, List.of(id), new Struct(ChangeReaderTest.ROW).put("id", id).put("name", name), null);
    }

    private static RowChange delete(int id) {
        return new RowChange(T, true, KEY, List.of(id), null, null);
    }

    @Test
    void lastChangeOfAKeyWinsAndTakesThePlaceOfItsLastOccurrence() {
        TableBatch batch = new TableBatch(T);
        List.of(upsert(1, "a"), upsert(2, "b"), upsert(1, "c"), delete(2), upsert(3, "d"), delete(4))
                .forEach(batch::add);
        assertThat(batch.upserts()).extracting(c -> c.row().getString("name")).containsExactly("c", "d");
        assertThat(batch.deletes()).extracting(c -> c.keyValues().get(0)).containsExactly(2, 4);
    }

    @Test
    void deleteThenReinsertIsAnUpsert() {
        TableBatch batch = new TableBatch(T);
        List.of(upsert(1, "a"), delete(1), upsert(1, "again")).forEach(batch::add);
        assertThat(batch.deletes()).isEmpty();
        assertThat(batch.upserts()).extracting(c -> c.row().getString("name")).containsExactly("again");
    }

    @Test
    void statementsAreSplitByBytesAndByRowCount() {
        List<RowChange> rows = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            rows.add(upsert(i, "x".repeat(300))); // counted as 636 bytes: 300 chars escaped at worst, an int, commas
        }
        BatchWriter bySize = new BatchWriter(new MatrixOneDialect(), MatrixOneSinkConfig.InsertMode.UPSERT, 2_000, 3000, null, null);
        // 100 + 3 x 636 > 2000: two rows per statement.
        assertThat(bySize.chunks(rows, false, 100)).extracting(List::size).containsExactly(2, 2, 2, 2, 2);
        BatchWriter byCount = new BatchWriter(new MatrixOneDialect(), MatrixOneSinkConfig.InsertMode.UPSERT, 1 << 22, 4, null, null);
        assertThat(byCount.chunks(rows, false, 100)).extracting(List::size).containsExactly(4, 4, 2);
        // A row bigger than the limit still goes, alone.
        assertThat(bySize.chunks(List.of(upsert(1, "y".repeat(5_000))), false, 100)).hasSize(1);
    }

    @Test
    void groupsByTableInFirstSeenOrder() {
        TableId other = new TableId("db", "u");
        RowChange inOther = new RowChange(other, true, KEY, List.of(1), null, null);
        assertThat(BatchWriter.group(List.of(upsert(1, "a"), inOther, upsert(2, "b"))).keySet()).containsExactly(T, other);
    }
}
