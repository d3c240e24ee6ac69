package io.matrixone.cdc.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.common.TableId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProbeOrderTest {

    @Test
    void tablesThatChangedRecentlyGetEveryOtherProbeAndTheRestAreStillAllProbedInTurn() {
        List<Stub> streams = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            streams.add(new Stub(TableId.parse("db.t" + i), 1_000, i == 10 || i == 70));
        }
        ProbeOrder order = new ProbeOrder(streams);
        Map<String, Integer> picks = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            ProbeOrder.Pick pick = order.next(0);
            assertThat(pick.from()).isEqualTo(1_000);
            picks.merge(pick.stream().table().table(), 1, Integer::sum);
        }
        // 100 probes for the two recent tables, 100 in turn over all: each table at least once.
        assertThat(picks.get("t10") + picks.get("t70")).isEqualTo(102);
        assertThat(picks.get("t10")).isEqualTo(51);
        assertThat(picks).hasSize(100);
        assertThat(picks.get("t11")).isEqualTo(1);
    }

    @Test
    void withoutRecentTablesEveryProbeGoesInTurnAndTablesNotQuietAreSkipped() {
        List<Stub> streams = List.of(new Stub(TableId.parse("db.a"), 5, false), new Stub(TableId.parse("db.busy"), -1, true),
                new Stub(TableId.parse("db.c"), 7, false));
        ProbeOrder order = new ProbeOrder(streams);
        List<String> picked = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            picked.add(order.next(0).stream().table().table());
        }
        assertThat(picked).containsExactly("a", "c", "a", "c");
        assertThat(new ProbeOrder(List.of(new Stub(TableId.parse("db.busy"), -1, false))).next(0)).as("nothing quiet").isNull();
    }

    private record Stub(TableId table, long checkpoint, boolean recent) implements ChangeProbe.Probed {
        @Override
        public long probeFrom(long nowNanos) {
            return checkpoint;
        }

        @Override
        public boolean changedRecently(long nowNanos) {
            return recent;
        }

        @Override
        public void wake() {
        }
    }
}
