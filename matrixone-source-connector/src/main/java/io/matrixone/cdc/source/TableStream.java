package io.matrixone.cdc.source;

import io.matrixone.cdc.common.ChangeEvent;
import io.matrixone.cdc.common.SnapshotProgress;
import io.matrixone.cdc.common.SourceOffsets;
import io.matrixone.cdc.common.TableId;
import io.matrixone.cdc.common.TableStates;
import io.matrixone.cdc.source.MatrixOneSourceConfig.SnapshotMode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One table's capture through its whole life: a snapshot at one time T0 (keyset chunks), then one
 * DATA BRANCH DIFF window after the other, across TRUNCATE, ALTER TABLE and DROP.
 *
 * <p>Phases: {@code SNAPSHOT} (optionally preceded by a truncate event), {@code STREAM}, and the ends
 * {@code DROPPED} (the table is gone; a drop event was sent), {@code STOPPED} (it cannot be captured exactly;
 * the reason is logged and shown by mo-cdc task show; the task's other tables go on) and {@code DONE}
 * (end.ts reached, or initial_only).
 *
 * <p>Table changes: a window is diffed only where the table's identity (rel_id and rel_version, see
 * {@link TableHistory}) is the same at both ends. At a change, the windows are cut one nanosecond before its commit
 * time Td, so every change of the old table is read with the old schema; then, with the schema in force at Td
 * (SHOW CREATE TABLE at Td):
 * <ul>
 *   <li>no table at Td: a drop event, capture ends (a table created again under the name later is captured again
 *   from a new snapshot, after a truncate event);</li>
 *   <li>the table is empty at Td (TRUNCATE): a truncate event, and streaming goes on from Td;</li>
 *   <li>changed in place with the same columns and key (an index, a comment, a wider type): streaming goes on;</li>
 *   <li>other columns, same primary key (ADD / DROP / RENAME COLUMN, a new default): a snapshot at Td with the new
 *   columns. The rows are those of the old table at Td - 1, which the target holds, so each is overwritten in
 *   place; no row is missing or extra, and no change is lost on either side. Where the row counts at Td - 1 and Td
 *   differ (seen once with a writer busy during the DDL), the target is emptied first (a truncate event);</li>
 *   <li>a new primary key: a truncate event and a snapshot at Td.</li>
 * </ul>
 * Every record's offset says where a replay resumes, so a crash between a table change and the next checkpoint
 * finds the same change again and ends at the same place.
 */
final class TableStream implements StreamScheduler.Stream, ChangeProbe.Probed, ReadHorizon.Logged {

    private static final Logger LOG = LoggerFactory.getLogger(TableStream.class);
    /** Bounds the empty windows passed over in one poll(), so a long catch-up still yields to stop(). */
    private static final int MAX_WINDOWS_PER_POLL = 500;

    enum Phase { SNAPSHOT, STREAM, DROPPED, STOPPED, DONE }

    private final StreamContext ctx;
    private final TableId id;
    /** Builds this table's records with the schema in force at {@link #ts}. */
    private RecordFactory records;
    /** Volatile, as {@link #ts} and the {@link #cadence}: the {@link ChangeProbe}'s thread reads them. */
    private volatile Phase phase;
    /** Snapshot: the time the snapshot reads at (0 = not chosen yet). Stream: the end of the last window. */
    private volatile long ts;
    /** Snapshot: the last key emitted, as text, or null before the first chunk. */
    private List<String> lastKey;
    /** Stream: the table's identity at {@link #ts}; null until looked up. */
    private TableHistory.Identity identity;
    /** A truncate event goes out before the snapshot's first chunk (the target may hold rows the snapshot lacks). */
    private boolean truncateFirst;
    /** When this table is read next. */
    private final ReadCadence cadence = new ReadCadence(System.nanoTime());
    /** When a record carrying this table's offset was last emitted (System.nanoTime()). */
    private long lastEmitAt = System.nanoTime();
    /** Stream: where windows end (see WindowPlan); a restored stream first follows the points an earlier run delivered. */
    private WindowPlan windows;
    /** What this table left on the source for a replay, forgotten once checkpointed. */
    private final ReplayMarks replay;

