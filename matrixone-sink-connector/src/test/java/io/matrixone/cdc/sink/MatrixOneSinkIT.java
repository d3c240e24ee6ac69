package io.matrixone.cdc.sink;

import static io.matrixone.cdc.testing.Sql.exec;
import static io.matrixone.cdc.testing.Sql.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.common.ChangeEvent;
import io.matrixone.cdc.common.MatrixOneUri;
import io.matrixone.cdc.common.SemanticTypes;
import io.matrixone.cdc.testing.CdcDatabases;
import io.matrixone.cdc.testing.ConnectClusterHarness;
import io.matrixone.cdc.testing.ConnectJson;
import io.matrixone.cdc.testing.MatrixOnePipelineExtension;
import io.matrixone.cdc.testing.Sql;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.kafka.test.TestUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The sink against a real target MatrixOne, run by a real Connect worker, fed through a real Kafka topic. */
@ExtendWith(MatrixOnePipelineExtension.class)
class MatrixOneSinkIT {

    private static MatrixOneUri target;
    private static Connection sql;
    private static ConnectClusterHarness connect;
    private static EmbeddedConnectCluster cluster;
    private static String db;

    @BeforeAll
    static void start(CdcDatabases dbs, ConnectClusterHarness harness) {
        target = dbs.target;
        sql = dbs.dst;
        db = dbs.dstDb;
        connect = harness;
        cluster = harness.cluster();
    }

    // ---------------------------------------------------------------- flat rows and tombstones

    private static final Schema PERSON_KEY = SchemaBuilder.struct().name("person.Key").field("id", Schema.INT32_SCHEMA).build();
    private static final Schema PERSON = SchemaBuilder.struct().name("person.Value")
            .field("id", Schema.INT32_SCHEMA)
            .field("name", Schema.OPTIONAL_STRING_SCHEMA)
            .field("score", Schema.OPTIONAL_FLOAT64_SCHEMA)
            .build();

    @Test
    void appliesFlatRowsUpdatesAndTombstones() throws Exception {
        String topic = "people";
        cluster.kafka().createTopic(topic, 1);
        sendPerson(topic, 1, "ann", 1.5);
        sendPerson(topic, 2, "bob", 2.5);
        sendPerson(topic, 3, "cy", null);
        sendPerson(topic, 2, "bobby", 3.0); // update
        cluster.kafka().produce(topic, ConnectJson.key(PERSON_KEY, new Struct(PERSON_KEY).put("id", 3)), null); // tombstone

        startSink("flat-sink", topic, Map.of("table.name.format", db + ".people"));

        awaitRows("select id, name, score from " + db + ".people order by id",
                List.of(List.of("1", "ann", "1.5"), List.of("2", "bobby", "3.0")));
        cluster.deleteConnector("flat-sink");
    }

    // ---------------------------------------------------------------- envelopes, composite keys, mappings

    private static final Schema ORDER_KEY = SchemaBuilder.struct().name("prod.orders.Key")
            .field("region", Schema.STRING_SCHEMA).field("no", Schema.INT64_SCHEMA).build();
    private static final Schema ORDER = SchemaBuilder.struct().name("prod.orders.Value").optional()
            .field("region", Schema.STRING_SCHEMA)
            .field("no", Schema.INT64_SCHEMA)
            .field("amount", Decimal.builder(2).parameter("connect.decimal.precision", "12").optional().build())
            .build();
    private static final Schema SOURCE = SchemaBuilder.struct().name("io.matrixone.Source")
            .field(ChangeEvent.SOURCE_DB, Schema.STRING_SCHEMA).field(ChangeEvent.SOURCE_TABLE, Schema.STRING_SCHEMA).build();
    private static final Schema ORDER_ENVELOPE = envelope("prod.orders.Envelope", ORDER);

    private static Schema envelope(String name, Schema row) {
        return SchemaBuilder.struct().name(name)
                .field(ChangeEvent.BEFORE, row).field(ChangeEvent.AFTER, row)
                .field(ChangeEvent.OP, Schema.STRING_SCHEMA).field(ChangeEvent.SOURCE, SOURCE).build();
    }

