package io.matrixone.cdc.source;

import java.util.concurrent.TimeUnit;

/**
 * When one streaming table is read next, from when it last had changes: a table with recent changes every busy
 * interval, a quiet one less often the longer it has been quiet, a table the {@link ChangeProbe} woke at once. Times
 * are {@code System.nanoTime()}. The probe's thread wakes the table and asks how recently it changed while a lane reads
 * it, hence the volatile fields.
 */
final class ReadCadence {

    /**
     * A quiet table is read again after this fraction of the time since its last change (between the busy and the idle
     * interval): quiet for 5 s, it is read every ~300 ms, and only after 16 s of quiet every poll.interval.ms. With a
     * quarter, a table quiet for 4 s was read once a second, so the first changes of a burst after a short pause
     * (a writer's next batch) waited up to a second: most of a 30-s streaming run's p99 against the built-in CDC's
     * (1.1 s in the first 10 s, 0.3 s after). A table long idle is read as rarely as before; one that pauses costs
     * about 15 more diffs per pause.
     */
    static final int QUIET_READ_DIVISOR = 16;
    /** A table with changes this recently is active: its task serves it before the quiet ones. */
    static final long ACTIVE_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** A quiet table with changes this recently is probed more often (see {@link ProbeOrder}). */
    static final long RECENT_NANOS = TimeUnit.MINUTES.toNanos(10);

    /** When the table may next be read. */
    private volatile long nextReadAt;
    /** When a read of the table last found changes; long ago at first (neither active nor recent). */
    private volatile long lastChangeAt;
    /** Set by the probe when this quiet table changed: read it at the next poll. */
    private volatile boolean woken;
    /** When the probe last woke the table: its read needs a horizon fenced after that. */
    private volatile long wokenAt;

    ReadCadence(long nowLocal) {
        this.lastChangeAt = nowLocal - 2 * RECENT_NANOS;
    }

    /** Changes in the last {@link #ACTIVE_NANOS}, or woken: the task reads the table before the quiet ones. */
    boolean active(long nowLocal) {
        return woken || !idle(nowLocal);
    }

    /** Changes in the last {@link #RECENT_NANOS}: the probe looks at the table more often than at the others. */
    boolean changedRecently(long nowLocal) {
        return nowLocal - lastChangeAt < RECENT_NANOS;
    }

    /** How long until the table's next read: 0 when due now (or woken). */
    long nextReadIn(long nowLocal) {
        return woken ? 0 : Math.max(0, nextReadAt - nowLocal);
    }

    /** The probe saw a change: read the table at the next poll, up to a horizon fenced after now. */
    void wake(long nowLocal) {
        wokenAt = nowLocal;
        woken = true; // after wokenAt: whoever sees woken sees that time too
    }

    /**
     * Starts a read: the time the probe woke the table, which the read's horizon must be fenced after, or null when it
     * was not woken. The wake-up is used up either way.
     */
    Long takeWake() {
        if (!woken) {
            return null;
        }
        long at = wokenAt;
        woken = false;
        return at;
    }

    /**
     * A read that finds no changes: the next one after a sixteenth of the table's quiet time, between the busy and the
     * idle interval. A read that finds changes then calls {@link #changed}.
     */
    void readQuietly(long nowLocal, long busyIntervalNanos, long idleIntervalNanos) {
        nextReadAt = nowLocal + Math.max(busyIntervalNanos, Math.min(idleIntervalNanos, (nowLocal - lastChangeAt) / QUIET_READ_DIVISOR));
    }

    /** The read found changes: the table is read again after the busy interval. */
    void changed(long nowLocal, long busyIntervalNanos) {
        lastChangeAt = nowLocal;
        nextReadAt = nowLocal + busyIntervalNanos;
    }

    /** No change for {@link #ACTIVE_NANOS}: a read first checks the table's whole span for one (WindowPlan.furthest). */
    boolean idle(long nowLocal) {
        return nowLocal - lastChangeAt >= ACTIVE_NANOS;
    }

    /** The next read after {@code nanos}, whatever the table's changes (a snapshot's end, a dropped table's checks). */
    void readAgainIn(long nowLocal, long nanos) {
        nextReadAt = nowLocal + nanos;
    }
}
