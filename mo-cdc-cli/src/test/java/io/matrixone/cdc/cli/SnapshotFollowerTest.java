package io.matrixone.cdc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.common.SnapshotProgress.Entry;
import org.junit.jupiter.api.Test;

class SnapshotFollowerTest {

    @Test
    void linesShowRowsDoneOfTotalPerTable() {
        assertThat(SnapshotFollower.line(new Entry("db.t", 250_000, 1_000_000)))
                .isEqualTo("snapshot db.t: 250,000 / 1,000,000 rows (25%)");
        assertThat(SnapshotFollower.line(new Entry("db.t", 1_000_000, 1_000_000)))
                .isEqualTo("snapshot db.t: 1,000,000 / 1,000,000 rows (100%) done");
        assertThat(SnapshotFollower.line(new Entry("db.empty", 0, 0))).isEqualTo("snapshot db.empty: 0 / 0 rows (100%) done");
    }
}
