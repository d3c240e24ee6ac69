package io.matrixone.cdc.source;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.storage.OffsetStorageReader;

/**
 * What Connect has committed, as a task's offset reader sees it, for tests that drive table streams by hand: one
 * checkpoint for every table of the task, or none (a fresh capture).
 */
final class CommittedOffsets implements OffsetStorageReader {

    private volatile Map<String, Object> committed;

    /** Nothing committed yet. */
    CommittedOffsets() {
    }

    /** {@code checkpoint} committed for every table. */
    static CommittedOffsets of(Map<String, ?> checkpoint) {
        CommittedOffsets offsets = new CommittedOffsets();
        offsets.commit(checkpoint);
        return offsets;
    }

    /** Connect commits {@code checkpoint} as every table's. */
    void commit(Map<String, ?> checkpoint) {
        committed = new HashMap<>(checkpoint);
    }

    @Override
    public <T> Map<String, Object> offset(Map<String, T> partition) {
        return committed;
    }

    @Override
    public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
        Map<String, Object> now = committed;
        Map<Map<String, T>, Map<String, Object>> offsets = new HashMap<>();
        if (now != null) {
            partitions.forEach(partition -> offsets.put(partition, now));
        }
        return offsets;
    }
}
