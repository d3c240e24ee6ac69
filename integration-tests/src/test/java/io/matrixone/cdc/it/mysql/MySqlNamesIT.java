package io.matrixone.cdc.it.mysql;

import static io.matrixone.cdc.testing.Sql.exec;
import static io.matrixone.cdc.testing.Sql.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.common.ChangeEvent;
import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneUri;
import io.matrixone.cdc.testing.ConnectClusterHarness;
import io.matrixone.cdc.testing.ConnectJson;
import io.matrixone.cdc.testing.MariaDbTestServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.kafka.test.TestUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hard kinds of names on a MySQL target: a database and a table whose names hold spaces, a backtick and non-ASCII
 * letters, columns named with spaces, backticks, CJK letters and reserved words, written by a {@code sink.dialect=mysql}
 * sink into a real MariaDB through real Kafka + Connect: the table is created, rows inserted, updated and deleted, a
 * new column added, one retyped (MODIFY COLUMN) and one dropped. The records are Debezium envelopes produced to Kafka as the source connector writes them: such a
 * table name cannot travel through the source connector, whose topic is {@code <prefix>.<db>.<table>} and Kafka
 * topic names allow only {@code [a-zA-Z0-9._-]} (hard column names do: MySqlScenarioIT adds one from MatrixOne).
 */
class MySqlNamesIT {

    private static final String DB = "odd db ü " + Long.toString(System.nanoTime(), 36);
    private static final String TABLE = "se`lect t ü 名";
    private static final String TOPIC = "hardnames.records";

    private static MatrixOneUri mariadb;
    private static Connection dst;
    private static ConnectClusterHarness connect;
    private static EmbeddedConnectCluster cluster;

    @BeforeAll
    static void start() throws SQLException {
        mariadb = MariaDbTestServer.target();
        dst = Connections.open(mariadb);
        connect = ConnectClusterHarness.start("mysql-names-it", false);
        cluster = connect.cluster();
    }

    @AfterAll
    static void stop() throws SQLException {
        if (connect != null) {
            connect.close();
        }
        if (dst != null) {
            exec(dst, "drop database if exists `" + DB + "`");
            dst.close();
        }
    }

    @Test
    void hardTableAndColumnNamesAreQuotedEverywhere() throws Exception {
        cluster.kafka().createTopic(TOPIC, 1);
        Map<String, String> sink = new HashMap<>(ConnectJson.CONVERTER_CONFIG);
        sink.put("name", "names-sink");
        sink.put("tasks.max", "1");
        sink.put("connector.class", "io.matrixone.cdc.sink.MatrixOneSinkConnector");
        sink.put("sink.dialect", "mysql");
        sink.put("connection.uri", mariadb.unmasked());
        sink.put("topics", TOPIC);
        sink.put("retry.backoff.ms", "200");
        cluster.configureConnector("names-sink", sink);
        cluster.assertions().assertConnectorAndExactlyNumTasksAreRunning("names-sink", 1, "the sink did not start");

        Schema key = SchemaBuilder.struct().name("k").field("id col", Schema.INT32_SCHEMA).build();
        Schema row = SchemaBuilder.struct().name("row").optional()
                .field("id col", Schema.INT32_SCHEMA)
                .field("va`l ü", SchemaBuilder.string().optional().parameter(ChangeEvent.COLUMN_TYPE_PARAM, "VARCHAR(20)").build())
                .field("名前", SchemaBuilder.string().optional().parameter(ChangeEvent.COLUMN_TYPE_PARAM, "TEXT").build())
                .field("order", SchemaBuilder.int64().optional().parameter(ChangeEvent.COLUMN_TYPE_PARAM, "BIGINT UNSIGNED").build())
                .build();
        produce(key, row, "c", 1, "one", "一", 1L);
        produce(key, row, "c", 2, "two `", "二", 2L);
        produce(key, row, "c", 3, "three", "三", 3L);
        produce(key, row, "u", 2, "TWO ü", "二二", 22L);
        produce(key, row, "d", 3, null, null, null);
        awaitRows("select `id col`, `va``l ü`, `名前`, `order` from " + table() + " order by 1",
                List.of(List.of("1", "one", "一", "1"), List.of("2", "TWO ü", "二二", "22")));
        assertThat(rows(dst, "select column_name, column_type, column_key from information_schema.columns where table_schema = '"
                + DB + "' and table_name = '" + TABLE.replace("'", "''") + "' order by ordinal_position"))
                .containsExactly(List.of("id col", "int(11)", "PRI"), List.of("va`l ü", "varchar(20)", ""),
                        List.of("名前", "longtext", ""), List.of("order", "bigint(20) unsigned", ""));

        // A new column, named like the others: added on MariaDB.
        Schema wider = SchemaBuilder.struct().name("row").optional()
                .field("id col", Schema.INT32_SCHEMA)
                .field("va`l ü", SchemaBuilder.string().optional().parameter(ChangeEvent.COLUMN_TYPE_PARAM, "VARCHAR(20)").build())
                .field("名前", SchemaBuilder.string().optional().parameter(ChangeEvent.COLUMN_TYPE_PARAM, "TEXT").build())
                .field("order", SchemaBuilder.int64().optional().parameter(ChangeEvent.COLUMN_TYPE_PARAM, "BIGINT UNSIGNED").build())
                .field("new `col` ü", SchemaBuilder.string().optional().parameter(ChangeEvent.COLUMN_TYPE_PARAM, "TIMESTAMP(6)").build())
                .build();
        Struct after = new Struct(wider).put("id col", 4).put("va`l ü", "four").put("名前", "四").put("order", 4L)
                .put("new `col` ü", "2024-01-01 00:00:00.000001");
        cluster.kafka().produce(TOPIC, ConnectJson.key(key, new Struct(key).put("id col", 4)), ConnectJson.value(envelope(wider),
                envelope(wider, "c", after)));
        awaitRows("select `id col`, `new ``col`` ü` from " + table() + " order by 1",
                List.of(java.util.Arrays.asList("1", null), java.util.Arrays.asList("2", null), List.of("4", "2024-01-01 00:00:00.000001")));

        // The source retypes a column and drops another: MODIFY COLUMN with the MySQL type, DROP COLUMN.
        Schema retyped = SchemaBuilder.struct().name("row").optional()
                .field("id col", Schema.INT32_SCHEMA)
                .field("va`l ü", SchemaBuilder.string().optional().parameter(ChangeEvent.COLUMN_TYPE_PARAM, "VARCHAR(50)").build())
                .field("名前", SchemaBuilder.string().optional().parameter(ChangeEvent.COLUMN_TYPE_PARAM, "TEXT").build())
                .field("new `col` ü", SchemaBuilder.string().optional().parameter(ChangeEvent.COLUMN_TYPE_PARAM, "TIMESTAMP(6)").build())
                .build();
        Struct five = new Struct(retyped).put("id col", 5).put("va`l ü", "x".repeat(50)).put("名前", "五")
                .put("new `col` ü", "2024-01-02 00:00:00");
        cluster.kafka().produce(TOPIC, ConnectJson.key(key, new Struct(key).put("id col", 5)), ConnectJson.value(envelope(retyped),
                envelope(retyped, "c", five)));
        awaitRows("select `id col`, `va``l ü` from " + table() + " where `id col` = 5", List.of(List.of("5", "x".repeat(50))));
        assertThat(rows(dst, "select column_name, column_type from information_schema.columns where table_schema = '"
                + DB + "' and table_name = '" + TABLE.replace("'", "''") + "' order by ordinal_position"))
                .containsExactly(List.of("id col", "int(11)"), List.of("va`l ü", "varchar(50)"), List.of("名前", "longtext"),
                        List.of("new `col` ü", "datetime(6)"));
        assertThat(cluster.connectorStatus("names-sink").tasks().get(0).state()).isEqualTo("RUNNING");
    }

