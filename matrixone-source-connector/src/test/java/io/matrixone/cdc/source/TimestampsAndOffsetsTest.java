package io.matrixone.cdc.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.matrixone.cdc.common.SourceOffsets;
import io.matrixone.cdc.common.TableId;
import java.util.List;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class TimestampsAndOffsetsTest {

    @Test
    void parsesUtcTextAndEpochNanos() {
        long nanos = Timestamps.parse("2026-11-25 06:00:00.123456", "start.ts");
        java.time.Instant expected = java.time.Instant.parse("2026-11-25T06:00:00.123456Z");
        assertThat(nanos).isEqualTo(expected.getEpochSecond() * 1_000_000_000L + expected.getNano());
        assertThat(Timestamps.parse(String.valueOf(nanos), "start.ts")).isEqualTo(nanos);
        assertThat(Timestamps.toText(nanos)).isEqualTo("2026-11-25 06:00:00.123456 UTC");
    }

    @Test
    void badStartTsNamesTheField() {
        assertThatThrownBy(() -> Timestamps.parse("yesterday", "start.ts")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("start.ts");
    }

    @Test
    void offsetsUseTheSharedNames() {
        assertThat(Offsets.partition("p", TableId.parse("db.t"))).containsEntry(SourceOffsets.PARTITION_SERVER, "p")
                .containsEntry(SourceOffsets.PARTITION_DB, "db").containsEntry(SourceOffsets.PARTITION_TABLE, "t");
        assertThat(Offsets.stream(42)).containsEntry(SourceOffsets.TS, 42L).containsEntry(SourceOffsets.PHASE, SourceOffsets.PHASE_STREAM);
        assertThat(Offsets.snapshot(42, "[\"1\"]")).containsEntry(SourceOffsets.PHASE, SourceOffsets.PHASE_SNAPSHOT)
                .containsEntry(SourceOffsets.LAST_PK, "[\"1\"]");
    }

    @Test
    void lastKeyRoundTripsThroughJsonWithAwkwardCharacters() {
        String json = Offsets.keyJson(List.of(7, "a\"b\\c", "x,y"));
        assertThat(Offsets.parseKeyJson(json)).containsExactly("7", "a\"b\\c", "x,y");
    }

    @Test
    void pitrRangesInNanoseconds() {
        assertThat(PitrWindow.rangeNanos(2, "h")).isEqualTo(2 * 3_600_000_000_000L);
        assertThat(PitrWindow.rangeNanos(1, "d")).isEqualTo(24 * 3_600_000_000_000L);
        assertThat(PitrWindow.howToCreate(TableId.parse("db.t"))).contains("create pitr pitr_cdc for account range 2 'h'");
    }
}