    private TableStream(StreamContext ctx, TableId id) {
        this.ctx = ctx;
        this.id = id;
        this.windows = new WindowPlan(ctx.maxWindowNanos, new TreeSet<>());
        this.replay = new ReplayMarks(ctx.state, captureKey());
    }

    /**
     * The table's capture state from its committed offset, or a fresh start by snapshot.mode / start.ts. The schema
     * is the one in force at the checkpoint (SHOW CREATE TABLE at that time), so changes up to a DDL made while no
     * task ran, even a DROP, are read with the columns they were made with.
     */
    static TableStream restore(StreamContext ctx, Connection conn, TableId id) throws SQLException {
        TableStream stream = new TableStream(ctx, id);
        Map<String, Object> offset = ctx.offsets.offset(Offsets.partition(ctx.prefix, id));
        if (offset != null && offset.get(SourceOffsets.TS) != null) {
            long ts = ((Number) offset.get(SourceOffsets.TS)).longValue();
            Object phase = offset.get(SourceOffsets.PHASE);
            Object lastPk = offset.get(SourceOffsets.LAST_PK);
            stream.ts = ts;
            if (SourceOffsets.PHASE_DROPPED.equals(phase)) {
                stream.records = stream.factory(TableSchema.absent(id));
                stream.phase = Phase.DROPPED; // captured again from a new snapshot if it is created again
                return stream;
            }
            boolean snapshot = SourceOffsets.PHASE_SNAPSHOT.equals(phase);
            LOG.info("Table {}: resuming {} at {}", id, snapshot ? "snapshot" : "stream", Timestamps.toText(ts));
            stream.lastKey = lastPk == null ? null : Offsets.parseKeyJson(lastPk.toString());
            // A saved snapshot time is needed only until a checkpoint past the snapshot is committed.
            stream.replay.snapshotStartSaved();
            stream.followDeliveredWindows(conn, ts);
            return stream.startWith(conn, SchemaReader.readAt(conn, id, ts), snapshot ? Phase.SNAPSHOT : stream.afterSnapshot());
        }
        // No checkpoint yet, but an earlier run may have delivered windows before it died (from start.ts, or after a
        // snapshot at the saved T0): follow every end it saved.
        stream.followDeliveredWindows(conn, 0);
        String startTs = ctx.config.getString(MatrixOneSourceConfig.START_TS);
        if (startTs != null) {
            stream.ts = Timestamps.parse(startTs, MatrixOneSourceConfig.START_TS);
            return stream.startWith(conn, SchemaReader.readAt(conn, id, stream.ts), Phase.STREAM);
        }
        if (ctx.config.snapshotMode() == SnapshotMode.NEVER) {
            stream.ts = ctx.horizon.newest(conn, Long.MAX_VALUE);
            return stream.startWith(conn, SchemaReader.readAt(conn, id, stream.ts), Phase.STREAM);
        }
        // The snapshot's time is chosen on the first poll; the schema is read again at that time.
        return stream.startWith(conn, SchemaReader.find(conn, id), Phase.SNAPSHOT);
    }

    /**
     * Cuts this run's windows at the ends an earlier run saved or logged after {@code checkpoint} (see SourceState).
     */
    private void followDeliveredWindows(Connection conn, long checkpoint) throws SQLException {
        NavigableSet<Long> delivered = ctx.state.windowEndsAfter(conn, captureKey(), checkpoint);
        if (!delivered.isEmpty()) {
            replay.windowEndsSaved();
        }
        NavigableSet<Long> logged = ctx.state.loggedEndsAfter(conn, captureKey(), checkpoint);
        if (!logged.isEmpty()) {
            // Saved as this table's own: a second crash before the replay is checkpointed needs them again, and the log
            // rows belong to lanes that may now hold other tables (and delete the rows by those tables' needs).
            ctx.state.saveWindowEnds(conn, captureKey(), logged);
            delivered.addAll(logged);
            replay.windowEndsSaved();
        }
        windows = new WindowPlan(ctx.maxWindowNanos, delivered);
        if (!delivered.isEmpty()) {
            LOG.info("Table {}: replaying {} window(s) an earlier run delivered, up to {}", id, delivered.size(),
                    Timestamps.toText(delivered.last()));
        }
    }