    private static String table() {
        return "`" + DB + "`.`" + TABLE.replace("`", "``") + "`";
    }

    private static void produce(Schema key, Schema row, String op, int id, String val, String name, Long order) {
        Struct keyValue = new Struct(key).put("id col", id);
        Struct image = new Struct(row).put("id col", id).put("va`l ü", val).put("名前", name).put("order", order);
        Schema envelope = envelope(row);
        Struct value = op.equals("d") ? envelope(row, op, null).put(ChangeEvent.BEFORE, image) : envelope(row, op, image);
        cluster.kafka().produce(TOPIC, ConnectJson.key(key, keyValue), ConnectJson.value(envelope, value));
    }

    private static final Schema SOURCE = SchemaBuilder.struct().name("source")
            .field(ChangeEvent.SOURCE_DB, Schema.STRING_SCHEMA).field(ChangeEvent.SOURCE_TABLE, Schema.STRING_SCHEMA).build();

    private static final Map<Schema, Schema> ENVELOPES = new HashMap<>();

    private static Schema envelope(Schema row) {
        return ENVELOPES.computeIfAbsent(row, r -> SchemaBuilder.struct().name("envelope")
                .field(ChangeEvent.BEFORE, r).field(ChangeEvent.AFTER, r).field(ChangeEvent.OP, Schema.STRING_SCHEMA)
                .field(ChangeEvent.SOURCE, SOURCE).build());
    }

    private static Struct envelope(Schema row, String op, Struct after) {
        return new Struct(envelope(row)).put(ChangeEvent.AFTER, after).put(ChangeEvent.OP, op)
                .put(ChangeEvent.SOURCE, new Struct(SOURCE).put(ChangeEvent.SOURCE_DB, DB).put(ChangeEvent.SOURCE_TABLE, TABLE));
    }

    private static void awaitRows(String query, List<List<String>> expected) throws InterruptedException {
        TestUtils.waitForCondition(() -> {
            try {
                return rows(dst, query).equals(expected);
            } catch (SQLException e) {
                return false;
            }
        }, 120_000, () -> "MariaDB rows of " + table() + " != " + expected + "; sink " + cluster.connectorStatus("names-sink").tasks());
    }
}