    @Test
    void appliesEnvelopesWithCompositeKeysRoutedByTableMappings() throws Exception {
        String topic = "mo.prod.orders";
        cluster.kafka().createTopic(topic, 1);
        sendOrder(topic, "c", null, order("eu", 1, "10.50"));
        sendOrder(topic, "c", null, order("us", 1, "20.00"));
        sendOrder(topic, "c", null, order("eu", 2, "30.25"));
        sendOrder(topic, "u", order("eu", 1, "10.50"), order("eu", 1, "11.75"));
        sendOrder(topic, "d", order("us", 1, "20.00"), null);
        cluster.kafka().produce(topic, ConnectJson.key(ORDER_KEY, orderKey("us", 1)), null); // tombstone after delete

        startSink("envelope-sink", topic, Map.of("tables", "prod.orders:" + db + ".orders_copy"));

        awaitRows("select region, no, amount from " + db + ".orders_copy order by region, no",
                List.of(List.of("eu", "1", "11.75"), List.of("eu", "2", "30.25")));
        // MatrixOne lists a composite key as one hidden column in information_schema; SHOW CREATE TABLE tells.
        assertThat(rows(sql, "show create table " + db + ".orders_copy").get(0).get(1).replace(" ", ""))
                .contains("PRIMARYKEY(`region`,`no`)");
        cluster.deleteConnector("envelope-sink");
    }

    // ---------------------------------------------------------------- every type, auto-create, add column