    /**
     * Starts in {@code phase} with {@code schema}. Streaming from a time when the name denoted no table (a start.ts
     * before its creation) waits for its creation; a table gone before a snapshot could start is dropped.
     */
    private TableStream startWith(Connection conn, Optional<TableSchema> schema, Phase start) throws SQLException {
        if (schema.isEmpty() && start != Phase.STREAM) {
            records = factory(TableSchema.absent(id));
            phase = Phase.DROPPED;
            ctx.tableState(conn, id, TableStates.DROPPED, "the table does not exist");
            return this;
        }
        records = factory(schema.orElse(TableSchema.absent(id)));
        if (schema.isPresent() && stoppedIfUncapturable(conn, schema.get())) {
            return this;
        }
        phase = start;
        ctx.tableState(conn, id, start == Phase.SNAPSHOT ? TableStates.SNAPSHOTTING
                : start == Phase.DONE ? TableStates.DONE : TableStates.CAPTURING, null);
        return this;
    }

    private RecordFactory factory(TableSchema schema) {
        return new RecordFactory(schema, ctx.prefix, ctx.config.tables().targetOf(id).orElse(id), ctx.config.envelope());
    }

    private Phase afterSnapshot() {
        return ctx.config.snapshotMode() == SnapshotMode.INITIAL_ONLY ? Phase.DONE : Phase.STREAM;
    }

    /**
     * A table whose changes cannot be read exactly (no primary key, an ENUM column) is not captured: stopped
     * with the reason. With initial_only only the missing primary key (the snapshot's keyset order) matters.
     */
    private boolean stoppedIfUncapturable(Connection conn, TableSchema schema) throws SQLException {
        String unsupported = schema.uncapturableReason();
        if (unsupported == null || (ctx.config.snapshotMode() == SnapshotMode.INITIAL_ONLY && schema.hasPrimaryKey())) {
            return false;
        }
        records = factory(schema);
        phase = Phase.STOPPED;
        ctx.metrics.stoppedTables.incrementAndGet();
        ctx.tableState(conn, id, TableStates.STOPPED, unsupported);
        return true;
    }

    /**
     * Whether the task serves this table before the quiet ones: a snapshot in progress, or changes in the last
     * {@link ReadCadence#ACTIVE_NANOS}, or woken by the probe (see {@link StreamScheduler}).
     */
    @Override
    public boolean active(long nowLocal) {
        return phase == Phase.SNAPSHOT || (phase == Phase.STREAM && cadence.active(nowLocal));
    }

    /** Whether a {@link #poll} now would read the source: a snapshot chunk, or a read whose time has come. */
    @Override
    public boolean due(long nowLocal) {
        return phase == Phase.SNAPSHOT || nextReadInNanos(nowLocal) == 0;
    }

    @Override
    public long nextReadInNanos(long nowLocal) {
        if (phase != Phase.STREAM && phase != Phase.DROPPED) {
            return Long.MAX_VALUE;
        }
        return cadence.nextReadIn(nowLocal);
    }

    @Override
    public TableId table() {
        return id;
    }

    /** A quiet streaming table's checkpoint; -1 for a table its task reads anyway (active, woken) or does not stream. */
    @Override
    public long probeFrom(long nowLocal) {
        return phase == Phase.STREAM && !active(nowLocal) && ts > 0 ? ts : -1;
    }

    /** Changes in the last {@link ReadCadence#RECENT_NANOS}: the probe looks at this table more often than at the others. */
    @Override
    public boolean changedRecently(long nowLocal) {
        return cadence.changedRecently(nowLocal);
    }

    @Override
    public void wake() {
        cadence.wake(System.nanoTime());
        ctx.metrics.wakeUps.incrementAndGet();
    }

    /** This poll's records for the table, or an empty list when it has nothing to send now. */
    @Override
    public List<SourceRecord> poll(Connection conn) throws SQLException {
        List<SourceRecord> out = switch (phase) {
            case SNAPSHOT -> snapshotChunk(conn);
            case STREAM -> streamWindows(conn);
            case DROPPED -> createdAgain(conn);
            case STOPPED, DONE -> List.of();
        };
        markComplete(out);
        return out;
    }

