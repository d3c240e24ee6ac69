package io.matrixone.cdc.sink;

import io.matrixone.cdc.common.AppliedPositions;
import io.matrixone.cdc.common.Jmx;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ObjectName;

/**
 * What a sink task has done, as a JMX MBean:
 * {@code io.matrixone.cdc:type=sink-task-metrics,connector=<name>,task=<id>}.
 */
public final class SinkTaskMetrics implements SinkTaskMetricsMBean, AutoCloseable {

    private final AtomicLong recordsWritten = new AtomicLong();
    private final AtomicLong upserts = new AtomicLong();
    private final AtomicLong deletes = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong erroneousRecords = new AtomicLong();
    private final AtomicLong lastCommitLagMs = new AtomicLong(-1);
    private final AtomicLong connectionId = new AtomicLong(-1);
    private final Map<String, Long> appliedMs = new ConcurrentHashMap<>();
    private final ObjectName name;

    SinkTaskMetrics(String connector, String task) {
        this.name = Jmx.register(this, "sink-task-metrics", connector, task);
    }

    void batchCommitted(long upsertCount, long deleteCount, long oldestRecordTimestampMs) {
        upserts.addAndGet(upsertCount);
        deletes.addAndGet(deleteCount);
        recordsWritten.addAndGet(upsertCount + deleteCount);
        batches.incrementAndGet();
        if (oldestRecordTimestampMs > 0) {
            lastCommitLagMs.set(System.currentTimeMillis() - oldestRecordTimestampMs);
        }
    }

    /** After a commit: the tables' applied positions it saved (partial ones keep their earlier time). */
    void applied(Collection<AppliedPositions.Position> positions) {
        for (AppliedPositions.Position position : positions) {
            if (!position.partial()) {
                appliedMs.put(position.sourceTable(), position.appliedTs() / 1_000_000);
            }
        }
    }

    void connected(long id) {
        connectionId.set(id);
    }

    void retried() {
        retries.incrementAndGet();
    }

    void erroneousRecord() {
        erroneousRecords.incrementAndGet();
    }

    @Override
    public long getRecordsWritten() {
        return recordsWritten.get();
    }

    @Override
    public long getUpserts() {
        return upserts.get();
    }

    @Override
    public long getDeletes() {
        return deletes.get();
    }

    @Override
    public long getBatches() {
        return batches.get();
    }

    @Override
    public long getRetries() {
        return retries.get();
    }

    @Override
    public long getErroneousRecords() {
        return erroneousRecords.get();
    }

    @Override
    public long getLastCommitLagMs() {
        return lastCommitLagMs.get();
    }

    @Override
    public long getOldestAppliedPositionMs() {
        return appliedMs.values().stream().mapToLong(Long::longValue).min().orElse(-1);
    }

    @Override
    public long getAppliedLagMs() {
        long oldest = getOldestAppliedPositionMs();
        return oldest < 0 ? -1 : System.currentTimeMillis() - oldest;
    }

    @Override
    public long getConnectionId() {
        return connectionId.get();
    }

    @Override
    public void close() {
        Jmx.unregister(name);
    }
}
