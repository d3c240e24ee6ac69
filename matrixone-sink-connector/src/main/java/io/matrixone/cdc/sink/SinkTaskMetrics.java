package io.matrixone.cdc.sink;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a sink task has done, as a JMX MBean:
 * {@code io.matrixone.cdc:type=sink-task-metrics,connector=<name>,task=<id>}.
 */
public final class SinkTaskMetrics implements SinkTaskMetricsMBean, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SinkTaskMetrics.class);

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
        ObjectName objectName = null;
        try {
            objectName = new ObjectName("io.matrixone.cdc:type=sink-task-metrics,connector="
                    + ObjectName.quote(connector) + ",task=" + ObjectName.quote(task));
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            if (server.isRegistered(objectName)) {
                server.unregisterMBean(objectName);
            }
            server.registerMBean(this, objectName);
        } catch (JMException e) {
            LOG.warn("Sink metrics not registered in JMX: {}", e.getMessage());
        }
        this.name = objectName;
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
        if (name != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
            } catch (JMException e) {
                LOG.debug("Sink metrics already unregistered", e);
            }
        }
    }
}
