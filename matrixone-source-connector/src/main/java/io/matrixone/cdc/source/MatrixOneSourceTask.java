package io.matrixone.cdc.source;

import io.matrixone.cdc.common.ChangeEvent;
import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneErrors;
import io.matrixone.cdc.common.SnapshotProgress;
import io.matrixone.cdc.common.SourceOffsets;
import io.matrixone.cdc.common.TableId;
import io.matrixone.cdc.source.MatrixOneSourceConfig.SnapshotMode;
import io.matrixone.cdc.source.TableCapture.Phase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.source.TransactionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Captures its share of the tables: first a snapshot of each (keyset chunks at one time T0), then one
 * DATA BRANCH DIFF window (T1, T2] per table every poll interval. Each poll() returns one chunk or one
 * window, so with exactly-once support (transaction.boundary=poll) a window is one Kafka transaction.
 *
 * <p>Offsets are the checkpoint. Inside a window every record but the last carries the window's start,
 * the last carries its end: Connect commits an offset only once every earlier record is acknowledged,
 * so a crash mid-window replays the window (duplicates the sink absorbs by key) and never skips it.
 */
public class MatrixOneSourceTask extends SourceTask {

    private static final Logger LOG = LoggerFactory.getLogger(MatrixOneSourceTask.class);
    private static final long IDLE_SLEEP_MS = 50;
    /** Bounds the empty windows passed over in one poll(), so a long catch-up still yields to stop(). */
    private static final int MAX_WINDOWS_PER_POLL = 500;
    private static final long CHECKPOINT_CHECK_NANOS = TimeUnit.SECONDS.toNanos(10);