    @Test
    void createsTheTableWithTheSourceTypesAndRoundTripsEveryValue() throws Exception {
        Schema row = SchemaBuilder.struct().name("all.types.Value").optional()
                .field("id", typed(SchemaBuilder.int32(), "INT"))
                .field("i8", typed(SchemaBuilder.int8().optional(), "TINYINT"))
                .field("u8", typed(SchemaBuilder.int16().optional(), "TINYINT UNSIGNED"))
                .field("i64", typed(SchemaBuilder.int64().optional(), "BIGINT"))
                .field("u64", typed(Decimal.builder(0).optional(), "BIGINT UNSIGNED"))
                .field("dec", typed(Decimal.builder(10).optional(), "DECIMAL(38,10)"))
                .field("f", typed(SchemaBuilder.float32().optional(), "FLOAT"))
                .field("dbl", typed(SchemaBuilder.float64().optional(), "DOUBLE"))
                .field("ch", typed(SchemaBuilder.string().optional(), "CHAR(3)"))
                .field("vc", typed(SchemaBuilder.string().optional(), "VARCHAR(20)"))
                .field("txt", typed(SchemaBuilder.string().optional(), "TEXT"))
                .field("d", typed(Date.builder().optional(), "DATE"))
                .field("tm", typed(SchemaBuilder.int64().name(SemanticTypes.MICRO_TIME).optional(), "TIME(6)"))
                .field("dt", typed(SchemaBuilder.int64().name(SemanticTypes.MICRO_TIMESTAMP).optional(), "DATETIME(6)"))
                .field("b", typed(SchemaBuilder.bool().optional(), "BOOL"))
                .field("j", typed(SchemaBuilder.string().name(SemanticTypes.JSON).optional(), "JSON"))
                .field("bl", typed(SchemaBuilder.bytes().optional(), "BLOB"))
                .field("bin", typed(SchemaBuilder.bytes().optional(), "BINARY(3)"))
                .field("uid", typed(SchemaBuilder.string().name(SemanticTypes.UUID).optional(), "UUID"))
                .field("e", typed(SchemaBuilder.string().name(SemanticTypes.ENUM).parameter("allowed", "small,large").optional(),
                        "ENUM('small','large')"))
                .field("v32", typed(SchemaBuilder.array(Schema.FLOAT32_SCHEMA).name(SemanticTypes.VECF32)
                        .parameter(SemanticTypes.VECTOR_DIMENSION_PARAM, "3").optional(), "VECF32(3)"))
                .field("v64", typed(SchemaBuilder.array(Schema.FLOAT64_SCHEMA).name(SemanticTypes.VECF64)
                        .parameter(SemanticTypes.VECTOR_DIMENSION_PARAM, "2").optional(), "VECF64(2)"))
                .field("u16", typed(SchemaBuilder.int32().optional(), "SMALLINT UNSIGNED"))
                .field("mi", typed(SchemaBuilder.int32().optional(), "MEDIUMINT"))
                .field("u32", typed(SchemaBuilder.int64().optional(), "INT UNSIGNED"))
                .field("ts", typed(SchemaBuilder.int64().name(SemanticTypes.MICRO_TIMESTAMP).optional(), "TIMESTAMP(6)"))
                .field("ts0", typed(org.apache.kafka.connect.data.Timestamp.builder().optional(), "TIMESTAMP"))
                .field("dt0", typed(org.apache.kafka.connect.data.Timestamp.builder().optional(), "DATETIME"))
                .field("vb", typed(SchemaBuilder.bytes().optional(), "VARBINARY(10)"))
                .field("small_dec", typed(Decimal.builder(2).optional(), "DECIMAL(10,2)"))
                .field("bit8", typed(SchemaBuilder.int64().optional(), "BIT(8)"))
                .build();
        Schema key = SchemaBuilder.struct().name("all.types.Key").field("id", Schema.INT32_SCHEMA).build();
        Struct full = new Struct(row)
                .put("id", 1).put("i8", (byte) -128).put("u8", (short) 255).put("i64", Long.MIN_VALUE)
                .put("u64", new BigDecimal("18446744073709551615"))
                .put("dec", new BigDecimal("1234567890123456789012345678.0123456789"))
                .put("f", 1.5f).put("dbl", -2.25e-300).put("ch", "abc").put("vc", "héllo 'q' \\ `")
                .put("txt", "line1\nline2").put("d", new java.util.Date(19_723L * 86_400_000L)) // 2024-01-01
                .put("tm", -((25L * 3600 + 1) * 1_000_000L + 5)) // -25:00:01.000005
                .put("dt", 1_704_103_200_123_456L) // 2024-01-01 10:00:00.123456
                .put("b", true).put("j", "{\"a\": [1, 2]}").put("bl", new byte[] {0, 1, (byte) 255})
                .put("bin", new byte[] {'x', 'y', 'z'}).put("uid", "0195dbb6-e31e-7572-bfdb-812fd02714a1")
                .put("e", "large").put("v32", List.of(1.5f, -2f, 0f)).put("v64", List.of(1e-9, 2.5))
                .put("u16", 65_535).put("mi", -8_388_608).put("u32", 4_294_967_295L)
                .put("ts", 1_704_103_200_654_321L) // 2024-01-01 10:00:00.654321
                .put("ts0", new java.util.Date(1_704_103_200_000L)).put("dt0", new java.util.Date(-86_400_000L)) // 1969-12-31
                .put("vb", new byte[] {0, 'a', 0}).put("small_dec", new BigDecimal("-99999999.99")).put("bit8", 255L);
        Struct empty = new Struct(row).put("id", 2);
        Schema env = envelope("all.types.Envelope", row);
        String topic = "types";
        cluster.kafka().createTopic(topic, 1);
        for (Struct after : List.of(full, empty)) {
            cluster.kafka().produce(topic, ConnectJson.key(key, new Struct(key).put("id", after.get("id"))),
                    ConnectJson.value(env, new Struct(env).put(ChangeEvent.AFTER, after).put(ChangeEvent.OP, "r")
                            .put(ChangeEvent.SOURCE, new Struct(SOURCE).put("db", "all").put("table", "types"))));
        }

        startSink("types-sink", topic, Map.of("tables", "all.types:" + db + ".types"));

        String columns = "id, i8, u8, i64, u64, dec, f, dbl, ch, vc, txt, d, tm, dt, b, j, hex(bl), hex(bin), uid, e, v32, v64, "
                + "u16, mi, u32, ts, ts0, dt0, hex(vb), small_dec, bit8 + 0";
        awaitRowCount(db + ".types", 2);
        assertThat(rows(sql, "select " + columns + " from " + db + ".types order by id")).containsExactly(
                List.of("1", "-128", "255", "-9223372036854775808", "18446744073709551615",
                        "1234567890123456789012345678.0123456789", "1.5", "-2.25E-300", "abc", "héllo 'q' \\ `",
                        "line1\nline2", "2024-01-01", "-25:00:01.000005", "2024-01-01 10:00:00.123456", "1",
                        "{\"a\": [1, 2]}", "0001FF", "78797A", "0195dbb6-e31e-7572-bfdb-812fd02714a1", "large",
                        "[1.5, -2, 0]", "[0.000000001, 2.5]", "65535", "-8388608", "4294967295",
                        "2024-01-01 10:00:00.654321", "2024-01-01 10:00:00", "1969-12-31 00:00:00", "006100",
                        "-99999999.99", "255"),
                nullsAfterId("2", 30));
        assertThat(rows(sql, "select column_name, column_type from information_schema.columns where table_schema='" + db
                + "' and table_name='types' order by ordinal_position").stream().map(r -> r.get(1).toLowerCase()).toList())
                .startsWith("int(32)", "tinyint(8)", "tinyint unsigned(8)", "bigint(64)", "bigint unsigned(64)", "decimal(38,10)");

        // A column that appears later is added to the table.
        Schema wider = SchemaBuilder.struct().name("all.types.Value").optional()
                .field("id", typed(SchemaBuilder.int32(), "INT"))
                .field("added", typed(SchemaBuilder.string().optional(), "VARCHAR(10)")).build();
        Schema widerEnv = envelope("all.types.Envelope", wider);
        cluster.kafka().produce(topic, ConnectJson.key(key, new Struct(key).put("id", 3)),
                ConnectJson.value(widerEnv, new Struct(widerEnv).put(ChangeEvent.AFTER, new Struct(wider).put("id", 3).put("added", "new"))
                        .put(ChangeEvent.OP, "c").put(ChangeEvent.SOURCE, new Struct(SOURCE).put("db", "all").put("table", "types"))));
        awaitRows("select id, added from " + db + ".types where id = 3", List.of(List.of("3", "new")));
        cluster.deleteConnector("types-sink");
    }

