package io.matrixone.cdc.source;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.storage.OffsetStorageReader;

/**
 * The source offsets Connect has committed for a task's tables, as their clean-ups look at them (saved snapshot
 * times, window ends and log rows a replay no longer needs, see {@link TableStream}): read for every table that asked
 * so far in one call, at most every {@link #REFRESH_NANOS}, by the lane that asks first; the others go on with what
 * was read last. Each read of Connect's offset store first reads its topic to the end: 150-285 ms on bench-tables'
 * loaded machine, and read per table every 10 s it held each busy table's next read up that long (stalls of the
 * busy tables every ~6 s in the debug log). A checkpoint seen up to one interval late only delays a clean-up: a
 * committed offset only moves forward, so an older one deletes less.
 */
final class CommittedCheckpoints {

    static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final OffsetStorageReader reader;
    /** Guarded by this: the partitions of the tables that asked. */
    private final Set<Map<String, String>> partitions = new HashSet<>();
    /** Guarded by this: what the last read found. */
    private Map<Map<String, String>, Map<String, Object>> committed = Map.of();
    private long readAt;
    private boolean read;
    private boolean reading;

    CommittedCheckpoints(OffsetStorageReader reader) {
        this.reader = reader;
    }

    /**
     * The committed offset of the table with source partition {@code partition}, as of the last read (null when none
     * was committed, or the table had not asked before it). Reads again first when the last read is
     * {@link #REFRESH_NANOS} old and no other lane is reading.
     */
    Map<String, Object> committed(Map<String, String> partition, long nowNanos) {
        List<Map<String, String>> toRead;
        synchronized (this) {
            partitions.add(partition);
            if (reading || (read && nowNanos - readAt < REFRESH_NANOS)) {
                return committed.get(partition);
            }
            reading = true;
            toRead = List.copyOf(partitions);
        }
        Map<Map<String, String>, Map<String, Object>> found = null;
        try {
            found = reader.offsets(toRead);
        } finally {
            synchronized (this) {
                reading = false;
                if (found != null) {
                    committed = found;
                    readAt = nowNanos;
                    read = true;
                }
            }
        }
        synchronized (this) {
            return committed.get(partition);
        }
    }
}
