package io.matrixone.cdc.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class IdentifiersTest {

    @Test
    void quotesWithBackticksAndDoublesEmbeddedOnes() {
        assertThat(Identifiers.quote("order")).isEqualTo("`order`");
        assertThat(Identifiers.quote("we`ird name")).isEqualTo("`we``ird name`");
        assertThat(Identifiers.quote("db", "表")).isEqualTo("`db`.`表`");
        assertThat(new TableId("Db", "T").quoted()).isEqualTo("`db`.`t`");
    }

    @Test
    void escapesLiterals() {
        assertThat(Identifiers.literal("it's a \\ path")).isEqualTo("'it''s a \\\\ path'");
    }

    @Test
    void retriesConflictsAndLostConnectionsOnly() {
        assertThat(MatrixOneErrors.isRetriable(new SQLException("w-w conflict", "HY000", 20619))).isTrue();
        assertThat(MatrixOneErrors.isRetriable(new SQLException("need retry", "HY000", 20628))).isTrue();
        assertThat(MatrixOneErrors.isRetriable(new SQLException("link failure", "08S01", 0))).isTrue();
        assertThat(MatrixOneErrors.isRetriable(new RuntimeException(new SQLTransientConnectionException("x")))).isTrue();
        assertThat(MatrixOneErrors.isRetriable(new SQLException("duplicate", "23000", 1062))).isFalse();
        assertThat(MatrixOneErrors.isRetriable(new SQLException("syntax", "42000", 1064))).isFalse();
    }
}