    private MatrixOneSourceConfig config;
    private String prefix;
    private Connection conn;
    private final List<TableCapture> tables = new ArrayList<>();
    private int next;
    private SourceTaskMetrics metrics;
    private SourceState state;
    private ReadHorizon horizon;
    private String connectorName;
    private long pollIntervalNanos;
    private long windowNanos;
    /** end.ts, or Long.MAX_VALUE when capture has no end. */
    private long endNanos;
    private long retryBackoffMs = 500;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new MatrixOneSourceConfig(props);
        prefix = config.getString(MatrixOneSourceConfig.TOPIC_PREFIX);
        pollIntervalNanos = TimeUnit.MILLISECONDS.toNanos(config.getLong(MatrixOneSourceConfig.POLL_INTERVAL_MS));
        connectorName = props.getOrDefault("name", prefix);
        state = new SourceState(config.stateDatabase());
        horizon = new ReadHorizon(state, connectorName + "/" + props.getOrDefault("task.id", "0"),
                TimeUnit.MILLISECONDS.toNanos(config.getLong(MatrixOneSourceConfig.WINDOW_LAG_MS)));
        windowNanos = TimeUnit.MILLISECONDS.toNanos(config.getLong(MatrixOneSourceConfig.WINDOW_SIZE_MS));
        endNanos = config.endNanos() == null ? Long.MAX_VALUE : config.endNanos();
        metrics = new SourceTaskMetrics(props.getOrDefault("name", prefix), props.getOrDefault("task.id", "0"));
        String assigned = props.getOrDefault(MatrixOneSourceConfig.TASK_TABLES, "");
        try {
            conn = Connections.open(config.server());
            for (String name : assigned.split(",")) {
                if (!name.isBlank()) {
                    tables.add(restore(TableId.parse(name)));
                }
            }
        } catch (SQLException e) {
            throw new ConnectException("cannot start capturing from " + config.server().masked() + ": "
                    + MatrixOneErrors.describe(e), e);
        }
        LOG.info("MatrixOne source task capturing {} table(s) from {}", tables.size(), config.server().masked());
    }

    /** The table's capture state from its committed offset, or a fresh start by snapshot.mode / start.ts. */
    private TableCapture restore(TableId id) throws SQLException {
        TableSchema schema = SchemaReader.read(conn, id);
        String unsupported = schema.uncapturableReason();
        // initial_only never diffs, so only the missing primary key (the snapshot's keyset order) matters there.
        if (unsupported != null && (config.snapshotMode() != SnapshotMode.INITIAL_ONLY || !schema.hasPrimaryKey())) {
            throw new ConnectException(unsupported);
        }
        RecordFactory records = new RecordFactory(schema, prefix, config.tables().targetOf(id).orElse(id), config.envelope());
        Map<String, Object> offset = context.offsetStorageReader().offset(records.partition());
        if (offset != null && offset.get(SourceOffsets.TS) != null) {
            long ts = ((Number) offset.get(SourceOffsets.TS)).longValue();
            boolean snapshot = SourceOffsets.PHASE_SNAPSHOT.equals(offset.get(SourceOffsets.PHASE));
            Object lastPk = offset.get(SourceOffsets.LAST_PK);
            LOG.info("Table {}: resuming {} at {}", id, snapshot ? "snapshot" : "stream", Timestamps.toText(ts));
            TableCapture capture = new TableCapture(records, snapshot ? Phase.SNAPSHOT : streamPhase(), ts,
                    lastPk == null ? null : Offsets.parseKeyJson(lastPk.toString()));
            // A saved snapshot time is needed only until a checkpoint past the snapshot is committed.
            capture.snapshotStartSaved = true;
            return capture;
        }
        String startTs = config.getString(MatrixOneSourceConfig.START_TS);
        if (startTs != null) {
            return new TableCapture(records, Phase.STREAM, Timestamps.parse(startTs, MatrixOneSourceConfig.START_TS), null);
        }
        if (config.snapshotMode() == SnapshotMode.NEVER) {
            return new TableCapture(records, Phase.STREAM, horizon.newest(conn, Long.MAX_VALUE), null);
        }
        return new TableCapture(records, Phase.SNAPSHOT, 0, null);
    }

    private Phase streamPhase() {
        return config.snapshotMode() == SnapshotMode.INITIAL_ONLY ? Phase.DONE : Phase.STREAM;
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        try {
            ensureConnected();
            for (int i = 0; i < tables.size(); i++) {
                TableCapture table = tables.get(next);
                next = (next + 1) % tables.size();
                List<SourceRecord> records = switch (table.phase) {
                    case SNAPSHOT -> snapshotChunk(table);
                    case STREAM -> streamWindow(table);
                    case DONE -> List.of();
                };
                if (!records.isEmpty()) {
                    retryBackoffMs = 500;
                    commitAfter(records);
                    return records;
                }
            }
        } catch (SQLException e) {
            if (!MatrixOneErrors.isRetriable(e) && !(e instanceof java.sql.SQLNonTransientConnectionException)) {
                throw new ConnectException("reading " + config.server().masked() + " failed: " + MatrixOneErrors.describe(e), e);
            }
            LOG.warn("MatrixOne source unreachable or busy, retrying in {} ms: {}", retryBackoffMs, MatrixOneErrors.describe(e));
            closeQuietly();
            Thread.sleep(retryBackoffMs);
            retryBackoffMs = Math.min(retryBackoffMs * 2, 30_000);
            return null;
        }
        Thread.sleep(IDLE_SLEEP_MS);
        return null;
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

    private List<SourceRecord> snapshotChunk(TableCapture table) throws SQLException {
        TableSchema schema = table.records.table();
        if (table.ts == 0) {
            Long t0 = snapshotTime(table);
            if (t0 == null) {
                return List.of();
            }
            table.ts = t0;
        }
        int size = config.getInt(MatrixOneSourceConfig.SNAPSHOT_FETCH_SIZE);
        List<SnapshotReader.Row> rows = SnapshotReader.chunk(conn, schema, table.ts, table.lastKey, size);
        List<SourceRecord> records = new ArrayList<>(rows.size() + 1);
        boolean last = rows.size() < size;
        for (int i = 0; i < rows.size(); i++) {
            SnapshotReader.Row row = rows.get(i);
            boolean lastOfSnapshot = last && i == rows.size() - 1;
            Map<String, Object> offset = lastOfSnapshot ? Offsets.stream(table.ts)
                    : Offsets.snapshot(table.ts, Offsets.keyJson(new ArrayList<>(row.key())));
            records.add(table.records.change(ChangeEvent.OP_READ, null, table.records.row(row.values()), table.ts,
                    lastOfSnapshot ? "last" : "true", offset));
        }
        metrics.snapshotRows.addAndGet(rows.size());
        SnapshotProgress.advance(conn, state.database(), connectorName, schema.id(), rows.size());
        if (!rows.isEmpty()) {
            table.lastKey = rows.get(rows.size() - 1).key();
        }
        if (last) {
            LOG.info("Table {}: snapshot complete, streaming from {}", schema.id(), Timestamps.toText(table.ts));
            table.phase = streamPhase();
            table.lastKey = null;
            table.nextReadAt = System.nanoTime() + pollIntervalNanos;
            if (rows.isEmpty()) {
                records.add(heartbeat(table, Offsets.stream(table.ts)));
            }
        }
        table.lastEmitAt = System.nanoTime();
        return records;
    }

    /**
     * The time a table's snapshot reads at, saved on the source before any of its rows is emitted: the one
     * an interrupted snapshot of this connector chose if it still lies in the PITR window, else the
     * horizon. Null when no time is usable yet (a PITR or table created moments ago).
     */
    private Long snapshotTime(TableCapture table) throws SQLException {
        TableId id = table.records.table().id();
        PitrWindow.Coverage coverage = coverage(id, ServerClock.nowNanos(conn));
        String capture = captureKey(id);
        Optional<Long> earlier = state.snapshotStart(conn, capture).filter(t0 -> t0 >= coverage.startNanos());
        long t0 = earlier.isPresent() ? earlier.get() : horizon.newest(conn, Long.MAX_VALUE);
        if (t0 < coverage.startNanos()) {
            return null; // the PITR was created moments ago: wait until T0 lies inside it
        }
        long rows;
        try {
            rows = SnapshotReader.count(conn, table.records.table(), t0);
        } catch (SQLException e) {
            if (SnapshotReader.missingAt(e)) {
                state.forgetSnapshotStart(conn, capture); // the table is newer than T0: a later horizon will do
                return null;
            }
            throw e;
        }
        if (earlier.isEmpty()) {
            state.saveSnapshotStart(conn, capture, t0);
        }
        table.snapshotStartSaved = true;
        SnapshotProgress.start(conn, state.database(), connectorName, id, rows);
        metrics.snapshotRowsEstimated.addAndGet(rows);
        LOG.info("Table {}: snapshot at {}{}", id, Timestamps.toText(t0),
                earlier.isPresent() ? " (the time of an interrupted snapshot that left no checkpoint)" : "");
        return t0;
    }

    /** Forgets the saved snapshot time once Connect has committed a checkpoint past the snapshot. */
    private void forgetSnapshotStartOnceCheckpointed(TableCapture table, long nowLocal) throws SQLException {
        if (!table.snapshotStartSaved || nowLocal - table.checkpointCheckedAt < CHECKPOINT_CHECK_NANOS) {
            return;
        }
        table.checkpointCheckedAt = nowLocal;
        Map<String, Object> committed = context.offsetStorageReader().offset(table.records.partition());
        if (committed != null && SourceOffsets.PHASE_STREAM.equals(committed.get(SourceOffsets.PHASE))) {
            state.forgetSnapshotStart(conn, captureKey(table.records.table().id()));
            table.snapshotStartSaved = false;
        }
    }

    private String captureKey(TableId id) {
        return connectorName + "/" + id;
    }

    /**
     * Reads the table's next windows. Every window is exactly window.size.ms long and starts at the
     * previous one's end, so a replay from a checkpoint reads the very windows of the first run: a
     * longer replay window would fold changes already delivered into one net diff and lose, say, a
     * delete that followed an insert the sink already applied. Empty windows are passed over in one call.
     */
    private List<SourceRecord> streamWindow(TableCapture table) throws SQLException {
        long nowLocal = System.nanoTime();
        if (nowLocal < table.nextReadAt) {
            return List.of();
        }
        TableSchema schema = table.records.table();
        forgetSnapshotStartOnceCheckpointed(table, nowLocal);
        long newest = horizon.newest(conn, table.ts + windowNanos);
        long serverNow = ServerClock.nowNanos(conn);
        PitrWindow.Coverage coverage = coverage(schema.id(), serverNow);
        if (table.ts < coverage.startNanos()) {
            return checkpointOutsidePitr(table, coverage);
        }
        for (int i = 0; i < MAX_WINDOWS_PER_POLL; i++) {
            long from = table.ts;
            if (from >= endNanos) {
                LOG.info("Table {}: reached end.ts {}, nothing more is captured", schema.id(), Timestamps.toText(endNanos));
                table.phase = Phase.DONE;
                break;
            }
            // The last window is cut at end.ts; a replay cuts it the same way.
            long to = Math.min(from + windowNanos, endNanos);
            if (to > newest) {
                table.nextReadAt = nowLocal + Math.min(to - newest, pollIntervalNanos);
                break;
            }
            List<ChangeReader.Change> changes;
            try {
                changes = ChangeReader.window(conn, schema, from, to);
            } catch (ChangeReader.SchemaChangedException e) {
                throw new ConnectException(e.getMessage() + ". MatrixOne cannot diff across a column change; "
                        + "re-snapshot the table: drop and re-create the connector's offsets (mo-cdc task drop, task create).", e);
            }
            metrics.windows.incrementAndGet();
            metrics.windowRead(schema.id().toString(), to, serverNow);
            table.ts = to;
            if (!changes.isEmpty()) {
                table.lastEmitAt = nowLocal;
                return windowRecords(table, changes, from, to);
            }
        }
        long heartbeatNanos = TimeUnit.MILLISECONDS.toNanos(config.getLong(MatrixOneSourceConfig.HEARTBEAT_INTERVAL_MS));
        if (heartbeatNanos > 0 && nowLocal - table.lastEmitAt >= heartbeatNanos) {
            table.lastEmitAt = nowLocal;
            return List.of(heartbeat(table, Offsets.stream(table.ts)));
        }
        return List.of();
    }

    /** One window's records: all but the last carry the window's start as offset, the last its end. */
    private List<SourceRecord> windowRecords(TableCapture table, List<ChangeReader.Change> changes, long from, long to) {
        List<SourceRecord> records = new ArrayList<>();
        for (int i = 0; i < changes.size(); i++) {
            ChangeReader.Change change = changes.get(i);
            Map<String, Object> offset = Offsets.stream(i == changes.size() - 1 ? to : from);
            Struct row = table.records.row(change.values());
            switch (change.flag()) {
                case INSERT -> {
                    records.add(table.records.change(ChangeEvent.OP_CREATE, null, row, to, null, offset));
                    metrics.inserts.incrementAndGet();
                }
                case UPDATE -> {
                    records.add(table.records.change(ChangeEvent.OP_UPDATE, null, row, to, null, offset));
                    metrics.updates.incrementAndGet();
                }
                case DELETE -> {
                    // The tombstone carries the end offset when it is last, so it is committed with the window.
                    SourceRecord delete = table.records.change(ChangeEvent.OP_DELETE, row, null, to, null, Offsets.stream(from));
                    if (delete.value() == null) {
                        // envelope=flat: the delete is already a tombstone; a second one would only duplicate it.
                        records.add(table.records.tombstone(delete, offset));
                    } else {
                        records.add(delete);
                        records.add(table.records.tombstone(delete, offset));
                    }
                    metrics.deletes.incrementAndGet();
                }
            }
        }
        return records;
    }

    private List<SourceRecord> checkpointOutsidePitr(TableCapture table, PitrWindow.Coverage coverage) {
        TableId id = table.records.table().id();
        String gap = "the checkpoint of " + id + " (" + Timestamps.toText(table.ts) + ") is older than its PITR window, which "
                + "starts at " + Timestamps.toText(coverage.startNanos()) + " (PITR " + coverage.pitrName() + ", range "
                + coverage.range() + ")";
        if (config.snapshotMode() == SnapshotMode.WHEN_NEEDED) {
            LOG.warn("{}: changes in between cannot be read safely; taking a new snapshot (snapshot.mode=when_needed)", gap);
            table.phase = Phase.SNAPSHOT;
            table.ts = 0;
            table.lastKey = null;
            return List.of();
        }
        throw new ConnectException(gap + ": the changes in between can no longer be read safely. Lengthen the PITR "
                + "(alter pitr " + coverage.pitrName() + " range ...) so pauses fit in it, and restart from a new snapshot: "
                + "set snapshot.mode=when_needed, or drop and re-create the task.");
    }

    private PitrWindow.Coverage coverage(TableId id, long nowNanos) throws SQLException {
        Optional<PitrWindow.Coverage> coverage = PitrWindow.of(conn, id, nowNanos);
        return coverage.orElseThrow(() -> new ConnectException("no PITR covers " + id + ": its history is not kept, so "
                + "changes cannot be read. Run on the source: " + PitrWindow.howToCreate(id)));
    }

    /** A record that only moves an idle table's offset, on the heartbeat topic. */
    private SourceRecord heartbeat(TableCapture table, Map<String, Object> offset) {
        metrics.heartbeats.incrementAndGet();
        String topic = config.getString(MatrixOneSourceConfig.HEARTBEAT_TOPIC_PREFIX) + "." + prefix;
        return new SourceRecord(table.records.partition(), offset, topic, null, null, null,
                Schema.STRING_SCHEMA, table.records.table().id().toString(), System.currentTimeMillis());
    }

    private void ensureConnected() throws SQLException {
        if (conn == null || conn.isClosed()) {
            conn = Connections.open(config.server());
            horizon.reset();
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
        closeQuietly();
        if (metrics != null) {
            metrics.close();
        }
    }
}
