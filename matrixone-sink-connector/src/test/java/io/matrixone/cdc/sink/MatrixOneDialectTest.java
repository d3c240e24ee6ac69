package io.matrixone.cdc.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.common.ChangeEvent;
import io.matrixone.cdc.common.TableId;
import java.sql.SQLException;
import java.util.List;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.junit.jupiter.api.Test;

/** The MatrixOne dialect is the sink as it was before dialects: the same DDL, types, SQL and error handling. */
class MatrixOneDialectTest {

    private final MatrixOneDialect dialect = new MatrixOneDialect();

    @Test
    void createTableIsThePlainStatement() {
        assertThat(dialect.createTable(new TableId("db", "t"), List.of("`id` INT NOT NULL", "PRIMARY KEY (`id`)")))
                .isEqualTo("CREATE TABLE IF NOT EXISTS `db`.`t` (`id` INT NOT NULL, PRIMARY KEY (`id`))");
    }

    @Test
    void typesAreTheSourcesVerbatim() {
        Schema declared = SchemaBuilder.string().parameter(ChangeEvent.COLUMN_TYPE_PARAM, "TIMESTAMP(6)").build();
        assertThat(dialect.columnType(declared, false)).isEqualTo("TIMESTAMP(6)");
        assertThat(dialect.columnType(Schema.STRING_SCHEMA, false)).isEqualTo("TEXT");
    }

    @Test
    void matrixOnesRetriableErrorsAndMessages() {
        assertThat(dialect.isRetriable(new SQLException("w-w conflict", "HY000", 20619))).isTrue();
        assertThat(dialect.isRetriable(new SQLException("Deadlock found", "HY000", 1213))).isFalse();
        assertThat(dialect.describe(new SQLException("x", "HY000", 20619))).startsWith("MatrixOne error 20619");
        assertThat(dialect.serverName()).isEqualTo("MatrixOne");
        assertThat(dialect.quote(new TableId("my db", "se`lect"))).isEqualTo("`my db`.`se``lect`");
    }
}
