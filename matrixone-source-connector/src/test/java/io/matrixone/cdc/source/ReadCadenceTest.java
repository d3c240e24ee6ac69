package io.matrixone.cdc.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** When a streaming table is read next: busy, quiet for a while, long idle, woken by the probe. */
class ReadCadenceTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long BUSY = 100 * MS;
    private static final long IDLE = 20_000 * MS;

    @Test
    void aNewTableIsNeitherActiveNorRecentAndIsDueAtOnce() {
        ReadCadence cadence = new ReadCadence(0);
        assertThat(cadence.active(0)).isFalse();
        assertThat(cadence.changedRecently(0)).isFalse();
        assertThat(cadence.idle(0)).isTrue();
        assertThat(cadence.nextReadIn(0)).isZero();
    }

    @Test
    void aTableWithChangesIsReadAgainAfterTheBusyIntervalAndStaysActiveForThirtySeconds() {
        ReadCadence cadence = new ReadCadence(0);
        long now = 1_000 * MS;
        cadence.changed(now, BUSY);
        assertThat(cadence.nextReadIn(now)).isEqualTo(BUSY);
        assertThat(cadence.nextReadIn(now + BUSY)).isZero();
        assertThat(cadence.active(now + ReadCadence.ACTIVE_NANOS - 1)).isTrue();
        assertThat(cadence.active(now + ReadCadence.ACTIVE_NANOS)).isFalse();
        assertThat(cadence.idle(now + ReadCadence.ACTIVE_NANOS)).isTrue();
        assertThat(cadence.changedRecently(now + ReadCadence.RECENT_NANOS - 1)).isTrue();
    }

    @Test
    void aQuietTableIsReadLessOftenTheLongerItIsQuietBetweenTheBusyAndTheIdleInterval() {
        ReadCadence cadence = new ReadCadence(0);
        long changedAt = 1_000 * MS;
        cadence.changed(changedAt, BUSY);
        cadence.readQuietly(changedAt + 500 * MS, BUSY, IDLE); // quiet for 0.5 s: 31 ms, but never under the busy interval
        assertThat(cadence.nextReadIn(changedAt + 500 * MS)).isEqualTo(BUSY);
        cadence.readQuietly(changedAt + 5_000 * MS, BUSY, IDLE); // quiet for 5 s: a sixteenth, 312.5 ms
        assertThat(cadence.nextReadIn(changedAt + 5_000 * MS)).isEqualTo(5_000 * MS / ReadCadence.QUIET_READ_DIVISOR);
        cadence.readQuietly(changedAt + 600_000 * MS, BUSY, IDLE); // quiet for 10 min: the idle interval
        assertThat(cadence.nextReadIn(changedAt + 600_000 * MS)).isEqualTo(IDLE);
    }

    @Test
    void aWokenTableIsDueAndActiveAtOnceAndItsWakeUpIsUsedOnce() {
        ReadCadence cadence = new ReadCadence(0);
        cadence.readAgainIn(0, IDLE);
        assertThat(cadence.nextReadIn(1_000 * MS)).isPositive();
        assertThat(cadence.takeWake()).isNull();
        cadence.wake(1_000 * MS);
        assertThat(cadence.nextReadIn(1_000 * MS)).isZero();
        assertThat(cadence.active(1_000 * MS)).isTrue();
        assertThat(cadence.takeWake()).isEqualTo(1_000 * MS); // the read's horizon must be fenced after this
        assertThat(cadence.takeWake()).isNull();
        assertThat(cadence.nextReadIn(1_000 * MS)).isPositive();
        assertThat(cadence.active(1_000 * MS)).isFalse();
    }
}