    private static List<String> nullsAfterId(String id, int nulls) {
        List<String> row = new ArrayList<>();
        row.add(id);
        for (int i = 0; i < nulls; i++) {
            row.add(null);
        }
        return row;
    }

    private static Schema typed(SchemaBuilder builder, String columnType) {
        return builder.parameter(ChangeEvent.COLUMN_TYPE_PARAM, columnType).build();
    }

    // ---------------------------------------------------------------- Connect types, odd names, key-only rows, metrics

    @Test
    void mapsPlainConnectTypesQuotesOddNamesAndCountsInJmx() throws Exception {
        Schema key = SchemaBuilder.struct().name("odd.Key").field("order", Schema.INT64_SCHEMA)
                .field("Group By", Schema.STRING_SCHEMA).build();
        Schema row = SchemaBuilder.struct().name("odd.Value")
                .field("order", Schema.INT64_SCHEMA).field("Group By", Schema.STRING_SCHEMA)
                .field("na`me", Schema.OPTIONAL_STRING_SCHEMA).field("prénom", Schema.OPTIONAL_INT8_SCHEMA)
                .field("small", Schema.OPTIONAL_INT16_SCHEMA).field("ratio", Schema.OPTIONAL_FLOAT32_SCHEMA)
                .field("ok", Schema.OPTIONAL_BOOLEAN_SCHEMA).field("raw", Schema.OPTIONAL_BYTES_SCHEMA)
                .field("amount", Decimal.builder(3).optional().build())
                .field("day", Date.builder().optional().build())
                .field("at", org.apache.kafka.connect.data.Time.builder().optional().build())
                .field("seen", org.apache.kafka.connect.data.Timestamp.builder().optional().build())
                .field("seen_us", SchemaBuilder.int64().name(SemanticTypes.MICRO_TIMESTAMP).optional().build())
                .build();
        String topic = "odd-names";
        cluster.kafka().createTopic(topic, 1);
        for (int i = 1; i <= 3; i++) {
            Struct value = new Struct(row).put("order", (long) i).put("Group By", "g é").put("na`me", "n" + i)
                    .put("prénom", (byte) -i).put("small", (short) (1000 * i)).put("ratio", 0.5f).put("ok", i % 2 == 0)
                    .put("raw", new byte[] {(byte) i}).put("amount", new BigDecimal("-12345.678"))
                    .put("day", new java.util.Date(19_723L * 86_400_000L))
                    .put("at", new java.util.Date(((13 * 60 + 14) * 60 + 15) * 1000L + 678))
                    .put("seen", new java.util.Date(1_704_103_200_123L)).put("seen_us", 1_704_103_200_123_456L);
            cluster.kafka().produce(topic, ConnectJson.key(key, new Struct(key).put("order", (long) i).put("Group By", "g é")),
                    ConnectJson.value(row, value));
        }
        // A tombstone deletes row 2.
        cluster.kafka().produce(topic, ConnectJson.key(key, new Struct(key).put("order", 2L).put("Group By", "g é")), null);

        startSink("odd-sink", topic, Map.of("table.name.format", db + ".Select Tåble"));

        String columns = "`order`, `group by`, `na``me`, `prénom`, small, ratio, ok, hex(raw), amount, day, `at`, seen, seen_us";
        awaitRows("select " + columns + " from " + db + ".`select tåble` order by `order`", List.of(
                List.of("1", "g é", "n1", "-1", "1000", "0.5", "0", "01", "-12345.678", "2024-01-01", "13:14:15.678",
                        "2024-01-01 10:00:00.123", "2024-01-01 10:00:00.123456"),
                List.of("3", "g é", "n3", "-3", "3000", "0.5", "0", "03", "-12345.678", "2024-01-01", "13:14:15.678",
                        "2024-01-01 10:00:00.123", "2024-01-01 10:00:00.123456")));
        assertThat(rows(sql, "select column_name, column_type from information_schema.columns where table_schema='" + db
                + "' and table_name='select tåble' and column_name not like '__mo%' order by ordinal_position")
                .stream().map(r -> r.get(0) + " " + r.get(1).toLowerCase()).toList()).containsExactly(
                "order bigint(64)", "Group By varchar(255)", "na`me text(0)", "prénom tinyint(8)", "small smallint(16)",
                "ratio float(0)", "ok bool(0)", "raw blob(0)", "amount decimal(38,3)", "day date(0)", "at time(3)",
                "seen datetime(3)", "seen_us datetime(6)");

        ObjectName metrics = new ObjectName("io.matrixone.cdc:type=sink-task-metrics,connector=" + ObjectName.quote("odd-sink")
                + ",task=" + ObjectName.quote("0"));
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        assertThat((Long) jmx.getAttribute(metrics, "RecordsWritten")).isGreaterThanOrEqualTo(3L);
        assertThat((Long) jmx.getAttribute(metrics, "Batches")).isGreaterThanOrEqualTo(1L);
        assertThat((Long) jmx.getAttribute(metrics, "LastCommitLagMs")).isGreaterThanOrEqualTo(0L);
        cluster.deleteConnector("odd-sink");
    }