    /**
     * A batch whose last record carries a stream or drop checkpoint ends what was read of the table (a whole window,
     * a snapshot's last chunk, a table event): that record tells the sink the source time up to which the table is
     * complete once it is applied ({@link ChangeEvent#COMPLETE_TS_HEADER}), so the target can record its applied
     * position. Heartbeats go elsewhere and carry nothing for the sink.
     */
    private void markComplete(List<SourceRecord> out) {
        if (out.isEmpty() || !out.get(out.size() - 1).topic().equals(records.topic())) {
            return;
        }
        SourceRecord last = out.get(out.size() - 1);
        Object phase = last.sourceOffset().get(SourceOffsets.PHASE);
        if (SourceOffsets.PHASE_STREAM.equals(phase) || SourceOffsets.PHASE_DROPPED.equals(phase)) {
            last.headers().addString(ChangeEvent.COMPLETE_TS_HEADER, String.valueOf(last.sourceOffset().get(SourceOffsets.TS)));
        }
    }

    /**
     * A dropped table still assigned to this task (the table monitor lets it go only once its drop checkpoint is
     * committed) may be created again meanwhile: then it is captured again from a new snapshot, the target
     * emptied first.
     */
    private List<SourceRecord> createdAgain(Connection conn) throws SQLException {
        long nowLocal = System.nanoTime();
        if (cadence.nextReadIn(nowLocal) > 0) {
            return List.of();
        }
        cadence.takeWake(); // a wake-up from before the drop: this check is the read it asked for
        cadence.readAgainIn(nowLocal, ctx.idleIntervalNanos());
        forgetOnceCheckpointed(conn, nowLocal); // the drop's checkpoint passes every window end it may hold
        Optional<TableSchema> schema = SchemaReader.find(conn, id);
        if (schema.isPresent()) {
            resnapshot(conn, 0, true, "created again after its drop at " + Timestamps.toText(ts));
        }
        return List.of();
    }

    // ---------------------------------------------------------------- snapshot

    private List<SourceRecord> snapshotChunk(Connection conn) throws SQLException {
        if (ts == 0) {
            Long t0 = snapshotTime(conn);
            if (t0 == null) {
                return List.of();
            }
            ts = t0;
        }
        TableSchema schema = records.table(); // as it was at the snapshot time
        if (truncateFirst) {
            truncateFirst = false;
            ctx.metrics.truncates.incrementAndGet();
            return List.of(records.tableEvent(ChangeEvent.TABLE_TRUNCATED, ts, Offsets.snapshot(ts, null)));
        }
        int size = ctx.snapshotFetchSize;
        List<SnapshotReader.Row> rows = SnapshotReader.chunk(conn, schema, ts, lastKey, size);
        boolean last = rows.size() < size;
        List<SourceRecord> out = ReadRecords.snapshotChunk(records, rows, ts, last);
        ctx.metrics.snapshotRows.addAndGet(rows.size());
        SnapshotProgress.advance(conn, ctx.state.database(), ctx.connectorName, schema.id(), rows.size());
        if (!rows.isEmpty()) {
            lastKey = rows.get(rows.size() - 1).key();
        }
        if (last) {
            // Recorded before the stream moves on: a failed write leaves the last chunk to be read again.
            ctx.tableState(conn, id, afterSnapshot() == Phase.DONE ? TableStates.DONE : TableStates.CAPTURING, null);
            LOG.info("Table {}: snapshot complete, streaming from {}", schema.id(), Timestamps.toText(ts));
            phase = afterSnapshot();
            lastKey = null;
            identity = null; // looked up again at the snapshot time by the first window
            cadence.readAgainIn(System.nanoTime(), ctx.pollIntervalNanos);
            if (rows.isEmpty()) {
                out.add(heartbeat(Offsets.stream(ts)));
            }
        }
        lastEmitAt = System.nanoTime();
        return out;
    }

