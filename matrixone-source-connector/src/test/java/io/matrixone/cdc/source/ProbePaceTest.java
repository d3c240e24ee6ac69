package io.matrixone.cdc.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProbePaceTest {

    private static final long PAUSE = 20_000_000; // 50 probes per second
    private static final long FAST = PAUSE / ProbePace.BURST_FACTOR;

    private static List<Long> pauses(ProbePace pace, int probes) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < probes; i++) {
            out.add(pace.nextPauseNanos());
        }
        return out;
    }

    @Test
    void withoutAFindTheProbeKeepsToItsBudget() {
        ProbePace pace = new ProbePace(50, 3);
        assertThat(pauses(pace, 10)).containsOnly(PAUSE);
        assertThat(pace.sideBySide()).isEqualTo(1);
    }

    @Test
    void aFindStartsOneRoundAtTheFasterPace() {
        ProbePace pace = new ProbePace(50, 3);
        pace.nextPauseNanos();
        pace.found(1_000);
        assertThat(pace.sideBySide()).as("a faster round probes side by side").isEqualTo(ProbePace.BURST_CONNECTIONS);
        assertThat(pauses(pace, 5)).containsExactly(FAST, FAST, FAST, PAUSE, PAUSE);
        assertThat(pace.sideBySide()).as("then one at a time again").isEqualTo(1);
    }

    @Test
    void findsDuringABurstOrSoonAfterItStartNoOther() {
        ProbePace pace = new ProbePace(50, 3);
        pace.found(0);
        pace.nextPauseNanos();
        pace.found(1_000); // during the burst: it does not grow
        assertThat(pauses(pace, 3)).containsExactly(FAST, FAST, PAUSE);
        pace.found(ProbePace.BURST_COOLDOWN_NANOS - 1); // the round is over, but it started less than the cooldown ago
        assertThat(pauses(pace, 2)).containsOnly(PAUSE);
        pace.found(ProbePace.BURST_COOLDOWN_NANOS);
        assertThat(pauses(pace, 4)).containsExactly(FAST, FAST, FAST, PAUSE);
    }
}
