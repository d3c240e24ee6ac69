package io.matrixone.cdc.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StagingTablesTest {

    private static final TableId TARGET = TableId.parse("analytics.activities");

    @Test
    void aConnectorsTablesShareItsPrefixAndEachTaskTableAndColumnListHasItsOwn() {
        TableId first = StagingTables.of("mo_cdc", "sync-sink", "0", TARGET, List.of("id", "v"));
        assertThat(first.database()).isEqualTo("mo_cdc");
        assertThat(first.table()).matches("stage_[0-9a-f]{1,8}_[0-9a-f]{1,8}");
        String prefix = first.table().substring(0, first.table().lastIndexOf('_') + 1);
        assertThat(StagingTables.of("mo_cdc", "sync-sink", "1", TARGET, List.of("id", "v")).table())
                .startsWith(prefix).isNotEqualTo(first.table());
        assertThat(StagingTables.of("mo_cdc", "sync-sink", "0", TARGET, List.of("id")).table())
                .startsWith(prefix).isNotEqualTo(first.table());
        assertThat(StagingTables.of("mo_cdc", "sync-sink", "0", TARGET, List.of("id", "v"))).isEqualTo(first);
        assertThat(StagingTables.of("mo_cdc", "sync-sink2", "0", TARGET, List.of("id", "v")).table()).doesNotStartWith(prefix);
    }
}
