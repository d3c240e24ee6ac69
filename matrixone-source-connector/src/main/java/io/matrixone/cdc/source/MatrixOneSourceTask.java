package io.matrixone.cdc.source;

import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneErrors;
import io.matrixone.cdc.common.TableId;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.source.TransactionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schedules its share of the tables: each is a {@link TableStream} that knows its own phase (snapshot,
 * stream, dropped, stopped) and what to read next. Each poll() returns one stream's batch, one snapshot
 * chunk or one window, so with exactly-once support (transaction.boundary=poll) a window is one Kafka
 * transaction; the streams take turns ({@link StreamScheduler}: active tables first, a few quiet ones per poll), and
 * in a task of many tables a {@link ChangeProbe} wakes the quiet ones that changed. What every stream needs each round (the fenced horizon, the PITRs,
 * the tables' catalog identities) is read once for all of them ({@link StreamContext}).
 *
 * <p>Offsets are the checkpoint. Inside a window every record but the last carries the window's start,
 * the last carries its end: Connect commits an offset only once every earlier record is acknowledged,
 * so a crash mid-window replays the window (duplicates the sink absorbs by key) and never skips it.
 */
public class MatrixOneSourceTask extends SourceTask {

    private static final Logger LOG = LoggerFactory.getLogger(MatrixOneSourceTask.class);

    private MatrixOneSourceConfig config;
    private StreamContext streams;
    private Connection conn;
    private final List<TableStream> tables = new ArrayList<>();
    private final StreamScheduler scheduler = new StreamScheduler(tables);
    private SourceTaskMetrics metrics;
    /** Wakes quiet tables that changed, in a task of many tables; null when not needed. */
    private ChangeProbe probe;
    private long retryBackoffMs = 500;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new MatrixOneSourceConfig(props);
        String prefix = config.getString(MatrixOneSourceConfig.TOPIC_PREFIX);
        String connectorName = props.getOrDefault("name", prefix);
        String taskId = props.getOrDefault("task.id", "0");
        metrics = new SourceTaskMetrics(connectorName, taskId);
        streams = new StreamContext(config, connectorName, taskId, metrics, context.offsetStorageReader());
        String assigned = props.getOrDefault(MatrixOneSourceConfig.TASK_TABLES, "");
        try {
            conn = Connections.open(config.server());
            streams.state.create(conn);
            for (String name : assigned.split(",")) {
                if (!name.isBlank()) {
                    streams.catalog.include(TableId.parse(name));
                }
            }
            for (String name : assigned.split(",")) {
                if (!name.isBlank()) {
                    tables.add(TableStream.restore(streams, conn, TableId.parse(name)));
                }
            }
        } catch (SQLException e) {
            throw new ConnectException("cannot start capturing from " + config.server().masked() + ": "
                    + MatrixOneErrors.describe(e), e);
        }
        streams.tableCount(tables.size(), Integer.parseInt(props.getOrDefault(MatrixOneSourceConfig.TASK_COUNT, "1")));
        probe = ChangeProbe.startIfUseful(config.server(), tables, streams.probesPerSecond(), streams.idleIntervalNanos(),
                streams.pollIntervalNanos, metrics, "mo-cdc-probe-" + connectorName + "-" + taskId);
        LOG.info("MatrixOne source task capturing {} table(s) from {}", tables.size(), config.server().masked());
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        try {
            ensureConnected();
            List<SourceRecord> records = scheduler.poll(conn, System.nanoTime());
            if (!records.isEmpty()) {
                retryBackoffMs = 500;
                commitAfter(records);
                return records;
            }
        } catch (SQLException e) {
            if (!unreachableOrBusy(e)) {
                throw new ConnectException("reading " + config.server().masked() + " failed: " + MatrixOneErrors.describe(e), e);
            }
            LOG.warn("MatrixOne source unreachable or busy, retrying in {} ms: {}", retryBackoffMs, MatrixOneErrors.describe(e));
            closeQuietly();
            Thread.sleep(retryBackoffMs);
            retryBackoffMs = Math.min(retryBackoffMs * 2, 30_000);
            return null;
        }
        TimeUnit.NANOSECONDS.sleep(scheduler.idleSleepNanos(System.nanoTime()));
        return null;
    }

    /** A source error worth a reconnect and a retry (a lost connection, a server restarting, a conflict), not a failure. */
    static boolean unreachableOrBusy(SQLException e) {
        return MatrixOneErrors.isRetriable(e) || e instanceof java.sql.SQLNonTransientConnectionException;
    }

    /**
     * transaction.boundary=connector: the batch (one window or one snapshot chunk) is one Kafka transaction.
     * The context is null under any other boundary, where Connect decides (poll = the same batch).
     */
    private void commitAfter(List<SourceRecord> records) {
        TransactionContext transaction = context.transactionContext();
        if (transaction != null) {
            transaction.commitTransaction(records.get(records.size() - 1));
        }
    }

    private void ensureConnected() throws SQLException {
        if (conn == null || conn.isClosed()) {
            conn = Connections.open(config.server());
            streams.horizon.reset();
            streams.catalog.reset();
        }
    }

    private void closeQuietly() {
        try {
            if (conn != null) {
                conn.close();
            }
        } catch (SQLException e) {
            LOG.debug("closing a broken connection", e);
        }
        conn = null;
    }

    @Override
    public void stop() {
        if (probe != null) {
            probe.close();
        }
        closeQuietly();
        if (metrics != null) {
            metrics.close();
        }
    }
}
