package io.matrixone.cdc.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class WindowPlanTest {

    @Test
    void aWindowReachesTheHorizonUpToItsLongestLength() {
        WindowPlan plan = new WindowPlan(1_000, new TreeSet<>());
        assertThat(plan.end(100, 350, null)).isEqualTo(350);
        assertThat(plan.end(100, 5_000, null)).isEqualTo(1_100);
        assertThat(plan.replaying()).isFalse();
    }

    @Test
    void aWindowEndsOneNanosecondBeforeATableChange() {
        WindowPlan plan = new WindowPlan(1_000, new TreeSet<>());
        assertThat(plan.end(100, 900, 500L)).isEqualTo(499);
    }

    @Test
    void aReplayNeverReadsAcrossAPointAnEarlierRunDelivered() {
        // The first run delivered windows ending at 230 and 610; the replay starts at the checkpoint 100.
        WindowPlan plan = new WindowPlan(10_000, new TreeSet<>(List.of(230L, 610L)));
        List<Long> ends = new ArrayList<>();
        long from = 100;
        while (from < 2_000) {
            long to = plan.end(from, 2_000, null);
            ends.add(to);
            plan.read(to);
            from = to;
        }
        assertThat(ends).containsExactly(230L, 610L, 2_000L);
        assertThat(plan.replaying()).isFalse();
    }

    @Test
    void anIdleSpanReachesTheHorizonWhateverItsLengthButStopsAtTheSameCuts() {
        WindowPlan plan = new WindowPlan(1_000, new TreeSet<>(List.of(7_000L)));
        assertThat(plan.furthest(100, 5_000, null)).isEqualTo(5_000);
        assertThat(plan.furthest(100, 5_000, 3_000L)).isEqualTo(2_999);
        assertThat(plan.furthest(100, 9_000, null)).isEqualTo(7_000);
        assertThat(plan.end(100, 9_000, null)).isEqualTo(1_100);
    }

    @Test
    void savedSaysWhetherTheEndWasAlreadySaved() {
        WindowPlan plan = new WindowPlan(10_000, new TreeSet<>(List.of(230L, 610L)));
        // A table change cut the replay short of 230: that end is still ahead.
        assertThat(plan.saved(200)).isFalse();
        plan.read(200);
        assertThat(plan.replaying()).isTrue();
        assertThat(plan.saved(230)).isTrue();
        plan.read(230);
        assertThat(plan.saved(230)).isFalse();
        // Ends passed over (a window cut elsewhere, then beyond them) are dropped.
        assertThat(plan.saved(700)).isFalse();
        plan.read(700);
        assertThat(plan.replaying()).isFalse();
    }
}