    @Test
    void rowsMadeOnlyOfKeyColumnsAreUpsertedAndDeleted() throws Exception {
        Schema key = SchemaBuilder.struct().name("link.Key").field("a", Schema.INT32_SCHEMA).field("b", Schema.INT32_SCHEMA).build();
        String topic = "links";
        cluster.kafka().createTopic(topic, 1);
        for (int[] ab : new int[][] {{1, 1}, {1, 2}, {2, 1}, {1, 1}}) {
            Struct k = new Struct(key).put("a", ab[0]).put("b", ab[1]);
            cluster.kafka().produce(topic, ConnectJson.key(key, k), ConnectJson.value(key, k));
        }
        cluster.kafka().produce(topic, ConnectJson.key(key, new Struct(key).put("a", 1).put("b", 2)), null);
        startSink("links-sink", topic, Map.of("table.name.format", db + ".links"));
        awaitRows("select a, b from " + db + ".links order by a, b", List.of(List.of("1", "1"), List.of("2", "1")));
        // Redelivery of the same rows (a restart replays them) changes nothing.
        for (int[] ab : new int[][] {{1, 1}, {2, 1}}) {
            Struct k = new Struct(key).put("a", ab[0]).put("b", ab[1]);
            cluster.kafka().produce(topic, ConnectJson.key(key, k), ConnectJson.value(key, k));
        }
        Struct last = new Struct(key).put("a", 3).put("b", 3);
        cluster.kafka().produce(topic, ConnectJson.key(key, last), ConnectJson.value(key, last));
        awaitRows("select a, b from " + db + ".links order by a, b", List.of(List.of("1", "1"), List.of("2", "1"), List.of("3", "3")));
        cluster.deleteConnector("links-sink");
    }

    @Test
    void deletesForATableThatDoesNotExistYetAreHarmless() throws Exception {
        String topic = "ghosts";
        cluster.kafka().createTopic(topic, 1);
        cluster.kafka().produce(topic, ConnectJson.key(PERSON_KEY, new Struct(PERSON_KEY).put("id", 1)), null);
        startSink("ghost-sink", topic, Map.of("table.name.format", db + ".ghosts"));
        sendPerson(topic, 2, "after the tombstone", 2.0);
        awaitRows("select id, name from " + db + ".ghosts", List.of(List.of("2", "after the tombstone")));
        assertThat(cluster.connectorStatus("ghost-sink").tasks().get(0).state()).isEqualTo("RUNNING");
        cluster.deleteConnector("ghost-sink");
    }

    @Test
    void aLostConnectionIsRetriedOnAFreshOne() throws Exception {
        String topic = "lost";
        cluster.kafka().createTopic(topic, 1);
        sendPerson(topic, 1, "before", 1.0);
        startSink("lost-sink", topic, Map.of("table.name.format", db + ".lost"));
        awaitRows("select id, name from " + db + ".lost", List.of(List.of("1", "before")));

        // Kill exactly the task's own connection (its id is published in JMX), as a server restart or a
        // network cut would; the next put fails with SQLSTATE 08S01, is retried, and lands.
        ObjectName metrics = new ObjectName("io.matrixone.cdc:type=sink-task-metrics,connector=" + ObjectName.quote("lost-sink")
                + ",task=" + ObjectName.quote("0"));
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        long killed = (Long) jmx.getAttribute(metrics, "ConnectionId");
        assertThat(killed).isPositive();
        exec(sql, "kill " + killed);
        sendPerson(topic, 2, "after", 2.0);

        awaitRows("select id, name from " + db + ".lost order by id", List.of(List.of("1", "before"), List.of("2", "after")));
        assertThat((Long) jmx.getAttribute(metrics, "Retries")).isGreaterThanOrEqualTo(1L);
        assertThat((Long) jmx.getAttribute(metrics, "ConnectionId")).isPositive().isNotEqualTo(killed);
        assertThat(cluster.connectorStatus("lost-sink").tasks().get(0).state()).isEqualTo("RUNNING");
        cluster.deleteConnector("lost-sink");
    }

