package io.matrixone.cdc.sink;

import static io.matrixone.cdc.testing.Sql.exec;
import static io.matrixone.cdc.testing.Sql.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.common.SemanticTypes;
import io.matrixone.cdc.common.StagingTables;
import io.matrixone.cdc.common.TableId;
import io.matrixone.cdc.testing.CdcDatabases;
import io.matrixone.cdc.testing.ConnectClusterHarness;
import io.matrixone.cdc.testing.ConnectJson;
import io.matrixone.cdc.testing.MatrixOnePipelineExtension;
import io.matrixone.cdc.testing.Sql;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.kafka.test.TestUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Large upserts through the staging table ({@link StagedUpserts}: LOAD DATA LOCAL, then INSERT ... SELECT) against a
 * real target MatrixOne, run by a real Connect worker: hostile strings and every staged type arrive exactly, a
 * redelivery updates without duplicating, and a value the target column cannot hold fails loudly instead of being
 * stored (MatrixOne's LOAD DATA alone checks neither keys nor lengths).
 */
@ExtendWith(MatrixOnePipelineExtension.class)
class StagedUpsertIT {

    private static final int ROWS = 1_000;
    private static final List<String> HOSTILE = List.of("a\"b", "back\\slash", "\\N", "NULL", "", "line\nbreak", "cr\rhere",
            "crlf\r\nend", "tab\there", "comma, here", " sp ", "é😀中文", "nul\u0000x", "\"\"", "\\\"", "'single'", "\\",
            "\"", "end\\", "\\n literal", ",\n,\"");
    private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS");

    private static final Schema KEY = SchemaBuilder.struct().name("staged.Key").field("id", Schema.INT64_SCHEMA).build();
    private static final Schema ROW = SchemaBuilder.struct().name("staged.Value")
            .field("id", Schema.INT64_SCHEMA)
            .field("s", Schema.OPTIONAL_STRING_SCHEMA)
            .field("amount", Decimal.builder(2).parameter("connect.decimal.precision", "12").optional().build())
            .field("at", SchemaBuilder.int64().name(SemanticTypes.MICRO_TIMESTAMP).optional().build())
            .field("d", Date.builder().optional().build())
            .field("n", Schema.OPTIONAL_INT32_SCHEMA)
            .build();

    @Test
    void hostileValuesArriveExactlyAndARedeliveryUpdatesWithoutDuplicates(CdcDatabases dbs, ConnectClusterHarness connect)
            throws Exception {
        Sink sink = new Sink(dbs, connect.cluster());
        Connection sql = dbs.dst;
        String db = dbs.dstDb;
        String topic = "staged-values";
        EmbeddedConnectCluster cluster = connect.cluster();
        cluster.kafka().createTopic(topic, 1);
        for (int id = 1; id <= ROWS; id++) {
            sink.send(topic, row(id, 1));
        }
        sink.start("staged-sink", topic, db + ".vals");
        awaitRowCount(sql, db + ".vals", ROWS);
        assertTargetHolds(sql, db, 1);

        for (int id = 1; id <= ROWS; id++) { // the same keys again, new values: a redelivery that also updates
            sink.send(topic, row(id, 2));
        }
        TestUtils.waitForCondition(() -> "2".equals(Sql.scalar(sql, "select min(n) from " + db + ".vals")),
                TimeUnit.SECONDS.toMillis(90), "the second round of values did not arrive");
        assertTargetHolds(sql, db, 2);
        assertThat(Sql.scalar(sql, "select count(distinct id) from " + db + ".vals")).isEqualTo(String.valueOf(ROWS));

        // The rows went through this task's staging table, which is left empty.
        List<List<String>> stages = rows(sql, "show tables from " + db + " like 'stage_%'");
        assertThat(stages).hasSize(1);
        assertThat(Sql.scalar(sql, "select count(*) from " + db + "." + stages.get(0).get(0))).isEqualTo("0");
        cluster.deleteConnector("staged-sink");
        // What mo-cdc task drop does once the connector is gone: its staging tables go, and only its own.
        exec(sql, "create table " + db + "." + StagingTables.of(db, "staged-sink-2", "0", TableId.parse(db + ".vals"),
                List.of("id")).table() + " (id text)");
        assertThat(StagingTables.dropAll(sql, db, "staged-sink")).containsExactly(stages.get(0).get(0));
        assertThat(rows(sql, "show tables from " + db + " like 'stage_%'")).hasSize(1);
        assertThat(StagingTables.dropAll(sql, db, "staged-sink-2")).hasSize(1);
        assertThat(StagingTables.dropAll(sql, "no_such_db_" + db, "staged-sink")).isEmpty();
    }

    @Test
    void aValueTheTargetColumnCannotHoldFailsInsteadOfBeingStored(CdcDatabases dbs, ConnectClusterHarness connect)
            throws Exception {
        Sink sink = new Sink(dbs, connect.cluster());
        Connection sql = dbs.dst;
        String db = dbs.dstDb;
        EmbeddedConnectCluster cluster = connect.cluster();
        exec(sql, "create table " + db + ".narrow (id bigint primary key, s varchar(3), amount decimal(12,2), at datetime(6), "
                + "d date, n int)");
        String topic = "staged-narrow";
        cluster.kafka().createTopic(topic, 1);
        for (int id = 1; id <= 600; id++) {
            Struct value = new Struct(ROW).put("id", (long) id).put("s", id == 300 ? "too long" : "ok").put("n", 1);
            sink.send(topic, value);
        }
        sink.start("narrow-sink", topic, db + ".narrow");
        cluster.assertions().assertConnectorIsRunningAndTasksHaveFailed("narrow-sink", 1, "the task should fail on the long value");
        assertThat(Sql.scalar(sql, "select count(*) from " + db + ".narrow where length(s) > 3")).isEqualTo("0");
        assertThat(cluster.connectorStatus("narrow-sink").tasks().get(0).trace()).contains("narrow");
        cluster.deleteConnector("narrow-sink");
    }

    /** Row {@code id} of round {@code round}: a hostile string (null every 50th row), and values that vary by round. */
    private static Struct row(long id, int round) {
        LocalDateTime at = LocalDateTime.of(2024, 1, 1, 0, 0).plusSeconds(id * 37).plusNanos(id * 1_000L * round);
        return new Struct(ROW).put("id", id).put("s", text(id, round))
                .put("amount", id % 50 == 7 ? null : BigDecimal.valueOf(id * 101 + round, 2))
                .put("at", at.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + at.getNano() / 1_000)
                .put("d", java.util.Date.from(LocalDate.ofEpochDay(19_000 + id).atStartOfDay().toInstant(ZoneOffset.UTC)))
                .put("n", round);
    }

    private static String text(long id, int round) {
        return id % 50 == 0 ? null : round + HOSTILE.get((int) (id % HOSTILE.size())) + id;
    }

    private static void assertTargetHolds(Connection sql, String db, int round) throws SQLException {
        List<List<String>> expected = new ArrayList<>();
        for (long id = 1; id <= ROWS; id++) {
            Struct row = row(id, round);
            String s = text(id, round);
            LocalDateTime at = LocalDateTime.ofEpochSecond(row.getInt64("at") / 1_000_000L,
                    (int) (row.getInt64("at") % 1_000_000L) * 1_000, ZoneOffset.UTC);
            BigDecimal amount = (BigDecimal) row.get("amount");
            expected.add(java.util.Arrays.asList(String.valueOf(id),
                    s == null ? null : HexFormat.of().withUpperCase().formatHex(s.getBytes(StandardCharsets.UTF_8)),
                    amount == null ? null : amount.toPlainString(), MICROS.format(at),
                    LocalDate.ofEpochDay(19_000 + id).toString(), String.valueOf(round)));
        }
        assertThat(rows(sql, "select id, hex(s), amount, at, d, n from " + db + ".vals order by id")).isEqualTo(expected);
    }

    /** The sink connectors of one test, writing into its target database (which holds their applied positions too). */
    private record Sink(CdcDatabases dbs, EmbeddedConnectCluster cluster) {

        void send(String topic, Struct value) {
            cluster.kafka().produce(topic, ConnectJson.key(KEY, new Struct(KEY).put("id", value.getInt64("id"))),
                    ConnectJson.value(ROW, value));
        }

        void start(String name, String topic, String table) throws InterruptedException {
            Map<String, String> config = new HashMap<>(ConnectJson.CONVERTER_CONFIG);
            config.put("connector.class", MatrixOneSinkConnector.class.getName());
            config.put("tasks.max", "1");
            config.put("topics", topic);
            config.put("connection.uri", dbs.target.unmasked());
            config.put("table.name.format", table);
            config.put("applied.database", dbs.dstDb); // its staging tables too: dropped with the database
            config.put("staged.upsert.min.rows", "100");
            config.put("consumer.override.max.poll.records", "2000");
            config.put("retry.backoff.ms", "200");
            cluster.configureConnector(name, config);
            cluster.assertions().assertConnectorAndAtLeastNumTasksAreRunning(name, 1, "sink did not start");
        }
    }

    private static long count(Connection sql, String table) {
        try {
            return Long.parseLong(Sql.scalar(sql, "select count(*) from " + table));
        } catch (SQLException e) {
            return -1; // not created yet
        }
    }

    private static void awaitRowCount(Connection sql, String table, long expected) throws InterruptedException {
        TestUtils.waitForCondition(() -> count(sql, table) == expected, TimeUnit.SECONDS.toMillis(90),
                () -> table + " has " + count(sql, table) + " rows, expected " + expected);
    }
}
