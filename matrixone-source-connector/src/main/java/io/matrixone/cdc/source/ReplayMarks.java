package io.matrixone.cdc.source;

import io.matrixone.cdc.common.SourceOffsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What one table's capture left on the source for a replay after a crash (see {@link SourceState}): its saved snapshot
 * time, the window ends it saved, and the last window-log row it delivered a window up to. Each is needed only until
 * Connect commits a checkpoint past it; then it is forgotten. A dropped table that kept its need of the log held the
 * task's clean-up of the window log until the task restarted.
 */
final class ReplayMarks {

    /** How often the committed checkpoint is looked at (Connect's offset store reads its topic to the end each time). */
    private static final long CHECKPOINT_CHECK_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final SourceState state;
    private final String capture;
    /** Whether the source may still hold this table's saved snapshot time. */
    private boolean snapshotStartSaved;
    /** Whether window ends this run saved may still need deleting once checkpointed. */
    private boolean windowEndsSaved;
    /**
     * The last logged horizon (see {@link ReadHorizon}) this table delivered a window up to, until a checkpoint past it
     * is committed; 0 when none. The task keeps the log rows after the checkpoint until then. Volatile, as
     * {@link #checkpointSeen}: the log's clean-up may run on another lane's thread.
     */
    private volatile long loggedEndDelivered;
    /** The committed checkpoint as last looked at (0 until then). */
    private volatile long checkpointSeen;
    /** When the committed checkpoint was last looked at (System.nanoTime()). */
    private long checkpointCheckedAt;

    ReplayMarks(SourceState state, String capture) {
        this.state = state;
        this.capture = capture;
    }

    /** The snapshot's time is saved (or may be, from an earlier run). */
    void snapshotStartSaved() {
        snapshotStartSaved = true;
    }

    /** Window ends of this table are saved as its own. */
    void windowEndsSaved() {
        windowEndsSaved = true;
    }

    /** A window was delivered up to {@code end}, a horizon its fence logged for this table. */
    void loggedEndDelivered(long end) {
        loggedEndDelivered = end;
    }

    /**
     * The logged horizons this table may need in a replay are those after the returned time (the committed
     * checkpoint); {@link Long#MAX_VALUE} when it needs none. The task keeps every log row after the least of its tables'.
     */
    long loggedEndsNeededAfter() {
        return loggedEndDelivered == 0 ? Long.MAX_VALUE : checkpointSeen;
    }

    /**
     * Every {@link #CHECKPOINT_CHECK_NANOS} while something is kept: forgets what a stream's or a drop's committed
     * checkpoint has passed. {@code position} is where the table's capture is now (a window end saved after the
     * checkpoint is still needed).
     */
    void forgetOnceCheckpointed(Connection conn, long nowLocal, long position, Supplier<Map<String, Object>> committedOffset)
            throws SQLException {
        if ((!snapshotStartSaved && !windowEndsSaved && loggedEndDelivered == 0)
                || nowLocal - checkpointCheckedAt < CHECKPOINT_CHECK_NANOS) {
            return;
        }
        checkpointCheckedAt = nowLocal;
        Map<String, Object> committed = committedOffset.get();
        Object committedPhase = committed == null ? null : committed.get(SourceOffsets.PHASE);
        if (!SourceOffsets.PHASE_STREAM.equals(committedPhase) && !SourceOffsets.PHASE_DROPPED.equals(committedPhase)) {
            return;
        }
        long checkpoint = ((Number) committed.get(SourceOffsets.TS)).longValue();
        checkpointSeen = checkpoint;
        if (snapshotStartSaved) {
            state.forgetSnapshotStart(conn, capture);
            snapshotStartSaved = false;
        }
        if (windowEndsSaved) {
            state.forgetWindowEndsUpTo(conn, capture, checkpoint);
            windowEndsSaved = checkpoint < position;
        }
        if (checkpoint >= loggedEndDelivered) {
            loggedEndDelivered = 0;
        }
    }
}
