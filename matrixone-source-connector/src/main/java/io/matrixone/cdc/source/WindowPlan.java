package io.matrixone.cdc.source;

import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * Where a table's next change window ends. A window reaches as far as the table may be read (the fenced horizon,
 * end.ts), at most window.max.ms (its changes are held in memory together), so a table caught up reads little and
 * often and a table behind reads in few diffs; an empty span of an idle table is passed in one step however long.
 * Two cuts keep every window exact:
 * <ul>
 *   <li>one nanosecond before a table change (a diff across a DDL is wrong or refused);</li>
 *   <li>at each point where an earlier run of this capture delivered changes after the checkpoint (the saved
 *   window ends, see {@link SourceState}): the sink may hold the rows as they were at that point, and one net diff
 *   across it would fold a change made and undone around it (an update reverted, an insert then deleted) into
 *   nothing, leaving the sink wrong. Cut there, a replay delivers the same states in the same order.</li>
 * </ul>
 */
final class WindowPlan {

    private final long maxNanos;
    private final NavigableSet<Long> delivered;

    /** @param delivered window ends after the checkpoint whose changes an earlier run delivered */
    WindowPlan(long maxNanos, NavigableSet<Long> delivered) {
        this.maxNanos = maxNanos;
        this.delivered = new TreeSet<>(delivered);
    }

    /** The end of the window that starts at {@code from}; {@code changeAt} is a table change's time or null. */
    long end(long from, long readable, Long changeAt) {
        return Math.min(furthest(from, readable, changeAt), from + maxNanos);
    }

    /**
     * The furthest a window starting at {@code from} may reach whatever its length: an idle table passes an empty
     * span this long in one step, once a check ({@link ChangeReader#changedBetween}) found no change in it.
     */
    long furthest(long from, long readable, Long changeAt) {
        long to = readable;
        if (changeAt != null) {
            to = Math.min(to, changeAt - 1);
        }
        Long next = delivered.higher(from);
        return next == null ? to : Math.min(to, next);
    }

    /**
     * Whether an earlier run already saved the end {@code to} (a window with changes whose end is new must be saved
     * before its records are handed to Connect).
     */
    boolean saved(long to) {
        return delivered.contains(to);
    }

    /** Marks the window ending at {@code to} as read. */
    void read(long to) {
        delivered.headSet(to, true).clear();
    }

    /** Whether windows are still being cut at an earlier run's points. */
    boolean replaying() {
        return !delivered.isEmpty();
    }
}