    @Test
    void replaceModeRewritesWholeRowsAndDeletesCanBeTurnedOff() throws Exception {
        exec(sql, "create table " + db + ".modes (id int primary key, name varchar(20), score double, note varchar(10) default 'kept')");
        exec(sql, "insert into " + db + ".modes values (1, 'old', 0, 'mine')");
        String topic = "modes";
        cluster.kafka().createTopic(topic, 1);
        sendPerson(topic, 1, "new", 1.0);
        sendPerson(topic, 2, "two", 2.0);
        cluster.kafka().produce(topic, ConnectJson.key(PERSON_KEY, new Struct(PERSON_KEY).put("id", 2)), null);
        startSink("modes-sink", topic, Map.of("table.name.format", db + ".modes", "insert.mode", "replace",
                "delete.enabled", "false"));
        // REPLACE rewrites the whole row (note back to its default); the tombstone is ignored as configured.
        awaitRows("select id, name, note from " + db + ".modes order by id",
                List.of(List.of("1", "new", "kept"), List.of("2", "two", "kept")));
        cluster.deleteConnector("modes-sink");
    }

    @Test
    void upsertsKeepTheColumnsRecordsDoNotCarry() throws Exception {
        // A column the records do not carry is someone else's (added to the target at any time): an upsert updates
        // the row and leaves that column as it is, where a REPLACE would put it back to its default; rows that give
        // every column end as the records say.
        exec(sql, "create table " + db + ".partial (id int primary key, name varchar(20), score double, note varchar(10) default 'kept')");
        exec(sql, "insert into " + db + ".partial values (1, 'old', 0, 'mine'), (3, 'three', 3, 'theirs')");
        exec(sql, "create table " + db + ".whole (id int primary key, name varchar(20), score double)");
        exec(sql, "insert into " + db + ".whole values (1, 'old', 0), (3, 'three', 3)");
        for (String table : List.of("partial", "whole")) {
            String topic = "upserts-" + table;
            cluster.kafka().createTopic(topic, 1);
            sendPerson(topic, 1, "new", 1.0);
            sendPerson(topic, 2, "two", 2.0);
            sendPerson(topic, 1, "newer", null);
            startSink(table + "-sink", topic, Map.of("table.name.format", db + "." + table));
        }
        awaitRows("select id, name, score, note from " + db + ".partial order by id", List.of(Arrays.asList("1", "newer", null, "mine"),
                List.of("2", "two", "2.0", "kept"), List.of("3", "three", "3.0", "theirs")));
        awaitRows("select id, name, score from " + db + ".whole order by id",
                List.of(Arrays.asList("1", "newer", null), List.of("2", "two", "2.0"), List.of("3", "three", "3.0")));
        cluster.deleteConnector("partial-sink");
        cluster.deleteConnector("whole-sink");
    }

    // ---------------------------------------------------------------- restart mid-stream

    @Test
    void stopAndResumeMidStreamLosesNothingAndDuplicatesNothing() throws Exception {
        String topic = "restart";
        cluster.kafka().createTopic(topic, 2);
        for (int i = 1; i <= 2000; i++) {
            sendPerson(topic, i, "first-" + i, (double) i);
        }
        startSink("restart-sink", topic, Map.of("table.name.format", db + ".restart", "consumer.override.max.poll.records", "100"));
        TestUtils.waitForCondition(() -> count(db + ".restart") > 0, 60_000, "first rows written");

        cluster.stopConnector("restart-sink");
        for (int i = 1001; i <= 3000; i++) {
            sendPerson(topic, i, "second-" + i, (double) -i);
        }
        cluster.resumeConnector("restart-sink");

        awaitRowCount(db + ".restart", 3000);
        assertThat(rows(sql, "select count(*), sum(id), sum(score) from " + db + ".restart"))
                .containsExactly(List.of("3000", String.valueOf(3000L * 3001 / 2),
                        (double) ((1000 * 1001 / 2) - (3000L * 3001 / 2 - 1000 * 1001 / 2)) + ""));
        assertThat(rows(sql, "select count(*) from " + db + ".restart where id > 1000 and name not like 'second-%'"))
                .containsExactly(List.of("0"));
        cluster.deleteConnector("restart-sink");
    }

    // ---------------------------------------------------------------- a new shape after a task restart

    private static final Schema SHAPED_V1 = SchemaBuilder.struct().name("shaped.Value")
            .field("id", Schema.INT32_SCHEMA)
            .field("name", Schema.OPTIONAL_STRING_SCHEMA)
            .field("n", SchemaBuilder.int64().optional().parameter(ChangeEvent.COLUMN_TYPE_PARAM, "INT").build())
            .build();
    /** The source renamed name to label and made n a BIGINT. */
    private static final Schema SHAPED_V2 = SchemaBuilder.struct().name("shaped.Value")
            .field("id", Schema.INT32_SCHEMA)
            .field("label", Schema.OPTIONAL_STRING_SCHEMA)
            .field("n", SchemaBuilder.int64().optional().parameter(ChangeEvent.COLUMN_TYPE_PARAM, "BIGINT").build())
            .build();

