package io.matrixone.cdc.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.junit.jupiter.api.Test;

/** A task's committed checkpoints: one read of Connect's offset store per interval for all of its tables. */
class CommittedCheckpointsTest {

    /** Connect's offset store, counting reads: each one reads the offsets topic to the end first. */
    private static final class CountingReader implements OffsetStorageReader {
        final Map<Map<String, ?>, Map<String, Object>> committed = new HashMap<>();
        final List<Integer> readSizes = new ArrayList<>();

        @Override
        public <T> Map<String, Object> offset(Map<String, T> partition) {
            throw new AssertionError("one table at a time: a read of the offsets topic per table");
        }

        @Override
        public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
            readSizes.add(partitions.size());
            Map<Map<String, T>, Map<String, Object>> found = new HashMap<>();
            partitions.forEach(p -> found.put(p, committed.get(p)));
            return found;
        }
    }

    private static Map<String, String> table(String name) {
        return Map.of("table", name);
    }

    @Test
    void tablesAskingWithinAnIntervalShareOneReadOfTheOffsetStore() {
        CountingReader reader = new CountingReader();
        reader.committed.put(table("a"), Map.of("ts", 1L));
        CommittedCheckpoints checkpoints = new CommittedCheckpoints(reader);

        assertThat(checkpoints.committed(table("a"), 0)).containsEntry("ts", 1L); // the first ask reads
        reader.committed.put(table("b"), Map.of("ts", 2L));
        assertThat(checkpoints.committed(table("b"), 1_000)).as("not read yet: known at the next read").isNull();
        reader.committed.put(table("a"), Map.of("ts", 3L));
        assertThat(checkpoints.committed(table("a"), 2_000)).as("as of the last read").containsEntry("ts", 1L);
        assertThat(reader.readSizes).containsExactly(1);

        long later = CommittedCheckpoints.REFRESH_NANOS;
        assertThat(checkpoints.committed(table("b"), later)).containsEntry("ts", 2L);
        assertThat(checkpoints.committed(table("a"), later + 1)).containsEntry("ts", 3L);
        assertThat(reader.readSizes).as("one read for both tables").containsExactly(1, 2);
    }
}
