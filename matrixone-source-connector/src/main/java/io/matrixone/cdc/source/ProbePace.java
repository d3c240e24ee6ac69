package io.matrixone.cdc.source;

import java.util.concurrent.TimeUnit;

/**
 * How long the {@link ChangeProbe} waits between probes, and how many it runs side by side: the connector's budget
 * ({@code idle.probes.per.second}) one at a time, except for one round of the task's quiet tables at {@link
 * #BURST_FACTOR} times that pace, {@link #BURST_CONNECTIONS} at a time, after a probe found a table changed. Tables
 * wake up together more often than alone (a batch job, a feature that writes several tables, a migration): at 50
 * probes a second, 190 quiet tables took the probe ~4 s to go round, so the last of ten tables that started
 * changing at once waited up to 4 s for its first read (bench-tables: the busy tables' p99 in their first 10 s
 * 3.7-4.0 s, against the built-in CDC's 0.4 s). A quiet source never finds anything, so this costs nothing there; a
 * burst starts at most every {@link #BURST_COOLDOWN_NANOS}, so tables that keep waking up cost at most one round at
 * the faster pace per that time (190 probes of ~2 ms of the source's CPU each: under 40 ms a second).
 */
final class ProbePace {

    static final int BURST_FACTOR = 4;
    /**
     * How many probes of a faster round run side by side, each on a connection of its own: one connection's probes
     * answer too slowly for that pace on a loaded source (24-69 ms each while ten tables woke up: 83 probes a second).
     */
    static final int BURST_CONNECTIONS = 3;
    static final long BURST_COOLDOWN_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final long pauseNanos;
    private final int roundProbes;
    private int burstProbesLeft;
    private boolean burstStarted;
    private long burstStartedAt;

    /** {@code roundProbes}: the probes of one round (the task's tables the probe looks at). */
    ProbePace(double probesPerSecond, int roundProbes) {
        this.pauseNanos = (long) (TimeUnit.SECONDS.toNanos(1) / probesPerSecond);
        this.roundProbes = roundProbes;
    }

    /** A probe found a table changed (or refused: dropped, altered): starts a faster round unless one started lately. */
    void found(long nowNanos) {
        if (burstProbesLeft == 0 && (!burstStarted || nowNanos - burstStartedAt >= BURST_COOLDOWN_NANOS)) {
            burstProbesLeft = roundProbes;
            burstStarted = true;
            burstStartedAt = nowNanos;
        }
    }

    /** How many probes to run side by side now: {@link #BURST_CONNECTIONS} in a faster round, else one. */
    int sideBySide() {
        return burstProbesLeft > 0 ? BURST_CONNECTIONS : 1;
    }

    /** The time from one probe's start to the next one's (the pauses of probes run side by side add up). */
    long nextPauseNanos() {
        if (burstProbesLeft > 0) {
            burstProbesLeft--;
            return pauseNanos / BURST_FACTOR;
        }
        return pauseNanos;
    }
}