    /**
     * The time a table's first snapshot reads at, saved on the source before any of its rows is emitted: the
     * one an interrupted snapshot of this connector chose if it still lies in the PITR window, else the
     * horizon. Null when no time is usable yet (a PITR or table created moments ago).
     */
    private Long snapshotTime(Connection conn) throws SQLException {
        PitrWindow.Coverage coverage = coverage(conn, ctx.horizon.serverNow(conn));
        String capture = captureKey();
        Optional<Long> earlier = ctx.state.snapshotStart(conn, capture).filter(t0 -> t0 >= coverage.startNanos());
        long t0 = earlier.isPresent() ? earlier.get() : ctx.horizon.newest(conn, Long.MAX_VALUE);
        if (t0 < coverage.startNanos()) {
            return null; // the PITR was created moments ago: wait until T0 lies inside it
        }
        Optional<TableSchema> schema = SchemaReader.readAt(conn, id, t0);
        if (schema.isEmpty()) {
            ctx.state.forgetSnapshotStart(conn, capture); // the table is newer than T0: a later horizon will do
            return null;
        }
        if (stoppedIfUncapturable(conn, schema.get())) {
            return null;
        }
        records = factory(schema.get()); // the columns in force at T0
        long rows = SnapshotReader.count(conn, records.table(), t0);
        if (earlier.isEmpty()) {
            ctx.state.saveSnapshotStart(conn, capture, t0);
        }
        replay.snapshotStartSaved();
        SnapshotProgress.start(conn, ctx.state.database(), ctx.connectorName, id, rows);
        ctx.metrics.snapshotRowsEstimated.addAndGet(rows);
        LOG.info("Table {}: snapshot at {}{}", id, Timestamps.toText(t0),
                earlier.isPresent() ? " (the time of an interrupted snapshot that left no checkpoint)" : "");
        return t0;
    }

    /**
     * A new snapshot of this table alone at {@code t0} (0: at the horizon) with the columns in force then, after a
     * truncate event when the target may hold rows the snapshot lacks. Said in the log, the table's state and
     * metrics. Nothing changes while the table does not exist at {@code t0} (created after the horizon).
     */
    private void resnapshot(Connection conn, long t0, boolean truncate, String why) throws SQLException {
        long at = t0 == 0 ? ctx.horizon.newest(conn, Long.MAX_VALUE) : t0;
        Optional<TableSchema> schema = SchemaReader.readAt(conn, id, at);
        if (schema.isEmpty() || stoppedIfUncapturable(conn, schema.get())) {
            return;
        }
        records = factory(schema.get());
        phase = Phase.SNAPSHOT;
        ts = at;
        lastKey = null;
        identity = null;
        truncateFirst = truncate;
        long rows = SnapshotReader.count(conn, records.table(), ts);
        SnapshotProgress.start(conn, ctx.state.database(), ctx.connectorName, id, rows);
        ctx.metrics.resnapshots.incrementAndGet();
        ctx.metrics.snapshotRowsEstimated.addAndGet(rows);
        ctx.tableState(conn, id, TableStates.SNAPSHOTTING, "new snapshot at " + Timestamps.toText(ts) + ": " + why
                + (truncate ? " (the target table is emptied first)" : ""));
    }

    /** Forgets what only a replay needs once Connect has committed a checkpoint past it (see {@link ReplayMarks}). */
    private void forgetOnceCheckpointed(Connection conn, long nowLocal) throws SQLException {
        replay.forgetOnceCheckpointed(conn, nowLocal, ts, () -> ctx.offsets.offset(records.partition()));
    }

    @Override
    public long loggedEndsNeededAfter() {
        return replay.loggedEndsNeededAfter();
    }

    /** Whether the task's next fence should log this table's capture: a streaming table read as soon as it moves. */
    @Override
    public boolean readsEachHorizon(long nowLocal) {
        return phase == Phase.STREAM && active(nowLocal);
    }

    @Override
    public String captureKey() {
        return ctx.connectorName + "/" + id;
    }

    // ---------------------------------------------------------------- stream

