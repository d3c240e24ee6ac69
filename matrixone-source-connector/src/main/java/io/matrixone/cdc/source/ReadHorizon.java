package io.matrixone.cdc.source;

import io.matrixone.cdc.common.ServerFence;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The newest time a lane's connection can read at and see every commit stamped before it: the end of the
 * next change window, and a snapshot's T0. A window ending at the server's "now", or a fixed lag behind it,
 * loses commits under load (docs/matrixone-facts.md), so the horizon is fenced ({@link ServerFence}), with one row
 * per task in {@link SourceState}'s fence table.
 * {@code window.lag.ms} is then only an optional margin (0 by default: the fence's commit is stamped after W
 * whatever the clocks of the nodes, since a transaction commits after its snapshot, which is taken after W).
 *
 * <p>The server time read at the last fence, advanced by this machine's monotonic clock, also serves as "the
 * server's now" for PITR coverage and lag figures, so no stream reads the clock itself.
 *
 * <p>This is one lane's view of its task's {@link SharedHorizon}: a fence made by another lane serves this one when
 * both connections are on the same CN, which the lane finds out when it connects ({@link #connected}).
 */
final class ReadHorizon {

    private final SharedHorizon shared;
    /** The lane's own name: a connection whose CN is unknown shares no fence with another lane. */
    private final String laneKey;
    /** The CN of the lane's connection. Used by the lane's thread only. */
    private String node;

    ReadHorizon(SharedHorizon shared, String laneKey) {
        this.shared = shared;
        this.laneKey = laneKey;
        this.node = laneKey;
    }

    /** Another lane's view of the same task's horizon. */
    ReadHorizon forLane(String otherLaneKey) {
        return new ReadHorizon(shared, otherLaneKey);
    }

    /** The lane has a new connection: on which CN (see {@link ComputeNode}). */
    void connected(Connection conn) {
        node = ComputeNode.of(conn, laneKey);
    }

    /**
     * The horizon, fenced again when it is short of {@code wantedNanos} (and the last fence is not too
     * recent). A fenced horizon stays safe, it only grows stale. Call {@link #reset()} when the connection
     * is replaced: another connection may land on a CN that has not applied the log as far.
     */
    long newest(Connection conn, long wantedNanos) throws SQLException {
        return shared.newest(conn, node, wantedNanos).horizon();
    }

    /**
     * The horizon, fenced again unless the last fence began after {@code localNanos} (System.nanoTime()). A table the
     * {@link ChangeProbe} woke at that moment must read past the change the probe saw; the horizon another table left
     * may be older than that change (it is only fenced again when some table reaches it), and a read up to it would
     * find nothing and put the table back to sleep.
     */
    long newestSince(Connection conn, long localNanos) throws SQLException {
        return shared.newestSince(conn, node, localNanos).horizon();
    }

    /** Adds the lane's tables to those whose captures the task's fences log (see {@link SharedHorizon}). */
    void register(List<? extends SharedHorizon.Logged> tables) {
        shared.register(tables);
    }

    /**
     * Whether the fence that gave {@code ts} as the horizon logged it for {@code capture}: no save needed then;
     * {@code delivered} runs first (see {@link SharedHorizon#logged}).
     */
    boolean logged(String capture, long ts, Runnable delivered) {
        return shared.logged(capture, ts, delivered);
    }

    /** Deletes the task's window log rows no table needs any more, every few seconds. */
    void pruneLogIfDue(Connection conn) throws SQLException {
        shared.pruneLogIfDue(conn);
    }

    /** The same clean-up, now. */
    void pruneLog(Connection conn) throws SQLException {
        shared.pruneLog(conn);
    }

    /** The server's time now, as of the last fence plus the time elapsed here since (fences first if none yet). */
    long serverNow(Connection conn) throws SQLException {
        return SharedHorizon.serverNow(shared.newest(conn, node, 0));
    }

    long lagNanos() {
        return shared.lagNanos();
    }

    /** The lane's connection was replaced: no lane reads at the old horizon, nor with the catalog read at it. */
    void reset() {
        shared.reset();
    }
}
