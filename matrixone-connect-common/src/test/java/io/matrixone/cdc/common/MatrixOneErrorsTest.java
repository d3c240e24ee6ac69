package io.matrixone.cdc.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class MatrixOneErrorsTest {

    @Test
    void aStatementCutShortByAServerShutdownIsRetriable() {
        // What MatrixOne answers to a COMMIT in flight when it is stopped (seen by TargetOutageIT).
        assertThat(MatrixOneErrors.isRetriable(new SQLException("context canceled", "HY000", 1105))).isTrue();
        assertThat(MatrixOneErrors.isRetriable(new RuntimeException(new SQLException("context canceled", "HY000", 1105)))).isTrue();
    }

    @Test
    void otherErrorsKeepTheirClass() {
        assertThat(MatrixOneErrors.isRetriable(new SQLException("invalid input: bad value", "HY000", 1105))).isFalse();
        assertThat(MatrixOneErrors.isRetriable(new SQLException("Duplicate entry", "23000", 1062))).isFalse();
        assertThat(MatrixOneErrors.isRetriable(new SQLException("w-w conflict", "HY000", MatrixOneErrors.WRITE_WRITE_CONFLICT))).isTrue();
        assertThat(MatrixOneErrors.isRetriable(new SQLException("Communications link failure", "08S01", 0))).isTrue();
    }
}