    /**
     * The task restarts after the last record of one shape and before the first of the next (the case a worker crash
     * right after an ALTER on the source makes): the new task still knows which columns the records carried, so the
     * renamed column's old name is dropped and the re-typed column changes type, as without the restart.
     */
    @Test
    void aTaskRestartedBetweenTwoShapesStillDropsTheRenamedColumnAndRetypes() throws Exception {
        String topic = "shaped";
        String table = db + ".shaped";
        cluster.kafka().createTopic(topic, 1);
        for (int id = 1; id <= 20; id++) {
            sendShaped(topic, SHAPED_V1, id, "name", "v1-" + id, (long) id);
        }
        startSink("shaped-sink", topic, Map.of("table.name.format", table));
        awaitRowCount(table, 20);
        assertThat(Sql.columns(sql, "select * from " + table)).containsExactly("id", "name", "n");

        cluster.stopConnector("shaped-sink");
        for (int id = 21; id <= 30; id++) {
            sendShaped(topic, SHAPED_V2, id, "label", "v2-" + id, 5_000_000_000L + id);
        }
        cluster.resumeConnector("shaped-sink");

        awaitRowCount(table, 30);
        assertThat(Sql.columns(sql, "select * from " + table)).containsExactly("id", "n", "label");
        assertThat(rows(sql, "select data_type from information_schema.columns where table_schema = '" + db
                + "' and table_name = 'shaped' and column_name = 'n'")).containsExactly(List.of("BIGINT"));
        assertThat(rows(sql, "select label, n from " + table + " where id = 30")).containsExactly(List.of("v2-30", "5000000030"));
        cluster.deleteConnector("shaped-sink");
    }

    private static void sendShaped(String topic, Schema schema, int id, String textField, String text, long n) {
        cluster.kafka().produce(topic, ConnectJson.key(PERSON_KEY, new Struct(PERSON_KEY).put("id", id)),
                ConnectJson.value(schema, new Struct(schema).put("id", id).put(textField, text).put("n", n)));
    }

    // ---------------------------------------------------------------- bad config, bad records

    @Test
    void validateNamesTheBadFieldAndChecksTheTargetAnswers() {
        Map<String, String> config = sinkConfig("x", "t");
        config.put("insert.mode", "merge");
        assertThat(errors(cluster.validateConnectorConfig(MatrixOneSinkConnector.class.getSimpleName(), config)))
                .containsOnlyKeys("insert.mode");

        Map<String, String> unreachable = sinkConfig("x", "t");
        unreachable.put("connection.uri", "mysql://root:secret@127.0.0.1:1");
        Map<String, List<String>> errors = errors(cluster.validateConnectorConfig(MatrixOneSinkConnector.class.getSimpleName(), unreachable));
        assertThat(errors).containsOnlyKeys("connection.uri");
        assertThat(errors.get("connection.uri").get(0)).contains("cannot connect to MatrixOne at mysql://root:******@127.0.0.1:1")
                .doesNotContain("secret");

        Map<String, String> badMapping = sinkConfig("x", "t");
        badMapping.put("tables", "a.*:b.c");
        assertThat(errors(cluster.validateConnectorConfig(MatrixOneSinkConnector.class.getSimpleName(), badMapping)))
                .containsOnlyKeys("tables");
    }

    @Test
    void poisonRecordsGoToTheDeadLetterQueueAndTheRestIsApplied() throws Exception {
        String topic = "poison";
        String dlq = "poison-dlq";
        cluster.kafka().createTopic(topic, 1);
        cluster.kafka().createTopic(dlq, 1);
        sendPerson(topic, 1, "good", 1.0);
        cluster.kafka().produce(topic, null, ConnectJson.value(PERSON, person(2, "no key", 2.0))); // no key
        cluster.kafka().produce(topic, ConnectJson.key(PERSON_KEY, new Struct(PERSON_KEY).put("id", 3)), "{\"not\":\"connect json\"}");
        sendPerson(topic, 4, "x".repeat(70_000), 4.0); // too long for the VARCHAR column below
        sendPerson(topic, 5, "good too", 5.0);
        exec(sql, "create table " + db + ".poison (id int primary key, name varchar(20), score double)");

        Map<String, String> tolerant = new HashMap<>(Map.of("table.name.format", db + ".poison", "errors.tolerance", "all",
                "errors.deadletterqueue.topic.name", dlq, "errors.deadletterqueue.topic.replication.factor", "1",
                "errors.deadletterqueue.context.headers.enable", "true"));
        startSink("poison-sink", topic, tolerant);

        awaitRows("select id, name from " + db + ".poison order by id", List.of(List.of("1", "good"), List.of("5", "good too")));
        List<String> reasons = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : cluster.kafka().consume(3, 60_000, dlq)) {
            reasons.add(new String(record.headers().lastHeader("__connect.errors.exception.message").value()));
        }
        assertThat(reasons).hasSize(3);
        assertThat(String.join("\n", reasons)).contains("record has no key").contains("key id=4");
        cluster.deleteConnector("poison-sink");

