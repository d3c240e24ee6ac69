package io.matrixone.cdc.sink;

import java.util.concurrent.atomic.AtomicLong;
import io.matrixone.cdc.common.Jmx;
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
    public long getConnectionId() {
        return connectionId.get();
    }

    @Override
    public void close() {
        Jmx.unregister(name);
    }
}
