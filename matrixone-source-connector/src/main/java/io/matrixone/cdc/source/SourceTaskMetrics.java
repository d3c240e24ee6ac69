package io.matrixone.cdc.source;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
    /** Per table: the end of its last window read (server nanoseconds). */
    private final Map<String, Long> windowEnds = new ConcurrentHashMap<>();
    /** Server clock minus this machine's clock, measured at the last window, so lag can be read at any time. */
    private volatile long serverSkewNanos;
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

    /** Records that {@code table} has been read up to {@code endNanos}, at server time {@code serverNowNanos}. */
    void windowRead(String table, long endNanos, long serverNowNanos) {
        serverSkewNanos = serverNowNanos - localNowNanos();
        windowEnds.put(table, endNanos);
    }

    /** Now (server clock) minus the oldest table's last window end; 0 before the first window. */
    @Override
    public long getLagMs() {
        long oldest = windowEnds.values().stream().mapToLong(Long::longValue).min().orElse(Long.MAX_VALUE);
        return oldest == Long.MAX_VALUE ? 0 : Math.max(0, (localNowNanos() + serverSkewNanos - oldest) / 1_000_000L);
    }

    private static long localNowNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
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
