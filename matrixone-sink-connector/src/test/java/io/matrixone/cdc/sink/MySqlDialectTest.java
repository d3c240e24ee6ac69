package io.matrixone.cdc.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.matrixone.cdc.common.ChangeEvent;
import io.matrixone.cdc.common.SemanticTypes;
import io.matrixone.cdc.common.TableId;
import io.matrixone.cdc.sink.MatrixOneSinkConfig.InsertMode;
import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.junit.jupiter.api.Test;

/** The MySQL dialect's SQL and type mapping, without a server. */
class MySqlDialectTest {

    private static final MySqlServer MARIADB = MySqlServer.of("10.11.19-MariaDB-0+deb12u1", 256L << 20);
    private static final MySqlServer MYSQL8 = MySqlServer.of("8.0.36", 64L << 20);
    private static final MySqlServer OLD_MARIADB = MySqlServer.of("10.6.4-MariaDB", 16L << 20);

    private static String type(String matrixOneType, MySqlServer server) {
        Schema schema = SchemaBuilder.string().parameter(ChangeEvent.COLUMN_TYPE_PARAM, matrixOneType).build();
        return new MySqlDialect(server).columnType(schema, false);
    }

    @Test
    void typesThatMySqlHasStayAsTheSourceDeclaredThem() {
        for (String same : List.of("INT", "TINYINT UNSIGNED", "SMALLINT UNSIGNED", "INT UNSIGNED", "BIGINT UNSIGNED", "BIGINT",
                "DECIMAL(38,10)", "DECIMAL(38,0)", "FLOAT", "DOUBLE", "BOOL", "DATE", "DATETIME(6)", "DATETIME", "TIME(6)", "TIME",
                "CHAR(5)", "VARCHAR(7)", "BINARY(8)", "VARBINARY(9)", "JSON", "BIT(5)", "ENUM('a','It''s')")) {
            assertThat(type(same, MARIADB)).as(same).isEqualTo(same);
        }
    }

    @Test
    void typesMySqlHoldsLessOfAreWidened() {
        assertThat(type("TEXT", MARIADB)).isEqualTo("LONGTEXT");
        assertThat(type("MEDIUMTEXT", MARIADB)).isEqualTo("LONGTEXT");
        assertThat(type("BLOB", MARIADB)).isEqualTo("LONGBLOB");
        assertThat(type("TIMESTAMP(6)", MARIADB)).isEqualTo("DATETIME(6)");
        assertThat(type("TIMESTAMP", MARIADB)).isEqualTo("DATETIME");
        assertThat(type("VARCHAR(65535)", MARIADB)).isEqualTo("LONGTEXT");
        assertThat(type("VARCHAR(16383)", MARIADB)).isEqualTo("VARCHAR(16383)");
    }

    @Test
    void uuidIsNativeOnMariaDb107AndCanonicalTextElsewhere() {
        assertThat(type("UUID", MARIADB)).isEqualTo("UUID");
        assertThat(type("UUID", OLD_MARIADB)).isEqualTo("CHAR(36)");
        assertThat(type("UUID", MYSQL8)).isEqualTo("CHAR(36)");
    }

    @Test
    void vectorsAreJsonArrayTextInLongtext() {
        assertThat(type("VECF32(3)", MARIADB)).isEqualTo("LONGTEXT");
        assertThat(type("VECF64(128)", MYSQL8)).isEqualTo("LONGTEXT");
        Schema vector = SchemaBuilder.array(Schema.FLOAT32_SCHEMA).name(SemanticTypes.VECF32)
                .parameter(SemanticTypes.VECTOR_DIMENSION_PARAM, "3").build();
        assertThat(new MySqlDialect(MARIADB).toJdbc(vector, List.of(1.5f, -2f, 1.0E-5f))).isEqualTo("[1.5,-2.0,1.0E-5]");
    }

    @Test
    void dateTimesAreBoundAsTextWithTheirMicroseconds() {
        MySqlDialect dialect = new MySqlDialect(MARIADB);
        Schema micros = SchemaBuilder.int64().name(SemanticTypes.MICRO_TIMESTAMP).build();
        assertThat(dialect.toJdbc(micros, 253402300799999999L)).isEqualTo("9999-12-31 23:59:59.999999");
        assertThat(dialect.toJdbc(micros, -62135596800000000L)).isEqualTo("0001-01-01 00:00:00.000000");
        assertThat(dialect.toJdbc(org.apache.kafka.connect.data.Timestamp.SCHEMA, new java.util.Date(-1L)))
                .isEqualTo("1969-12-31 23:59:59.999000");
        assertThat(dialect.toJdbc(SchemaBuilder.int64().name(SemanticTypes.MICRO_TIME).build(), -1L)).isEqualTo("-00:00:00.000001");
        assertThat(dialect.toJdbc(org.apache.kafka.connect.data.Time.SCHEMA, new java.util.Date(45_296_789L))).isEqualTo("12:34:56.789000");
    }

    @Test
    void keyColumnsGetIndexableTypes() {
        MySqlDialect dialect = new MySqlDialect(MARIADB);
        assertThat(dialect.columnType(Schema.STRING_SCHEMA, true)).isEqualTo("VARCHAR(255)");
        assertThat(dialect.columnType(Schema.BYTES_SCHEMA, true)).isEqualTo("VARBINARY(255)");
        assertThat(dialect.columnType(Schema.STRING_SCHEMA, false)).isEqualTo("LONGTEXT");
        assertThat(dialect.columnType(SchemaBuilder.string().parameter(ChangeEvent.COLUMN_TYPE_PARAM, "VARCHAR(64)").build(), true))
                .isEqualTo("VARCHAR(64)");
    }