    /**
     * Reads the table's next window: from the checkpoint up to the fenced horizon, in one diff (where it ends:
     * {@link WindowPlan}). A table with recent changes is read again every busy.poll.interval.ms, one idle for a
     * while every poll.interval.ms (or its share of idle.reads.per.second), passing its whole empty span at once; a
     * table far behind passes over empty windows in one call.
     */
    private List<SourceRecord> streamWindows(Connection conn) throws SQLException {
        long nowLocal = System.nanoTime();
        if (cadence.nextReadIn(nowLocal) > 0) {
            return List.of();
        }
        Long wokenAt = cadence.takeWake();
        forgetOnceCheckpointed(conn, nowLocal);
        // An active table reads up to a horizon fenced at most half a busy interval ago (ReadHorizon). Up to the one
        // its round began with, the tables read last in a round of several busy ones (each diff 50-150 ms on a loaded
        // source) left the changes of the whole round so far for the next round: their lag grew by the round's length.
        long newest = wokenAt != null ? ctx.horizon.newestSince(conn, wokenAt)
                : active(nowLocal) ? ctx.horizon.newest(conn, Long.MAX_VALUE) : ctx.horizon.newest(conn, ts + 1);
        long serverNow = ctx.horizon.serverNow(conn);
        PitrWindow.Coverage coverage = coverage(conn, serverNow);
        if (ts < coverage.startNanos()) {
            return checkpointOutsidePitr(conn, coverage);
        }
        long readable = Math.min(newest, ctx.endNanos);
        Long changeAt = null;
        if (readable > ts) {
            if (identity == null) {
                identity = TableHistory.at(conn, id, ts);
            }
            if (!Objects.equals(identity, ctx.catalog.identityAt(conn, id, readable))) {
                changeAt = TableHistory.changedAt(conn, id, identity, ts, readable);
            }
        }
        if (identity == null && readable > ts) {
            // The name denoted no table at ts (a start.ts before its creation): nothing to read until it does.
            ts = changeAt == null ? readable : changeAt - 1;
        }
        // The longer a table has been idle, the less often it is read: a sixteenth of its idle time, between the
        // busy interval (busy.poll.interval.ms) and the idle interval (poll.interval.ms, longer for a task of many
        // tables). A table that just had changes is read again after the busy interval.
        cadence.readQuietly(nowLocal, ctx.busyIntervalNanos, ctx.idleIntervalNanos());
        // A table idle for a while first checks its whole span for a change, one short diff however long the span
        // (WindowPlan.furthest), so reading idle tables rarely costs no more diffs than reading them often.
        boolean idle = cadence.idle(nowLocal);
        for (int i = 0; i < MAX_WINDOWS_PER_POLL; i++) {
            long from = ts;
            if (from >= ctx.endNanos) {
                LOG.info("Table {}: reached end.ts {}, nothing more is captured", id, Timestamps.toText(ctx.endNanos));
                phase = Phase.DONE;
                ctx.tableState(conn, id, TableStates.DONE, "end.ts reached");
                break;
            }
            if (changeAt != null && from == changeAt - 1) {
                return tableChanged(conn, changeAt);
            }
            long to = windows.end(from, readable, changeAt);
            if (to <= from) {
                break;
            }
            List<ChangeReader.Change> changes;
            long readStart = System.nanoTime();
            try {
                long furthest = i == 0 && idle ? windows.furthest(from, readable, changeAt) : to;
                if (furthest > to && !ChangeReader.changedBetween(conn, id, from, furthest)) {
                    to = furthest; // nothing changed since the checkpoint: the whole span in one step
                    changes = List.of();
                } else {
                    changes = ChangeReader.window(conn, records.table(), from, to);
                }
            } catch (ChangeReader.SchemaChangedException e) {
                // The columns changed while the table kept its identity: no exact diff across that change.
                resnapshot(conn, 0, true, e.getMessage());
                return List.of();
            }
            // Every write comes before the stream moves past the window: a write that fails (a lost connection) leaves
            // the window to be read again, never read and dropped.
            long readEnd = System.nanoTime();
            if (!changes.isEmpty() && !windows.saved(to)) {
                long end = to;
                // The fence that gave this horizon logged it for the table: the table now needs that log row.
                if (!ctx.horizon.logged(captureKey(), end, () -> replay.loggedEndDelivered(end))) {
                    ctx.state.saveWindowEnd(conn, captureKey(), to); // before any of its records can reach Kafka
                    replay.windowEndsSaved();
                }
            }
            if (LOG.isDebugEnabled()) {
                LOG.debug("Table {}: window of {} ms, {} ms behind the server: {} changes in {} ms (after {} ms of horizon and "
                                + "catalog; its end saved in {} ms)", id, (to - from) / 1_000_000, (serverNow - to) / 1_000_000,
                        changes.size(), (readEnd - readStart) / 1_000_000, (readStart - nowLocal) / 1_000_000,
                        (System.nanoTime() - readEnd) / 1_000_000);
            }
            ctx.metrics.windows.incrementAndGet();
            ctx.metrics.windowRead(id.toString(), to, serverNow);
            ts = to;
            windows.read(to);
            if (!changes.isEmpty()) {
                lastEmitAt = nowLocal;
                cadence.changed(nowLocal, ctx.busyIntervalNanos);
                return ReadRecords.window(records, changes, from, to, ctx.metrics);
            }
        }
        if (ctx.heartbeatNanos > 0 && nowLocal - lastEmitAt >= ctx.heartbeatNanos) {
            lastEmitAt = nowLocal;
            return List.of(heartbeat(Offsets.stream(ts)));
        }
        return List.of();
    }