        // Without tolerance the task fails and says which record.
        String strictTopic = "poison-strict";
        cluster.kafka().createTopic(strictTopic, 1);
        sendPerson(strictTopic, 6, "good", 6.0);
        cluster.kafka().produce(strictTopic, null, ConnectJson.value(PERSON, person(7, "no key", 7.0)));
        startSinkNoWait("strict-sink", strictTopic, Map.of("table.name.format", db + ".poison"));
        TestUtils.waitForCondition(() -> {
            var status = cluster.connectorStatus("strict-sink");
            return !status.tasks().isEmpty() && status.tasks().get(0).state().equals("FAILED");
        }, 60_000, "strict sink fails");
        assertThat(cluster.connectorStatus("strict-sink").tasks().get(0).trace())
                .contains("cannot write record poison-strict-0@1").contains("record has no key");
        cluster.deleteConnector("strict-sink");
    }

    // ---------------------------------------------------------------- helpers

    private static Map<String, List<String>> errors(ConfigInfos infos) {
        Map<String, List<String>> errors = new HashMap<>();
        infos.configs().forEach(info -> {
            if (!info.configValue().errors().isEmpty()) {
                errors.put(info.configValue().name(), info.configValue().errors());
            }
        });
        return errors;
    }

    private static Map<String, String> sinkConfig(String name, String topic) {
        Map<String, String> config = new HashMap<>(ConnectJson.CONVERTER_CONFIG);
        config.put("name", name);
        config.put("connector.class", MatrixOneSinkConnector.class.getName());
        config.put("tasks.max", "1");
        config.put("topics", topic);
        config.put("connection.uri", target.unmasked());
        config.put("retry.backoff.ms", "200");
        return config;
    }

    private static void startSink(String name, String topic, Map<String, String> extra) throws InterruptedException {
        startSinkNoWait(name, topic, extra);
        cluster.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "sink did not start");
    }

    private static void startSinkNoWait(String name, String topic, Map<String, String> extra) {
        Map<String, String> config = sinkConfig(name, topic);
        config.putAll(extra);
        cluster.configureConnector(name, config);
    }

    private static void sendPerson(String topic, int id, String name, Double score) {
        cluster.kafka().produce(topic, ConnectJson.key(PERSON_KEY, new Struct(PERSON_KEY).put("id", id)),
                ConnectJson.value(PERSON, person(id, name, score)));
    }

    private static Struct person(int id, String name, Double score) {
        return new Struct(PERSON).put("id", id).put("name", name).put("score", score);
    }

    private static Struct orderKey(String region, long no) {
        return new Struct(ORDER_KEY).put("region", region).put("no", no);
    }

    private static Struct order(String region, long no, String amount) {
        return new Struct(ORDER).put("region", region).put("no", no).put("amount", new BigDecimal(amount));
    }

    private static void sendOrder(String topic, String op, Struct before, Struct after) {
        Struct row = after != null ? after : before;
        Struct value = new Struct(ORDER_ENVELOPE).put(ChangeEvent.BEFORE, before).put(ChangeEvent.AFTER, after)
                .put(ChangeEvent.OP, op).put(ChangeEvent.SOURCE, new Struct(SOURCE).put("db", "prod").put("table", "orders"));
        cluster.kafka().produce(topic, ConnectJson.key(ORDER_KEY, orderKey(row.getString("region"), row.getInt64("no"))),
                ConnectJson.value(ORDER_ENVELOPE, value));
    }

    private static long count(String table) {
        try {
            return Long.parseLong(Sql.scalar(sql, "select count(*) from " + table));
        } catch (SQLException e) {
            return -1; // not created yet
        }
    }

    private static void awaitRowCount(String table, long expected) throws InterruptedException {
        TestUtils.waitForCondition(() -> count(table) == expected, TimeUnit.SECONDS.toMillis(90),
                () -> table + " has " + count(table) + " rows, expected " + expected);
    }

    private static void awaitRows(String query, List<List<String>> expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        List<List<String>> actual = List.of();
        while (System.nanoTime() < deadline) {
            try {
                actual = rows(sql, query);
                if (actual.equals(expected)) {
                    return;
                }
            } catch (SQLException e) {
                // table not there yet
            }
            Thread.sleep(250);
        }
        assertThat(actual).as(query).isEqualTo(expected);
    }
}
