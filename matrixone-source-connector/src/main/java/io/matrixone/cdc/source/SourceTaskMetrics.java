package io.matrixone.cdc.source;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Counters of a source task, registered in JMX. */
public final class SourceTaskMetrics implements SourceTaskMetricsMBean, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SourceTaskMetrics.class);

    final AtomicLong snapshotRows = new AtomicLong();
    final AtomicLong snapshotRowsEstimated = new AtomicLong();
    final AtomicLong inserts = new AtomicLong();
    final AtomicLong updates = new AtomicLong();
    final AtomicLong deletes = new AtomicLong();
    final AtomicLong windows = new AtomicLong();
    final AtomicLong heartbeats = new AtomicLong();
    final AtomicLong lagMs = new AtomicLong();
    private final ObjectName name;

    SourceTaskMetrics(String connector, String task) {
        ObjectName objectName = null;
        try {
            objectName = new ObjectName("io.matrixone.cdc:type=source-task-metrics,connector="
                    + ObjectName.quote(connector) + ",task=" + ObjectName.quote(task));
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            if (server.isRegistered(objectName)) {
                server.unregisterMBean(objectName);
            }
            server.registerMBean(this, objectName);
        } catch (JMException e) {
            LOG.warn("Source metrics not registered in JMX: {}", e.getMessage());
        }
        this.name = objectName;
    }

    @Override
    public long getSnapshotRows() {
        return snapshotRows.get();
    }

    @Override
    public long getSnapshotRowsEstimated() {
        return snapshotRowsEstimated.get();
    }

    @Override
    public long getStreamInserts() {
        return inserts.get();
    }

    @Override
    public long getStreamUpdates() {
        return updates.get();
    }

    @Override
    public long getStreamDeletes() {
        return deletes.get();
    }

    @Override
    public long getWindows() {
        return windows.get();
    }

    @Override
    public long getHeartbeats() {
        return heartbeats.get();
    }

    @Override
    public long getLagMs() {
        return lagMs.get();
    }

    @Override
    public void close() {
        if (name != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
            } catch (JMException e) {
                LOG.debug("Source metrics already unregistered", e);
            }
        }
    }
}
