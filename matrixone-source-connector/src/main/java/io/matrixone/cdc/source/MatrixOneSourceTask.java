package io.matrixone.cdc.source;

import io.matrixone.cdc.common.MatrixOneErrors;
import io.matrixone.cdc.common.TableId;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.source.TransactionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schedules its share of the tables: each is a {@link TableStream} that knows its own phase (snapshot,
 * stream, dropped, stopped) and what to read next. The tables are read on {@code read.connections} lanes
 * ({@link ReadLane}: a connection and a thread each), side by side; poll() hands over the batches they read, one per
 * poll: one snapshot chunk or one window, so with exactly-once support (transaction.boundary=poll) a window is one Kafka
 * transaction. The lanes take the streams' turns from one {@link StreamScheduler} (active tables first, a few quiet
 * ones per poll, one lane at a time per table), and in a task of many tables a {@link ChangeProbe} wakes the quiet ones
 * that changed. What every stream needs each round (the fenced horizon, the PITRs, the tables' catalog identities) is
 * read once for all of them ({@link StreamContext}).
 *
 * <p>Offsets are the checkpoint. Inside a window every record but the last carries the window's start,
 * the last carries its end: Connect commits an offset only once every earlier record is acknowledged,
 * so a crash mid-window replays the window (duplicates the sink absorbs by key) and never skips it.
 */
public class MatrixOneSourceTask extends SourceTask {

    private static final Logger LOG = LoggerFactory.getLogger(MatrixOneSourceTask.class);
    /** How long a poll() waits for a batch before it returns none (Connect calls it again at once). */
    private static final long POLL_WAIT_MS = 100;

    private MatrixOneSourceConfig config;
    private final List<ReadLane> lanes = new ArrayList<>();
    private BlockingQueue<List<SourceRecord>> batches;
    /** The first failure of a lane: the task fails with it. */
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private SourceTaskMetrics metrics;
    /** Wakes quiet tables that changed, in a task of many tables; null when not needed. */
    private ChangeProbe probe;

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
        StreamContext streams = new StreamContext(config, connectorName, taskId, metrics, context.offsetStorageReader());
        List<TableId> assigned = new ArrayList<>();
        for (String name : props.getOrDefault(MatrixOneSourceConfig.TASK_TABLES, "").split(",")) {
            if (!name.isBlank()) {
                assigned.add(TableId.parse(name));
            }
        }
        streams.tableCount(assigned.size(), Integer.parseInt(props.getOrDefault(MatrixOneSourceConfig.TASK_COUNT, "1")));
        int laneCount = Math.max(1, Math.min(config.getInt(MatrixOneSourceConfig.READ_CONNECTIONS), assigned.size()));
        // Handed over, never queued: besides the batch Connect is sending, a lane holds at most the one it read (a
        // queue of one per lane held one snapshot chunk more per lane).
        batches = new SynchronousQueue<>();
        List<TableStream> tables = new ArrayList<>();
        try {
            for (int lane = 0; lane < laneCount; lane++) {
                ReadLane opened = ReadLane.open(streams, dealt(assigned, lane, laneCount), batches, failure,
                        "mo-cdc-read-" + connectorName + "-" + taskId + "-" + lane);
                lanes.add(opened);
                tables.addAll(opened.tables());
            }
        } catch (SQLException | RuntimeException e) {
            lanes.forEach(ReadLane::close);
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new ConnectException("cannot start capturing from " + config.server().masked() + ": "
                    + MatrixOneErrors.describe((SQLException) e), e);
        }
        StreamScheduler scheduler = new StreamScheduler(tables, streams.idleReadsPerSecond());
        lanes.forEach(lane -> lane.start(scheduler));
        probe = ChangeProbe.startIfUseful(config.server(), tables, streams.probesPerSecond(), streams.idleIntervalNanos(),
                streams.pollIntervalNanos, metrics, "mo-cdc-probe-" + connectorName + "-" + taskId);
        LOG.info("MatrixOne source task capturing {} table(s) from {} on {} connection(s)", tables.size(),
                config.server().masked(), laneCount);
    }

    /** The tables {@code lane} restores: every {@code laneCount}-th, so neighbours (often alike) restore side by side. */
    private static List<TableId> dealt(List<TableId> tables, int lane, int laneCount) {
        List<TableId> share = new ArrayList<>();
        for (int i = lane; i < tables.size(); i += laneCount) {
            share.add(tables.get(i));
        }
        return share;
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        throwIfFailed();
        List<SourceRecord> records = batches.poll(POLL_WAIT_MS, TimeUnit.MILLISECONDS);
        if (records == null) {
            throwIfFailed();
            return null;
        }
        commitAfter(records);
        return records;
    }

    private void throwIfFailed() {
        RuntimeException e = failure.get();
        if (e != null) {
            throw e instanceof ConnectException ? e : new ConnectException(e);
        }
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

    @Override
    public void stop() {
        if (probe != null) {
            probe.close();
        }
        lanes.forEach(ReadLane::close);
        if (metrics != null) {
            metrics.close();
        }
    }
}
