package io.matrixone.cdc.source;

import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * Where a table's next change window ends. A window reaches as far as the table may be read (the fenced horizon,
 * end.ts), at most window.max.ms (its changes are held in memory together), so a table caught up reads little and
 * often and a table behind reads in few diffs; an empty span of an idle table is passed in one step however long.
 *
 * <p>A replay after a crash must never read one net diff across a point where the first run delivered changes: the
 * sink may hold the rows as they were at that point, and one diff across it would fold a change made and undone
 * around it (an update reverted, an insert then deleted) into nothing, leaving the sink wrong. Cutting a replay at
 * more points than the first run did is harmless (each window still brings the rows to their state at its end). So:
 * <ul>
 *   <li>windows end on a grid of {@value #GRID_NANOS} ns of server time (the horizon rounded down), one nanosecond
 *   before a table change, or at end.ts: points a replay can find again without being told; a window that ends
 *   elsewhere (a woken table reads up to the horizon itself) saves its end;</li>
 *   <li>before a window with changes is delivered beyond the furthest point saved for the table (see
 *   {@link SourceState}), the table saves a point {@value #LEASE_NANOS} ns further: the first run delivered nothing
 *   beyond its last saved point;</li>
 *   <li>a replay cuts at every grid point and every saved point from its checkpoint up to the last saved point (one
 *   diff per grid step, even where nothing changed: see {@link #furthest}), then reads as usual.</li>
 * </ul>
 * One save per table per {@value #LEASE_NANOS} ns of changes instead of one per window: a third of a busy read's time
 * on a loaded source was that save. Rounding the horizon down costs a change committed in the last grid step before
 * it one more read (on average half a grid step of lag); a replay reads one diff per grid step it must cut.
 */
final class WindowPlan {

    /** Window ends lie on multiples of this (server time, ns), unless cut by a table change or end.ts. */
    static final long GRID_NANOS = 10_000_000L;
    /** How far past a delivered window's end the saved point reaches: one save covers this much of a busy table. */
    static final long LEASE_NANOS = 2_000_000_000L;

    private final long maxNanos;
    /** Saved points not yet read past: a replay cuts at them and at every grid point up to the last of them. */
    private final NavigableSet<Long> saved;
    /** The furthest point saved for the table (0: none): windows with changes may be delivered up to it. */
    private long lease;

    /** @param saved points saved after the checkpoint (an earlier run delivered nothing beyond the last) */
    WindowPlan(long maxNanos, NavigableSet<Long> saved) {
        this.maxNanos = maxNanos;
        this.saved = new TreeSet<>(saved);
        this.lease = saved.isEmpty() ? 0 : saved.last();
    }

    /** The last grid point at or before {@code horizon}: the furthest a window may end when the horizon limits it. */
    static long onGrid(long horizon) {
        return Math.floorDiv(horizon, GRID_NANOS) * GRID_NANOS;
    }

    /**
     * The end of the window that starts at {@code from}; {@code readable} is a grid point or end.ts, {@code changeAt}
     * a table change's time or null.
     */
    long end(long from, long readable, Long changeAt) {
        return Math.min(furthest(from, readable, changeAt), onGrid(from + maxNanos));
    }

    /**
     * The furthest a window starting at {@code from} may reach whatever its length: an idle table passes an empty
     * span this long in one step, once a check ({@link ChangeReader#changedBetween}) found no net change in it. A
     * replay never passes a cut that way: changes made and undone inside a span are no net change, and the first run
     * may have delivered them. So while replaying, a window is one grid step at most.
     */
    long furthest(long from, long readable, Long changeAt) {
        long to = readable;
        if (changeAt != null) {
            to = Math.min(to, changeAt - 1);
        }
        if (replaying()) {
            Long cut = saved.higher(from);
            to = Math.min(to, Math.min(cut == null ? Long.MAX_VALUE : cut, onGrid(from) + GRID_NANOS));
        }
        return to;
    }

    /** Whether delivering a window ending at {@code to} needs a point saved first (see {@link #leased}). */
    boolean needsSave(long to) {
        return to > lease;
    }

    /** The point to save before delivering a window ending at {@code to}. */
    static long leaseFor(long to) {
        return to + LEASE_NANOS;
    }

    /** {@code point} is saved: windows ending up to it may be delivered. */
    void leased(long point) {
        lease = Math.max(lease, point);
    }

    /** Marks the window ending at {@code to} as read. */
    void read(long to) {
        saved.headSet(to, true).clear();
    }

    /** Whether windows are still cut at every grid point, up to the last point an earlier run saved. */
    boolean replaying() {
        return !saved.isEmpty();
    }
}
