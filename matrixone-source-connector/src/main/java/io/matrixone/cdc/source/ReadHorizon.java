package io.matrixone.cdc.source;

import io.matrixone.cdc.common.ServerFence;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The newest time this connection can read at and see every commit stamped before it: the end of the
 * next change window, and a snapshot's T0. A window ending at the server's "now", or a fixed lag behind it,
 * loses commits under load (docs/matrixone-facts.md), so the horizon is fenced ({@link ServerFence}), with one row
 * per task in {@link SourceState}'s fence table.
 * {@code window.lag.ms} is then only an optional margin (0 by default: the fence's commit is stamped after W
 * whatever the clocks of the nodes, since a transaction commits after its snapshot, which is taken after W).
 *
 * <p>The server time read at the last fence, advanced by this machine's monotonic clock, also serves as "the
 * server's now" for PITR coverage and lag figures, so no stream reads the clock itself.
 *
 * <p>While some of the lane's streaming tables are active, the fence's write logs the horizon with their captures
 * ({@link SourceState}, window_log): a window of one of them that ends at this horizon needs no save of its own.
 */
final class ReadHorizon {

    /** Fences at most this often: a busy poll loop must not turn into a stream of writes on the source. */
    private static final long MIN_FENCE_INTERVAL_NANOS = 100_000_000L;

    private final SourceState state;
    private final String task;
    private final long lagNanos;
    private long horizon;
    private long fencedAt;
    private long fencedServerNow;
    private boolean tableReady;
    /** The captures of the lane's active streaming tables, asked at each fence (none until the lane says). */
    private Supplier<Collection<String>> active = List::of;
    /** The captures the last fence logged with the horizon. */
    private Set<String> logged = Set.of();

    ReadHorizon(SourceState state, String task, long lagNanos) {
        this.state = state;
        this.task = task;
        this.lagNanos = lagNanos;
    }

    /**
     * The horizon, fenced again when it is short of {@code wantedNanos} (and the last fence is not too
     * recent). A fenced horizon stays safe, it only grows stale. Call {@link #reset()} when the connection
     * is replaced: another connection may land on a CN that has not applied the log as far.
     */
    long newest(Connection conn, long wantedNanos) throws SQLException {
        long now = System.nanoTime();
        if (horizon == 0 || (horizon < wantedNanos && now - fencedAt >= MIN_FENCE_INTERVAL_NANOS)) {
            refresh(conn, now);
        }
        return horizon;
    }

    /**
     * The horizon, fenced again unless the last fence began after {@code localNanos} (System.nanoTime()). A table the
     * {@link ChangeProbe} woke at that moment must read past the change the probe saw; the horizon another table left
     * may be older than that change (it is only fenced again when some table reaches it), and a read up to it would
     * find nothing and put the table back to sleep.
     */
    long newestSince(Connection conn, long localNanos) throws SQLException {
        if (horizon == 0 || fencedAt - localNanos < 0) {
            refresh(conn, System.nanoTime());
        }
        return horizon;
    }

    private void refresh(Connection conn, long now) throws SQLException {
        Set<String> captures = Set.copyOf(active.get());
        fencedServerNow = fence(conn, captures);
        horizon = fencedServerNow - lagNanos;
        fencedAt = now;
        logged = captures;
    }

    /** Where the captures to log with each fence come from: the lane's active streaming tables. */
    void logActive(Supplier<Collection<String>> captures) {
        this.active = captures;
    }

    /** Whether the fence that gave {@code ts} as the horizon logged it for {@code capture}: no save needed then. */
    boolean logged(String capture, long ts) {
        return ts == horizon && horizon != 0 && logged.contains(capture);
    }

    /**
     * Deletes this lane's log rows before {@code horizon}, never the current horizon's (a window may still end there).
     */
    void forgetLoggedBefore(Connection conn, long before) throws SQLException {
        if (horizon != 0) {
            state.forgetLoggedEndsBefore(conn, task, Math.min(before, horizon));
        }
    }

    /** The server's time now, as of the last fence plus the time elapsed here since (fences first if none yet). */
    long serverNow(Connection conn) throws SQLException {
        newest(conn, 0);
        return fencedServerNow + (System.nanoTime() - fencedAt);
    }

    long lagNanos() {
        return lagNanos;
    }

    void reset() {
        horizon = 0;
        tableReady = false;
        logged = Set.of();
    }

    private long fence(Connection conn, Set<String> captures) throws SQLException {
        if (!tableReady) {
            state.create(conn);
            tableReady = true;
        }
        return state.fence(conn, task, lagNanos, captures);
    }
}
