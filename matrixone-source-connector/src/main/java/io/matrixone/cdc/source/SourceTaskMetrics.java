package io.matrixone.cdc.source;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import io.matrixone.cdc.common.Jmx;
import javax.management.ObjectName;

/** Counters of a source task, registered in JMX. */
public final class SourceTaskMetrics implements SourceTaskMetricsMBean, AutoCloseable {

    final AtomicLong snapshotRows = new AtomicLong();
    final AtomicLong snapshotRowsEstimated = new AtomicLong();
    final AtomicLong inserts = new AtomicLong();
    final AtomicLong updates = new AtomicLong();
    final AtomicLong deletes = new AtomicLong();
    final AtomicLong windows = new AtomicLong();
    final AtomicLong heartbeats = new AtomicLong();
    /** Snapshots taken again after a table change that no diff can cross. */
    final AtomicLong resnapshots = new AtomicLong();
    final AtomicLong truncates = new AtomicLong();
    final AtomicLong droppedTables = new AtomicLong();
    final AtomicLong stoppedTables = new AtomicLong();
    /** Quiet tables probed for changes ({@link ChangeProbe}), and those the probe found changed. */
    final AtomicLong probes = new AtomicLong();
    final AtomicLong wakeUps = new AtomicLong();
    /** Per table: the end of its last window read (server nanoseconds). */
    private final Map<String, Long> windowEnds = new ConcurrentHashMap<>();
    /** Server clock minus this machine's clock, measured at the last window, so lag can be read at any time. */
    private volatile long serverSkewNanos;
    private final ObjectName name;

    SourceTaskMetrics(String connector, String task) {
        this.name = Jmx.register(this, "source-task-metrics", connector, task);
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
    public long getResnapshots() {
        return resnapshots.get();
    }

    @Override
    public long getTruncates() {
        return truncates.get();
    }

    @Override
    public long getDroppedTables() {
        return droppedTables.get();
    }

    @Override
    public long getStoppedTables() {
        return stoppedTables.get();
    }

    @Override
    public long getProbes() {
        return probes.get();
    }

    @Override
    public long getWakeUps() {
        return wakeUps.get();
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
        Jmx.unregister(name);
    }
}
