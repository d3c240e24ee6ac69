package io.matrixone.cdc.source;

import io.matrixone.cdc.common.TableId;
import io.matrixone.cdc.common.TableStates;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the table streams of one task share: settings, state tables, metrics, offsets, the fenced horizon and the
 * catalog facts read once for all of the task's tables, whichever of its {@link ReadLane}s reads them.
 */
final class StreamContext {

    private static final Logger LOG = LoggerFactory.getLogger(StreamContext.class);

    final MatrixOneSourceConfig config;
    final String prefix;
    final String connectorName;
    final SourceState state;
    /** The task's fenced horizon, shared by its lanes. */
    final ReadHorizon horizon;
    /** The catalog facts read once for all of the task's tables. */
    final SharedCatalog catalog;
    final SourceTaskMetrics metrics;
    final OffsetStorageReader offsets;
    /** How often a table idle for a while is read at most: poll.interval.ms, or busy.poll.interval.ms if longer. */
    final long pollIntervalNanos;
    /** How often a table that just had changes is read: busy.poll.interval.ms. */
    final long busyIntervalNanos;
    private final int idleReadsPerSecond;
    private final int idleProbesPerSecond;
    /** This task's share of idle.reads.per.second. */
    private double idleReadsShare;
    /** This task's share of idle.probes.per.second. */
    private double probesPerSecond;
    /** How often a table idle for a while is read: poll.interval.ms, longer when the task has many tables. */
    private long idleIntervalNanos;
    final long maxWindowNanos;
    /** end.ts, or Long.MAX_VALUE when capture has no end. */
    final long endNanos;
    final long heartbeatNanos;
    final int snapshotFetchSize;

    StreamContext(MatrixOneSourceConfig config, String connectorName, String taskId, SourceTaskMetrics metrics,
                  OffsetStorageReader offsets) {
        this.config = config;
        this.prefix = config.getString(MatrixOneSourceConfig.TOPIC_PREFIX);
        this.connectorName = connectorName;
        this.state = new SourceState(config.stateDatabase());
        String taskKey = connectorName + "/" + taskId; // the task's fence and window log rows
        this.catalog = new SharedCatalog();
        this.busyIntervalNanos = TimeUnit.MILLISECONDS.toNanos(config.getLong(MatrixOneSourceConfig.BUSY_POLL_INTERVAL_MS));
        this.horizon = new ReadHorizon(state, taskKey,
                TimeUnit.MILLISECONDS.toNanos(config.getLong(MatrixOneSourceConfig.WINDOW_LAG_MS)), busyIntervalNanos, catalog);
        this.metrics = metrics;
        this.offsets = offsets;
        // An idle table is never read more often than one with changes.
        this.pollIntervalNanos = Math.max(busyIntervalNanos,
                TimeUnit.MILLISECONDS.toNanos(config.getLong(MatrixOneSourceConfig.POLL_INTERVAL_MS)));
        this.idleReadsPerSecond = config.getInt(MatrixOneSourceConfig.IDLE_READS_PER_SECOND);
        this.idleProbesPerSecond = config.getInt(MatrixOneSourceConfig.IDLE_PROBES_PER_SECOND);
        this.idleIntervalNanos = pollIntervalNanos;
        this.maxWindowNanos = TimeUnit.MILLISECONDS.toNanos(config.getLong(MatrixOneSourceConfig.WINDOW_MAX_MS));
        this.endNanos = config.endNanos() == null ? Long.MAX_VALUE : config.endNanos();
        this.heartbeatNanos = TimeUnit.MILLISECONDS.toNanos(config.getLong(MatrixOneSourceConfig.HEARTBEAT_INTERVAL_MS));
        this.snapshotFetchSize = config.getInt(MatrixOneSourceConfig.SNAPSHOT_FETCH_SIZE);
    }

    /**
     * Spreads idle reads so that the task's {@code tables} tables make at most its share of idle.reads.per.second, a
     * budget per connector: more tasks read busy tables in parallel without reading idle ones more often.
     */
    void tableCount(int tables, int tasks) {
        idleReadsShare = Math.max(1.0, idleReadsPerSecond / (double) Math.max(1, tasks));
        idleIntervalNanos = Math.max(pollIntervalNanos, (long) (TimeUnit.SECONDS.toNanos(1) * tables / idleReadsShare));
        // Never more than one probe per quiet table and poll.interval.ms: reading them that often is what the probe
        // stands in for.
        probesPerSecond = Math.min(idleProbesPerSecond / (double) Math.max(1, tasks),
                tables * (double) TimeUnit.SECONDS.toNanos(1) / pollIntervalNanos);
    }

    /** This task's share of idle.reads.per.second (see {@link StreamScheduler}). */
    double idleReadsPerSecond() {
        return idleReadsShare;
    }

    /** This task's share of idle.probes.per.second (see {@link ChangeProbe}). */
    double probesPerSecond() {
        return probesPerSecond;
    }

    long idleIntervalNanos() {
        return idleIntervalNanos;
    }

    /** Records a table's new state for mo-cdc task show; the log says it too. */
    void tableState(Connection conn, TableId table, String name, String reason) throws SQLException {
        if (TableStates.STOPPED.equals(name)) {
            LOG.error("Table {}: capture stopped: {}", table, reason);
        } else {
            LOG.info("Table {}: {}{}", table, name, reason == null ? "" : " (" + reason + ")");
        }
        TableStates.set(conn, state.database(), connectorName, table, new TableStates.State(name, reason));
    }
}
