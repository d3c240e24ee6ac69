package io.matrixone.cdc.source;

import io.matrixone.cdc.common.ServerFence;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The newest time a task's connections can read at and see every commit stamped before it: the end of the next change
 * window, and a snapshot's T0. A window ending at the server's "now", or a fixed lag behind it, loses commits under
 * load (docs/matrixone-facts.md), so the horizon is fenced ({@link ServerFence}), with one row per task in
 * {@link SourceState}'s fence table. {@code window.lag.ms} is then only an optional margin (0 by default: the fence's
 * commit is stamped after W whatever the clocks of the nodes, since a transaction commits after its snapshot, which is
 * taken after W).
 *
 * <p>One horizon serves all the task's lanes: one fence, and one catalog read at it, for every connection on the CN
 * that fenced. Fenced per lane, a busy task's two lanes each spent as long fencing and reading the catalog as diffing
 * (eighteenth session's debug log: 7.4 s of 19 each). Why another connection may read at a horizon fenced on this one:
 * the fence's commit is applied by its CN before the fencing session's next statement starts, and a CN applies the log
 * once for all of its sessions. So a horizon is handed out only once the fencing connection has run its next statement
 * (the catalog read at the horizon, which every read needs anyway), and only to connections on the same CN
 * ({@link ComputeNode}; a connection of unknown CN only reads at horizons it fenced itself);
 * {@code MatrixOneFactsIT.aHorizonFencedOnOneConnectionHoldsOnAnotherOfItsCn} proves it under load.
 *
 * <p>The server time read at the last fence, advanced by this machine's monotonic clock, also serves as "the
 * server's now" for PITR coverage and lag figures, so no stream reads the clock itself.
 *
 * <p>While some of the task's streaming tables are active, the fence's write logs the horizon with their captures
 * ({@link SourceState}, window_log): a window of one of them that ends at this horizon needs no save of its own. The
 * task's log rows are deleted once none of its tables needs them ({@link #pruneLogIfDue}).
 */
final class ReadHorizon {

    /** How often the window log rows no table needs any more are deleted. */
    private static final long LOG_PRUNE_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** How many recent fences' logged captures are remembered: a window may end at a horizon a few fences old. */
    private static final int LOGGED_FENCES_KEPT = 64;

    /** What the fences need of a table: whether they log it, and which log rows it still needs. */
    interface Logged {
        /** Whether the next fence should log this table's capture (see {@link TableStream#readsEachHorizon}). */
        boolean readsEachHorizon(long nowLocal);

        String captureKey();

        /** The table needs the log rows after this time ({@link Long#MAX_VALUE}: none). */
        long loggedEndsNeededAfter();
    }

    /** A horizon: the time reads may end at, the server's clock when it was fenced, and the CN that fenced it. */
    private record Fence(long horizon, long serverNow, long fencedAtLocal, Object node) {
    }

    private final SourceState state;
    private final String task;
    private final long lagNanos;
    /**
     * How long a fence serves reads that want a newer horizon (a busy table's): half the busy interval, so the task
     * fences at most twice per busy interval, and a busy table reads up to a horizon at most that old. With the whole
     * interval, the busy tables of a task whose reads follow each other (bench-tables: ten of them, read every
     * ~110 ms) read up to horizons 55 ms behind the server's clock at their reads (p50), against 6 ms for a table busy
     * alone, which fences at each read anyway; with half, 29 ms, and their commit -> Kafka p50 99-112 ms against
     * 128-139 (docs/benchmarks-history.md, twenty-ninth session). A fence is a small write and a catalog read (about
     * 5 ms of the source's CPU).
     */
    private final long freshNanos;
    private final SharedCatalog catalog;
    /** The task's tables, whose active streams each fence logs and whose needs bound the log's clean-up. */
    private final List<Logged> tables = new CopyOnWriteArrayList<>();
    /** The CN of each of the task's connections; a connection not in here is its own (unknown CN). */
    private final Map<Connection, Object> nodes = Collections.synchronizedMap(new IdentityHashMap<>());
    private volatile Fence last;
    /**
     * Guards {@link #logged} and the log's clean-up, apart from the fence's monitor ({@code this}): a lane that asks
     * whether its window's end was logged must not wait while another lane fences. It did: bench-tables' debug log
     * (twenty-sixth session) had 15% of the busy reads wait 27 ms on average after their diff for that answer, 7% of
     * the two lanes' time, while the other lane's fence (its write and catalog read, 40-70 ms on the loaded source)
     * held the one monitor.
     */
    private final Object logLock = new Object();
    /** Guarded by {@link #logLock}: the captures each recent fence logged, by horizon, oldest first. */
    private final Map<Long, Set<String>> logged = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Set<String>> eldest) {
            return size() > LOGGED_FENCES_KEPT;
        }
    };
    /** Guarded by this. */
    private boolean stateReady;
    /** Guarded by {@link #logLock}. */
    private long prunedAt = System.nanoTime();

    ReadHorizon(SourceState state, String task, long lagNanos, long busyIntervalNanos, SharedCatalog catalog) {
        this.state = state;
        this.task = task;
        this.lagNanos = lagNanos;
        this.freshNanos = busyIntervalNanos / 2;
        this.catalog = catalog;
    }

    /** Adds tables whose captures fences log while they read each horizon (see {@link TableStream#readsEachHorizon}). */
    void register(List<? extends Logged> streams) {
        tables.addAll(streams);
    }

    /** A new connection of the task: on which CN (see {@link ComputeNode}). */
    void connected(Connection conn) {
        String node = ComputeNode.of(conn);
        if (node != null) {
            nodes.put(conn, node);
        }
    }

    /** A connection of the task closed: forget it. */
    void disconnected(Connection conn) {
        nodes.remove(conn);
    }

    /**
     * The horizon for a read on {@code conn}, fenced again (on {@code conn}) when the last is short of
     * {@code wantedNanos} and not too recent, or from another CN. A fenced horizon stays safe, it only grows stale.
     * Call {@link #reset()} when a connection is replaced: it may land on a CN that has not applied the log as far.
     */
    long newest(Connection conn, long wantedNanos) throws SQLException {
        return fence(conn, wantedNanos).horizon();
    }

    private Fence fence(Connection conn, long wantedNanos) throws SQLException {
        Object node = nodes.getOrDefault(conn, conn);
        Fence fence = last;
        if (fresh(fence, node, wantedNanos, System.nanoTime())) {
            return fence;
        }
        synchronized (this) {
            long now = System.nanoTime();
            // Another connection may have fenced while this one waited: that fence serves it too.
            return fresh(last, node, wantedNanos, now) ? last : refresh(conn, node, now);
        }
    }

    /**
     * The horizon for a read on {@code conn}, fenced again unless the last fence began after {@code localNanos}
     * (System.nanoTime()). A table the {@link ChangeProbe} woke at that moment must read past the change the probe saw;
     * the horizon other tables left may be older than that change (it is only fenced again when some table reaches it),
     * and a read up to it would find nothing and put the table back to sleep.
     */
    long newestSince(Connection conn, long localNanos) throws SQLException {
        Object node = nodes.getOrDefault(conn, conn);
        Fence fence = last;
        if (fencedSince(fence, node, localNanos)) {
            return fence.horizon();
        }
        synchronized (this) {
            fence = last; // another connection may have fenced while this one waited
            return fencedSince(fence, node, localNanos) ? fence.horizon() : refresh(conn, node, System.nanoTime()).horizon();
        }
    }

    private boolean fresh(Fence fence, Object node, long wantedNanos, long now) {
        return servesNode(fence, node) && (fence.horizon() >= wantedNanos || now - fence.fencedAtLocal() < freshNanos);
    }

    private static boolean fencedSince(Fence fence, Object node, long localNanos) {
        return servesNode(fence, node) && fence.fencedAtLocal() - localNanos >= 0;
    }

    private static boolean servesNode(Fence fence, Object node) {
        return fence != null && fence.node().equals(node);
    }

    private Fence refresh(Connection conn, Object node, long now) throws SQLException {
        if (!stateReady) {
            state.create(conn);
            stateReady = true;
        }
        Set<String> captures = Set.copyOf(tables.stream().filter(t -> t.readsEachHorizon(now)).map(Logged::captureKey).toList());
        long serverNow = state.fence(conn, task, lagNanos, captures);
        long horizon = serverNow - lagNanos;
        // The fencing connection's next statement: once it has run, its CN has applied the fence (see the class).
        catalog.readIdentities(conn, horizon);
        if (!captures.isEmpty()) {
            synchronized (logLock) { // before any lane can read at this horizon (it is not handed out yet)
                logged.put(horizon, captures);
            }
        }
        last = new Fence(horizon, serverNow, now, node);
        return last;
    }

    /**
     * Whether a fence logged {@code ts} as a horizon for {@code capture}: then a window ending there needs no save of
     * its own, and {@code delivered} runs (the table notes the log row it now needs) before any clean-up can delete it.
     */
    boolean logged(String capture, long ts, Runnable delivered) {
        synchronized (logLock) {
            Set<String> captures = logged.get(ts);
            if (captures == null || !captures.contains(capture)) {
                return false;
            }
            delivered.run();
            return true;
        }
    }

    /**
     * Every {@link #LOG_PRUNE_NANOS}: deletes the task's log rows before the oldest one a table of the task needs, and
     * never those of the fences {@link #logged} still answers for: a window may be being read up to one of them (a
     * diff takes a while, and other connections fence meanwhile). The bound is taken under {@link #logLock}; the delete
     * runs after it, holding no lock: {@link #logged} can only answer yes later for a horizon at or after the oldest
     * it held then (newer fences have later horizons), so no row it may vouch for is below the bound.
     */
    void pruneLogIfDue(Connection conn) throws SQLException {
        Fence fence = last;
        long before;
        synchronized (logLock) {
            long now = System.nanoTime();
            if (fence == null || now - prunedAt < LOG_PRUNE_NANOS) {
                return;
            }
            prunedAt = now;
            before = logged.isEmpty() ? fence.horizon() : Math.min(fence.horizon(), logged.keySet().iterator().next());
            for (Logged table : tables) {
                before = Math.min(before, table.loggedEndsNeededAfter());
            }
        }
        state.forgetLoggedEndsBefore(conn, task, before);
    }

    /** The server's time now, as of the last fence plus the time elapsed here since (fences first if none yet). */
    long serverNow(Connection conn) throws SQLException {
        Fence fence = fence(conn, 0);
        return fence.serverNow() + (System.nanoTime() - fence.fencedAtLocal());
    }

    /** A connection was replaced (its CN may have restarted): no one reads at the old horizon, nor with its catalog. */
    synchronized void reset() {
        last = null;
        stateReady = false;
        catalog.reset();
    }
}
