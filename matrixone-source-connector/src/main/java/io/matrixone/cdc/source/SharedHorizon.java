package io.matrixone.cdc.source;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A task's fenced horizon (see {@link ReadHorizon} for what a fence is), shared by the task's lanes: one fence, and one
 * catalog read at it, serve every lane whose connection is on the CN that fenced. Fenced per lane, a busy task's two
 * lanes each spent as long fencing and reading the catalog as diffing (eighteenth session's debug log: 7.4 s of 19
 * each), on a source whose CPU the diffs need.
 *
 * <p>Why another connection may read at a horizon fenced on this one: the fence's commit is applied by its CN before
 * the fencing session's next statement starts, and a CN applies the log once for all of its sessions. So the horizon is
 * handed out only once the fencing connection has run its next statement (the catalog read at the horizon, which every
 * lane needs anyway), and only to connections on the same CN ({@link ComputeNode});
 * {@code MatrixOneFactsIT.aHorizonFencedOnOneConnectionHoldsOnAnotherOfItsCn} proves it under load.
 *
 * <p>While some of the task's streaming tables are active, the fence's write logs the horizon with their captures
 * ({@link SourceState}, window_log): a window of one of them that ends at this horizon needs no save of its own. The
 * task's log rows are deleted once none of its tables needs them ({@link #pruneLogIfDue}).
 */
final class SharedHorizon {

    /** Fences at most this often: a busy poll loop must not turn into a stream of writes on the source. */
    private static final long MIN_FENCE_INTERVAL_NANOS = 100_000_000L;
    /** How often the window log rows no table needs any more are deleted. */
    private static final long LOG_PRUNE_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** How many recent fences' logged captures are remembered: a lane may end a window at a horizon a few fences old. */
    private static final int LOGGED_FENCES_KEPT = 64;

    /** What the fences need of a table: whether they log it, and which log rows it still needs. */
    interface Logged {
        /** Whether the next fence should log this table's capture (see {@link TableStream#readsEachHorizon}). */
        boolean readsEachHorizon(long nowLocal);

        String captureKey();

        /** The table needs the log rows after this time ({@link Long#MAX_VALUE}: none). */
        long loggedEndsNeededAfter();
    }

    /** A horizon: the time reads may end at, the server's clock when it was fenced, and where. */
    record Fence(long horizon, long serverNow, long fencedAtLocal, String node) {
        boolean servesNode(String lane) {
            return node.equals(lane);
        }
    }

    private final SourceState state;
    private final String task;
    private final long lagNanos;
    private final SharedCatalog catalog;
    /** The task's tables, whose active streams each fence logs and whose needs bound the log's clean-up. */
    private final List<Logged> tables = new CopyOnWriteArrayList<>();
    private volatile Fence last;
    /** Guarded by this: the captures each recent fence logged, by horizon. */
    private final Map<Long, Set<String>> logged = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Set<String>> eldest) {
            return size() > LOGGED_FENCES_KEPT;
        }
    };
    /** Guarded by this. */
    private boolean stateReady;
    private long prunedAt = System.nanoTime();

    SharedHorizon(SourceState state, String task, long lagNanos, SharedCatalog catalog) {
        this.state = state;
        this.task = task;
        this.lagNanos = lagNanos;
        this.catalog = catalog;
    }

    /** Adds tables whose captures fences log while they read each horizon (see {@link TableStream#readsEachHorizon}). */
    void register(List<? extends Logged> streams) {
        tables.addAll(streams);
    }

    /**
     * A horizon usable on a connection of {@code node}, fenced again on {@code conn} when the last is short of
     * {@code wantedNanos} (and not too recent) or from another CN.
     */
    Fence newest(Connection conn, String node, long wantedNanos) throws SQLException {
        Fence fence = last;
        if (fresh(fence, node, wantedNanos, System.nanoTime())) {
            return fence;
        }
        synchronized (this) {
            long now = System.nanoTime();
            // Another lane may have fenced while this one waited: that fence serves it too.
            return fresh(last, node, wantedNanos, now) ? last : refresh(conn, node, now);
        }
    }

    /** A horizon usable on a connection of {@code node}, fenced after {@code localNanos} (System.nanoTime()). */
    Fence newestSince(Connection conn, String node, long localNanos) throws SQLException {
        Fence fence = last;
        if (fence != null && fence.servesNode(node) && fence.fencedAtLocal() - localNanos >= 0) {
            return fence;
        }
        synchronized (this) {
            fence = last;
            if (fence != null && fence.servesNode(node) && fence.fencedAtLocal() - localNanos >= 0) {
                return fence;
            }
            return refresh(conn, node, System.nanoTime());
        }
    }

    private static boolean fresh(Fence fence, String node, long wantedNanos, long now) {
        return fence != null && fence.servesNode(node)
                && (fence.horizon() >= wantedNanos || now - fence.fencedAtLocal() < MIN_FENCE_INTERVAL_NANOS);
    }

    private Fence refresh(Connection conn, String node, long now) throws SQLException {
        if (!stateReady) {
            state.create(conn);
            stateReady = true;
        }
        Set<String> captures = activeCaptures(now);
        long serverNow = state.fence(conn, task, lagNanos, captures);
        long horizon = serverNow - lagNanos;
        // The fencing connection's next statement: once it has run, the CN has applied the fence (see the class).
        catalog.readIdentities(conn, horizon);
        if (!captures.isEmpty()) {
            logged.put(horizon, captures);
        }
        last = new Fence(horizon, serverNow, now, node);
        return last;
    }

    private Set<String> activeCaptures(long now) {
        return Set.copyOf(tables.stream().filter(t -> t.readsEachHorizon(now)).map(Logged::captureKey).toList());
    }

    /**
     * Whether a fence logged {@code ts} as a horizon for {@code capture}: then its window ending there needs no save,
     * and {@code delivered} runs (the table notes the log row it now needs) before any clean-up can delete that row.
     */
    synchronized boolean logged(String capture, long ts, Runnable delivered) {
        Set<String> captures = logged.get(ts);
        if (captures == null || !captures.contains(capture)) {
            return false;
        }
        delivered.run();
        return true;
    }

    /**
     * Every {@link #LOG_PRUNE_NANOS}: deletes the task's log rows before the oldest one a table of the task needs, and
     * never those of the fences {@link #logged} still answers for: a lane may be reading a window that ends at one of
     * them (a diff takes a while, and the other lanes fence meanwhile).
     */
    synchronized void pruneLogIfDue(Connection conn) throws SQLException {
        long now = System.nanoTime();
        if (now - prunedAt >= LOG_PRUNE_NANOS) {
            prunedAt = now;
            pruneLog(conn);
        }
    }

    /** The clean-up of {@link #pruneLogIfDue}, now. */
    synchronized void pruneLog(Connection conn) throws SQLException {
        Fence fence = last;
        if (fence == null) {
            return;
        }
        long before = logged.isEmpty() ? fence.horizon() : Math.min(fence.horizon(), logged.keySet().iterator().next());
        for (Logged table : tables) {
            before = Math.min(before, table.loggedEndsNeededAfter());
        }
        state.forgetLoggedEndsBefore(conn, task, before);
    }

    /** The server's time now, as of the last fence plus the time elapsed here since. */
    static long serverNow(Fence fence) {
        return fence.serverNow() + (System.nanoTime() - fence.fencedAtLocal());
    }

    long lagNanos() {
        return lagNanos;
    }

    /** Forgets the horizon: a lane's connection was replaced (its CN may have restarted). */
    synchronized void reset() {
        last = null;
        stateReady = false;
        catalog.reset();
    }
}
