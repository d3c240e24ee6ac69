package io.matrixone.cdc.source;

import static io.matrixone.cdc.source.WindowPlan.GRID_NANOS;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class WindowPlanTest {

    private static final long G = GRID_NANOS;

    @Test
    void aWindowReachesTheHorizonUpToItsLongestLengthOnTheGrid() {
        WindowPlan plan = new WindowPlan(100 * G, new TreeSet<>());
        assertThat(WindowPlan.onGrid(35 * G + 7)).isEqualTo(35 * G);
        assertThat(plan.end(10 * G + 3, WindowPlan.onGrid(35 * G + 7), null)).isEqualTo(35 * G);
        // Cut by window.max.ms, the end still lies on the grid (from + max rounded down).
        assertThat(plan.end(10 * G + 3, 500 * G, null)).isEqualTo(110 * G);
        assertThat(plan.replaying()).isFalse();
    }

    @Test
    void aWindowEndsOneNanosecondBeforeATableChange() {
        WindowPlan plan = new WindowPlan(100 * G, new TreeSet<>());
        assertThat(plan.end(G, 90 * G, 50 * G + 5)).isEqualTo(50 * G + 4);
    }

    @Test
    void aReplayCutsAtEveryGridPointAndSavedPointUpToTheLastSavedOne() {
        // The first run saved an exact end (a woken read, off the grid) and a point 2 s past a window it delivered;
        // the replay starts at its checkpoint, off the grid (a snapshot's time).
        long exact = 3 * G + 55;
        long lease = 6 * G;
        WindowPlan plan = new WindowPlan(1_000 * G, new TreeSet<>(List.of(exact, lease)));
        List<Long> ends = new ArrayList<>();
        long from = G + 17;
        while (from < 20 * G) {
            long to = plan.end(from, 20 * G, null);
            ends.add(to);
            plan.read(to);
            from = to;
        }
        assertThat(ends).containsExactly(2 * G, 3 * G, exact, 4 * G, 5 * G, 6 * G, 20 * G);
        assertThat(plan.replaying()).isFalse();
    }

    @Test
    void anIdleSpanReachesTheHorizonWhateverItsLengthButNotWhileReplaying() {
        WindowPlan plan = new WindowPlan(100 * G, new TreeSet<>());
        assertThat(plan.furthest(G, 500 * G, null)).isEqualTo(500 * G);
        assertThat(plan.furthest(G, 500 * G, 300 * G)).isEqualTo(300 * G - 1);
        assertThat(plan.end(G, 500 * G, null)).isEqualTo(101 * G);

        // No net change over a span may still hide changes made and undone that the first run delivered.
        WindowPlan replay = new WindowPlan(100 * G, new TreeSet<>(List.of(2 * G + 5, 700 * G)));
        assertThat(replay.furthest(G + 3, 900 * G, null)).isEqualTo(2 * G);
        assertThat(replay.furthest(2 * G, 900 * G, null)).isEqualTo(2 * G + 5);
        assertThat(replay.furthest(2 * G, 900 * G, 2 * G + 3)).isEqualTo(2 * G + 2);
    }

    @Test
    void aSaveIsNeededOnlyPastTheFurthestSavedPoint() {
        WindowPlan fresh = new WindowPlan(100 * G, new TreeSet<>());
        assertThat(fresh.needsSave(5 * G)).isTrue();
        long point = WindowPlan.leaseFor(5 * G);
        assertThat(point).isEqualTo(5 * G + WindowPlan.LEASE_NANOS);
        fresh.leased(point);
        assertThat(fresh.needsSave(point)).isFalse();
        assertThat(fresh.needsSave(point + G)).isTrue();
        assertThat(fresh.replaying()).as("points this run saves are not cuts for this run").isFalse();

        // A restored plan may deliver up to the last point the earlier run saved without saving again.
        WindowPlan restored = new WindowPlan(100 * G, new TreeSet<>(List.of(3 * G, 9 * G)));
        assertThat(restored.needsSave(9 * G)).isFalse();
        assertThat(restored.needsSave(10 * G)).isTrue();
    }
}