    /**
     * The table's identity changed at {@code changeAt}, and every change before it has been read. What follows
     * depends on what the name holds at that moment (see the class comment). Streaming resumes at
     * {@code changeAt}: the only commit stamped then is the DDL's own.
     */
    private List<SourceRecord> tableChanged(Connection conn, long changeAt) throws SQLException {
        TableChange.Outcome outcome = TableChange.at(conn, id, records.table(), identity, changeAt);
        if (outcome instanceof TableChange.Dropped) {
            return dropped(conn, changeAt);
        }
        if (outcome instanceof TableChange.Resnapshot again) {
            resnapshot(conn, changeAt, again.truncateFirst(), again.why());
            return List.of();
        }
        TableChange.Continue go = (TableChange.Continue) outcome;
        if (stoppedIfUncapturable(conn, go.schema())) {
            return List.of();
        }
        ctx.tableState(conn, id, TableStates.CAPTURING, go.what()); // before the stream moves past the change
        records = factory(go.schema());
        ts = changeAt;
        identity = go.identity();
        if (!go.truncated()) {
            return List.of();
        }
        lastEmitAt = System.nanoTime();
        ctx.metrics.truncates.incrementAndGet();
        return List.of(records.tableEvent(ChangeEvent.TABLE_TRUNCATED, changeAt, Offsets.stream(changeAt)));
    }

    private List<SourceRecord> dropped(Connection conn, long droppedAt) throws SQLException {
        ctx.tableState(conn, id, TableStates.DROPPED, "dropped at " + Timestamps.toText(droppedAt)); // before moving on
        phase = Phase.DROPPED;
        ts = droppedAt;
        ctx.metrics.droppedTables.incrementAndGet();
        return List.of(records.tableEvent(ChangeEvent.TABLE_DROPPED, droppedAt, Offsets.dropped(droppedAt)));
    }

    private List<SourceRecord> checkpointOutsidePitr(Connection conn, PitrWindow.Coverage coverage) throws SQLException {
        String gap = "the checkpoint of " + id + " (" + Timestamps.toText(ts) + ") is older than its PITR window, which "
                + "starts at " + Timestamps.toText(coverage.startNanos()) + " (PITR " + coverage.pitrName() + ", range "
                + coverage.range() + ")";
        if (ctx.config.snapshotMode() == SnapshotMode.WHEN_NEEDED) {
            LOG.warn("{}: changes in between cannot be read safely; taking a new snapshot (snapshot.mode=when_needed)", gap);
            phase = Phase.SNAPSHOT;
            ts = 0;
            lastKey = null;
            identity = null;
            ctx.tableState(conn, id, TableStates.SNAPSHOTTING, "checkpoint outside the PITR window (snapshot.mode=when_needed)");
            return List.of();
        }
        throw new ConnectException(gap + ": the changes in between can no longer be read safely. Lengthen the PITR "
                + "(alter pitr " + coverage.pitrName() + " range ...) so pauses fit in it, and restart from a new snapshot: "
                + "set snapshot.mode=when_needed, or drop and re-create the task.");
    }

    private PitrWindow.Coverage coverage(Connection conn, long nowNanos) throws SQLException {
        Optional<PitrWindow.Coverage> coverage = ctx.catalog.pitrs(conn).coverage(id, nowNanos);
        return coverage.orElseThrow(() -> new ConnectException("no PITR covers " + id + ": its history is not kept, so "
                + "changes cannot be read. Run on the source: " + PitrWindow.howToCreate(id)));
    }

    /** A record that only moves an idle table's offset, on the heartbeat topic. */
    private SourceRecord heartbeat(Map<String, Object> offset) {
        ctx.metrics.heartbeats.incrementAndGet();
        return records.heartbeat(ctx.config.getString(MatrixOneSourceConfig.HEARTBEAT_TOPIC_PREFIX) + "." + ctx.prefix, offset);
    }
}
