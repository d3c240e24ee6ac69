package io.matrixone.cdc.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.common.TableFingerprint.RowHash;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableFingerprintTest {

    private static RowHash row(String id, String hash) {
        return new RowHash(List.of(id), hash);
    }

    @Test
    void namesKeysThatDifferAreMissingOrOnlyOnTheTargetInKeyOrder() {
        List<RowHash> source = List.of(row("1", "a"), row("2", "b"), row("9", "c"), row("10", "d"));
        List<RowHash> target = List.of(row("1", "a"), row("2", "x"), row("5", "e"), row("10", "d"));

        assertThat(TableFingerprint.differingKeys(source, target, List.of("id"), 10))
                .containsExactly("(id=2) differs", "(id=5) only on the target", "(id=9) missing on the target");
    }

    @Test
    void stopsAtTheBound() {
        List<RowHash> source = List.of(row("1", "a"), row("2", "b"), row("3", "c"));
        assertThat(TableFingerprint.differingKeys(source, List.of(), List.of("id"), 2))
                .containsExactly("(id=1) missing on the target", "(id=2) missing on the target");
        assertThat(TableFingerprint.differingKeys(source, source, List.of("id"), 2)).isEmpty();
    }
}