    @Test
    void connectSchemasWithoutADeclaredTypeMapLikeMatrixOnesThenTranslate() {
        MySqlDialect dialect = new MySqlDialect(MARIADB);
        assertThat(dialect.columnType(SchemaBuilder.string().name("io.debezium.time.ZonedTimestamp").build(), false))
                .isEqualTo("DATETIME(6)");
        assertThat(dialect.columnType(SchemaBuilder.int64().name(SemanticTypes.MICRO_TIME).build(), false)).isEqualTo("TIME(6)");
        assertThat(dialect.columnType(SchemaBuilder.string().name(SemanticTypes.UUID).build(), false)).isEqualTo("UUID");
        assertThatThrownBy(() -> dialect.columnType(SchemaBuilder.struct().build(), false)).hasMessageContaining("STRUCT");
    }

    @Test
    void tablesAreCreatedWithABinaryNoPadCollation() {
        TableId table = new TableId("my db", "se`lect");
        assertThat(new MySqlDialect(MARIADB).createTable(table, List.of("`id` INT NOT NULL", "PRIMARY KEY (`id`)")))
                .isEqualTo("CREATE TABLE IF NOT EXISTS `my db`.`se``lect` (`id` INT NOT NULL, PRIMARY KEY (`id`))"
                        + " DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin");
        assertThat(new MySqlDialect(MYSQL8).createTable(table, List.of("`id` INT")))
                .endsWith("COLLATE=utf8mb4_0900_bin");
    }

    @Test
    void upsertsAndDeletesAreTheMySqlProtocolsOwn() {
        MySqlDialect dialect = new MySqlDialect(MARIADB);
        TableId table = new TableId("db", "t");
        assertThat(dialect.write(InsertMode.UPSERT, table, List.of("id", "näme"), List.of("id"), 2))
                .isEqualTo("INSERT INTO `db`.`t` (`id`, `näme`) VALUES (?,?),(?,?) ON DUPLICATE KEY UPDATE `näme` = VALUES(`näme`)");
        assertThat(dialect.delete(table, List.of("a", "b"), 2)).isEqualTo("DELETE FROM `db`.`t` WHERE (`a`, `b`) IN ((?,?),(?,?))");
    }

    @Test
    void statementsStayUnderTheServersPacketLimit() {
        assertThat(new MySqlDialect(OLD_MARIADB).maxStatementBytes(64 << 20)).isEqualTo((16 << 20) - 1024);
        assertThat(new MySqlDialect(MARIADB).maxStatementBytes(4 << 20)).isEqualTo(4 << 20);
        assertThat(new MatrixOneDialect().maxStatementBytes(4 << 20)).isEqualTo(4 << 20);
    }

    @Test
    void deadlocksLockWaitsAndLostConnectionsAreRetried() {
        MySqlDialect dialect = new MySqlDialect(MARIADB);
        assertThat(dialect.isRetriable(new SQLException("Deadlock found", "40001", 1213))).isTrue();
        assertThat(dialect.isRetriable(new SQLException("Lock wait timeout exceeded", "HY000", 1205))).isTrue();
        assertThat(dialect.isRetriable(new SQLException("Server shutdown in progress", "08S01", 1053))).isTrue();
        assertThat(dialect.isRetriable(new SQLException("Communications link failure", "08S01", 0))).isTrue();
        assertThat(dialect.isRetriable(new SQLTransactionRollbackException("rolled back"))).isTrue();
        assertThat(dialect.isRetriable(new SQLException("Incorrect time value", "22007", 1292))).isFalse();
        assertThat(dialect.isRetriable(new SQLException("Data too long", "22001", 1406))).isFalse();
        assertThat(dialect.describe(new SQLException("Deadlock found", "40001", 1213)))
                .isEqualTo("MySQL error 1213 (SQLSTATE 40001): Deadlock found");
    }

    @Test
    void theDialectIsChosenBySinkDialect() {
        Map<String, String> props = Map.of("connection.uri", "mysql://root:111@127.0.0.1:3307", "sink.dialect", "MySQL");
        assertThat(new MatrixOneSinkConfig(props).dialect()).isInstanceOf(MySqlDialect.class);
        assertThat(new MatrixOneSinkConfig(Map.of("connection.uri", "mysql://root:111@127.0.0.1:6002")).dialect())
                .isInstanceOf(MatrixOneDialect.class);
        assertThatThrownBy(() -> new MatrixOneSinkConfig(Map.of("connection.uri", "mysql://root:1@h:1", "sink.dialect", "postgres")))
                .hasMessageContaining("sink.dialect");
    }

    @Test
    void serverVersionsAreRead() {
        assertThat(MARIADB.mariaDb()).isTrue();
        assertThat(MARIADB.major()).isEqualTo(10);
        assertThat(MARIADB.minor()).isEqualTo(11);
        assertThat(MYSQL8.mariaDb()).isFalse();
        assertThat(MySqlServer.of("5.5.5-10.11.6-MariaDB", 1).mariaDb()).isTrue();
    }
}
