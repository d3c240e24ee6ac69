package io.matrixone.cdc.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.common.SourceOffsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * How long a table needs the task's window-log rows for a replay (their clean-up waits for the least of its tables'
 * needs). The saved snapshot time and window ends are deleted on the source, which TableStreamReplayIT covers.
 */
class ReplayMarksTest {

    private static final long TEN_SECONDS = TimeUnit.SECONDS.toNanos(10);

    private static Map<String, Object> checkpoint(String phase, long ts) {
        return Map.of(SourceOffsets.PHASE, phase, SourceOffsets.TS, ts);
    }

    @Test
    void aTableNeedsTheLogRowsAfterItsCheckpointUntilACheckpointPassesItsLastLoggedEnd() throws Exception {
        ReplayMarks marks = new ReplayMarks(new SourceState("mo_cdc_state"), "c/db.t");
        assertThat(marks.loggedEndsNeededAfter()).isEqualTo(Long.MAX_VALUE); // nothing delivered at a logged end yet
        marks.loggedEndDelivered(500);
        assertThat(marks.loggedEndsNeededAfter()).isZero(); // no checkpoint seen: every row
        long now = 2 * TEN_SECONDS;
        marks.forgetOnceCheckpointed(null, now, 500, () -> checkpoint(SourceOffsets.PHASE_STREAM, 300));
        assertThat(marks.loggedEndsNeededAfter()).isEqualTo(300); // the rows after the checkpoint, 500 among them
        marks.forgetOnceCheckpointed(null, now + TEN_SECONDS, 500, () -> checkpoint(SourceOffsets.PHASE_STREAM, 500));
        assertThat(marks.loggedEndsNeededAfter()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void theCommittedCheckpointIsLookedAtOnlyWhileSomethingIsKeptAndAtMostEveryTenSeconds() throws Exception {
        ReplayMarks marks = new ReplayMarks(new SourceState("mo_cdc_state"), "c/db.t");
        AtomicInteger looks = new AtomicInteger();
        marks.forgetOnceCheckpointed(null, TEN_SECONDS, 500, () -> {
            looks.incrementAndGet();
            return checkpoint(SourceOffsets.PHASE_STREAM, 100);
        });
        assertThat(looks).hasValue(0); // nothing kept
        marks.loggedEndDelivered(500);
        for (long now = 2 * TEN_SECONDS; now < 3 * TEN_SECONDS; now += TimeUnit.SECONDS.toNanos(1)) {
            marks.forgetOnceCheckpointed(null, now, 500, () -> {
                looks.incrementAndGet();
                return checkpoint(SourceOffsets.PHASE_STREAM, 100);
            });
        }
        assertThat(looks).hasValue(1);
    }

    @Test
    void aSnapshotCheckpointForgetsNothing() throws Exception {
        ReplayMarks marks = new ReplayMarks(new SourceState("mo_cdc_state"), "c/db.t");
        marks.loggedEndDelivered(500);
        marks.forgetOnceCheckpointed(null, 2 * TEN_SECONDS, 500, () -> checkpoint(SourceOffsets.PHASE_SNAPSHOT, 900));
        assertThat(marks.loggedEndsNeededAfter()).isZero();
    }
}
