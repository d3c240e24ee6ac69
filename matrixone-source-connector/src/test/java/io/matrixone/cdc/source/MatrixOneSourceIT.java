package io.matrixone.cdc.source;

import static io.matrixone.cdc.testing.Sql.exec;
import static io.matrixone.cdc.testing.Sql.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.common.ChangeEvent;
import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneUri;
import io.matrixone.cdc.common.SnapshotProgress;
import io.matrixone.cdc.testing.CdcDatabases;
import io.matrixone.cdc.testing.ConnectClusterHarness;
import io.matrixone.cdc.testing.ConnectJson;
import io.matrixone.cdc.testing.MatrixOnePipelineExtension;
import io.matrixone.cdc.testing.Sql;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.kafka.test.TestUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The source against a real MatrixOne, run by a real Connect worker, read back from real Kafka topics. */
@ExtendWith(MatrixOnePipelineExtension.class)
class MatrixOneSourceIT {

    private static MatrixOneUri source;
    private static Connection sql;
    private static ConnectClusterHarness connect;
    private static EmbeddedConnectCluster cluster;
    private static String db;

    @BeforeAll
    static void start(CdcDatabases dbs, ConnectClusterHarness harness) {
        source = dbs.source;
        sql = dbs.src;
        db = dbs.srcDb;
        connect = harness;
        cluster = harness.cluster();
    }

    @Test
    void snapshotsThenStreamsInsertsUpdatesAndDeletes() throws Exception {
        exec(sql, "create table " + db + ".activity (activity_id int primary key, user_id int, activity_type varchar(50), "
                        + "timestamp datetime, device varchar(20))",
                "insert into " + db + ".activity values (1, 1001, 'login', '2024-01-01 09:00:00', 'mobile'),"
                        + "(2, 1002, 'like', '2024-01-01 10:15:00', 'desktop'), (3, 1003, 'comment', '2024-01-02 14:30:00', 'mobile')");
        // The snapshot reads at the horizon (server time - window.lag.ms): let the rows be older than that.
        Thread.sleep(1500);
        startSource("activity-src", "a1", db + ".activity:analytics.activity_copy", Map.of());
        String topic = "a1." + db + ".activity";

        List<Event> snapshot = events(topic, 3);
        assertThat(snapshot).extracting(Event::op).containsExactly("r", "r", "r");
        assertThat(snapshot.get(0).after().getInt32("activity_id")).isEqualTo(1);
        assertThat(snapshot.get(0).after().getString("activity_type")).isEqualTo("login");
        assertThat(snapshot.get(2).source().getString("snapshot")).isEqualTo("last");
        assertThat(snapshot.get(0).target()).isEqualTo("analytics.activity_copy");
        assertThat(snapshot.get(0).after().schema().field("activity_type").schema().parameters())
                .containsEntry(ChangeEvent.COLUMN_TYPE_PARAM, "VARCHAR(50)");

        exec(sql, "insert into " + db + ".activity values (4, 1004, 'share', '2024-01-03 16:45:00', 'desktop')",
                "update " + db + ".activity set activity_type = 'logout' where activity_id = 1",
                "delete from " + db + ".activity where activity_id = 2");
        List<Event> changes = events(topic, 3 + 4).subList(3, 7);
        assertThat(changes).extracting(Event::describe).containsExactlyInAnyOrder(
                "c 4 share", "u 1 logout", "d 2 like", "tombstone 2");
        // The tombstone follows its delete.
        int delete = changes.stream().map(Event::describe).toList().indexOf("d 2 like");
        assertThat(changes.get(delete + 1).describe()).isEqualTo("tombstone 2");
        cluster.deleteConnector("activity-src");
    }

    @Test
    void quietTablesOfATaskReadingThemRarelyAreWokenByTheProbeAndLoseNothing() throws Exception {
        // Four tables and one idle read per second: each quiet table is read every 4 s, so the task probes them.
        List<String> tables = List.of("q1", "q2", "q3", "q4");
        for (String t : tables) {
            exec(sql, "create table " + db + "." + t + " (id int primary key, v int)", "insert into " + db + "." + t + " values (1, 1)");
        }
        Thread.sleep(1500);
        startSource("probe-src", "pr", String.join(",", tables.stream().map(t -> db + "." + t).toList()),
                Map.of("idle.reads.per.second", "1"));
        for (String t : tables) {
            assertThat(events("pr." + db + "." + t, 1)).extracting(Event::op).containsExactly("r");
        }
        for (String t : tables) { // each table quiet when it changes: an idle read would find it within 4 s, a probe sooner
            exec(sql, "insert into " + db + "." + t + " values (2, 2)", "update " + db + "." + t + " set v = 10 where id = 1");
            assertThat(events("pr." + db + "." + t, 3).subList(1, 3)).extracting(Event::describe)
                    .containsExactlyInAnyOrder("c 2 2", "u 1 10");
        }
        assertThat(taskMetric("probe-src", "Probes")).isPositive();
        assertThat(taskMetric("probe-src", "WakeUps")).as("no change was found by a probe first").isPositive();
        cluster.deleteConnector("probe-src");
    }

    @Test
    void anIdleTablePassesItsQuietSpanInOneStepAndLosesNoChangeAfterIt() throws Exception {
        exec(sql, "create table " + db + ".idle (id int primary key, v int)", "insert into " + db + ".idle values (1, 1), (2, 2)");
        // Windows of at most 50 ms, an idle read every 500 ms: read window by window, each read would take ten diffs.
        startSource("span-src", "sp", db + ".idle", Map.of("window.max.ms", "50", "poll.interval.ms", "500"));
        String topic = "sp." + db + ".idle";
        assertThat(events(topic, 2)).extracting(Event::op).containsExactly("r", "r");
        long before = taskMetric("span-src", "Windows");
        Thread.sleep(5_000);
        long windows = taskMetric("span-src", "Windows") - before;
        // ~10 reads in 5 s: one step each when passed whole, ~100 windows when read 50 ms at a time.
        assertThat(windows).as("windows over 5 idle seconds").isBetween(1L, 30L);

        exec(sql, "insert into " + db + ".idle values (3, 3)", "update " + db + ".idle set v = 20 where id = 2",
                "delete from " + db + ".idle where id = 1");
        assertThat(events(topic, 6).subList(2, 6)).extracting(Event::describe)
                .containsExactlyInAnyOrder("c 3 3", "u 2 20", "d 1 1", "tombstone 1");
        cluster.deleteConnector("span-src");
    }

    @Test
    void spreadsTablesOverTasksAndResumesAfterPauseWithoutLoss() throws Exception {
        for (int t = 1; t <= 3; t++) {
            exec(sql, "create table " + db + ".multi" + t + " (id int primary key, v varchar(20))",
                    "insert into " + db + ".multi" + t + " values (1, 'a'), (2, 'b')");
        }
        startSource("multi-src", "m", db + ".multi1," + db + ".multi2," + db + ".multi3", Map.of("tasks.max", "2"));
        cluster.assertions().assertConnectorAndExactlyNumTasksAreRunning("multi-src", 2, "two tasks");
        assertThat(cluster.connectorStatus("multi-src").tasks()).hasSize(2);
        for (int t = 1; t <= 3; t++) {
            // Rows committed after the snapshot's horizon arrive as creates instead of reads.
            assertThat(events("m." + db + ".multi" + t, 2)).extracting(e -> e.describe().substring(2))
                    .containsExactly("1 a", "2 b");
        }

        cluster.pauseConnector("multi-src");
        cluster.assertions().assertConnectorAndExactlyNumTasksArePaused("multi-src", 2, "not paused");
        exec(sql, "insert into " + db + ".multi1 values (3, 'while paused')", "update " + db + ".multi2 set v = 'changed' where id = 1");
        Thread.sleep(3000);
        cluster.resumeConnector("multi-src");

        assertThat(events("m." + db + ".multi1", 3).get(2).describe()).isEqualTo("c 3 while paused");
        assertThat(events("m." + db + ".multi2", 3).get(2).describe()).isEqualTo("u 1 changed");
        cluster.deleteConnector("multi-src");
    }

    @Test
    void readsATasksTablesOnSeveralConnectionsSideBySideAndStopsThemWithTheTask() throws Exception {
        for (int t = 1; t <= 3; t++) {
            exec(sql, "create table " + db + ".lane" + t + " (id int primary key, v varchar(20))",
                    "insert into " + db + ".lane" + t + " values (1, 'a')");
        }
        Thread.sleep(1500);
        String started = rows(sql, "select utc_timestamp(6)").get(0).get(0); // fence rows of earlier runs are older
        startSource("lanes-src", "ln", db + ".lane1," + db + ".lane2," + db + ".lane3", Map.of("read.connections", "2"));
        for (int t = 1; t <= 3; t++) {
            assertThat(events("ln." + db + ".lane" + t, 1)).extracting(Event::describe).containsExactly("r 1 a");
        }
        for (int t = 1; t <= 3; t++) {
            exec(sql, "insert into " + db + ".lane" + t + " values (2, 'b" + t + "')");
        }
        for (int t = 1; t <= 3; t++) {
            assertThat(events("ln." + db + ".lane" + t, 2)).extracting(Event::describe).containsExactly("r 1 a", "c 2 b" + t);
        }
        // One task, two connections on one CN: both read the task's tables, up to the task's horizon, fenced once for
        // both (one fence row for the task, none per lane).
        assertThat(readThreads("lanes-src")).containsExactlyInAnyOrder("mo-cdc-read-lanes-src-0-0", "mo-cdc-read-lanes-src-0-1");
        assertThat(rows(sql, "select task from " + SnapshotProgress.DEFAULT_STATE_DATABASE
                + ".fence where task like 'lanes-src/%' and fenced_at >= '" + started + "' order by task"))
                .containsExactly(List.of("lanes-src/0"));
        cluster.deleteConnector("lanes-src");
        TestUtils.waitForCondition(() -> readThreads("lanes-src").isEmpty(), 30_000, "the task's read threads outlived it");
    }

    /** The names of the live read threads of a connector's tasks in this JVM's worker. */
    private static List<String> readThreads(String connector) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("mo-cdc-read-" + connector + "-")).toList();
    }

    @Test
    void restartMidSnapshotResumesFromTheLastKeyWithNothingLost() throws Exception {
        exec(sql, "create table " + db + ".big (id int primary key, v int)");
        exec(sql, "insert into " + db + ".big select result, result * 2 from generate_series(1, 5000) g");
        startSource("big-src", "b", db + ".big", Map.of("snapshot.fetch.size", "100", "poll.interval.ms", "200"));
        String topic = "b." + db + ".big";
        TestUtils.waitForCondition(() -> count(topic) >= 300, 60_000, "snapshot started");

        cluster.stopConnector("big-src");
        cluster.resumeConnector("big-src");
        exec(sql, "insert into " + db + ".big values (5001, 10002)");

        TestUtils.waitForCondition(() -> keys(topic).size() == 5001, 120_000, () -> "distinct keys: " + keys(topic).size());
        Set<Integer> keys = keys(topic);
        assertThat(keys).hasSize(5001).contains(1, 2500, 5000, 5001);
        cluster.deleteConnector("big-src");
    }

    @Test
    void taskRestartsWhileChangesFlowLoseNothing() throws Exception {
        exec(sql, "create table " + db + ".churn (id int primary key, v int)");
        startSource("churn-src", "ch", db + ".churn", Map.of("poll.interval.ms", "200"));
        String topic = "ch." + db + ".churn";
        try (Connection writer = Connections.open(source)) {
            for (int i = 1; i <= 300; i++) {
                exec(writer, "insert into " + db + ".churn values (" + i + ", " + i + ")");
                if (i == 100 || i == 200) {
                    // A task restart mid-stream, as after a worker crash or a rebalance.
                    cluster.restartConnectorAndTasks("churn-src", false, true, false);
                }
            }
            exec(writer, "update " + db + ".churn set v = -1 where id = 150");
        }
        TestUtils.waitForCondition(() -> keys(topic).size() == 300, 90_000, () -> "distinct keys: " + keys(topic).size());
        // Replayed windows may repeat records (at-least-once without exactly-once support), never skip one.
        // Changes are net per window: if the insert and the update of 150 share a window, one create carries -1.
        TestUtils.waitForCondition(() -> allEvents(topic).stream().anyMatch(e -> e.describe().matches("[cu] 150 -1")),
                60_000, "the update after the restarts arrives");
        cluster.deleteConnector("churn-src");
    }

    @Test
    void capturesEveryTypeWithoutLoss() throws Exception {
        exec(sql, "create table " + db + ".types (id int primary key, u64 bigint unsigned, dec decimal(38,10), f float, "
                        + "dt datetime(6), tm time(6), d date, b bool, j json, bl blob, uid uuid, "
                        + "v32 vecf32(3), txt text)",
                "insert into " + db + ".types values (1, 18446744073709551615, 1234567890123456789012345678.0123456789, 1.5, "
                        + "'2024-01-01 10:00:00.123456', '-25:00:01.000005', '2024-02-29', true, '{\"a\": 1}', 'xyz', "
                        + "'0195dbb6-e31e-7572-bfdb-812fd02714a1', '[1.5, -2, 0]', 'héllo')");
        startSource("types-src", "t", db + ".types", Map.of());
        Struct row = events("t." + db + ".types", 1).get(0).after();

        assertThat(row.get("u64").toString()).isEqualTo("18446744073709551615");
        assertThat(row.get("dec").toString()).isEqualTo("1234567890123456789012345678.0123456789");
        assertThat(row.getFloat32("f")).isEqualTo(1.5f);
        assertThat(row.getInt64("dt")).isEqualTo(1_704_103_200_123_456L);
        assertThat(row.getInt64("tm")).isEqualTo(-((25L * 3600 + 1) * 1_000_000L + 5));
        assertThat(((java.util.Date) row.get("d")).getTime()).isEqualTo(19_782L * 86_400_000L);
        assertThat(row.getBoolean("b")).isTrue();
        assertThat(row.getString("j")).isEqualTo("{\"a\": 1}");
        assertThat(new String(row.getBytes("bl"), StandardCharsets.UTF_8)).isEqualTo("xyz");
        assertThat(row.getString("uid")).isEqualTo("0195dbb6-e31e-7572-bfdb-812fd02714a1");
        assertThat(row.getArray("v32")).containsExactly(1.5f, -2f, 0f);
        assertThat(row.getString("txt")).isEqualTo("héllo");
        cluster.deleteConnector("types-src");
    }

    @Test
    void streamsEveryTypeThroughTheDiffAsFlatRowsWithHeartbeatsWhileIdle() throws Exception {
        String table = db + ".flat_types";
        exec(sql, "create table " + table + " (id int primary key, i8 tinyint, i16 smallint, i64 bigint, u8 tinyint unsigned, "
                + "u16 smallint unsigned, u32 int unsigned, u64 bigint unsigned, dec decimal(20,4), dbl double, c char(5), "
                + "vc varchar(30), dt3 datetime(3), ts timestamp(6), tm time, d date, bin binary(3), vbin varbinary(10), "
                + "v64 vecf64(2), j json)");
        startSource("flat-src", "f", table, Map.of("envelope", "flat", "heartbeat.interval.ms", "500"));
        // The table is empty and idle: heartbeats keep its offset moving.
        assertThat(cluster.kafka().consume(2, 60_000, "__mo_cdc_heartbeat.f").count()).isGreaterThanOrEqualTo(2);

        exec(sql, "insert into " + table + " values (1, -128, -32768, -9223372036854775808, 255, 65535, 4294967295, "
                        + "18446744073709551615, -1234567890123456.7891, 2.5e-300, 'ab', 'varchar ü', '2024-03-01 12:34:56.789', "
                        + "'2024-03-01 12:34:56.654321', '838:59:59', '1970-01-01', 'abc', 'xy', '[1.25, -3]', '[1, \"x\"]')",
                "insert into " + table + " (id) values (2)");
        String topic = "f." + table;
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        cluster.kafka().consume(2, 90_000, topic).forEach(records::add);
        Struct row = records.stream().map(r -> (Struct) ConnectJson.readValue(r.value()).value())
                .filter(r -> r.getInt32("id") == 1).findFirst().orElseThrow();
        assertThat(row.getInt8("i8")).isEqualTo((byte) -128);
        assertThat(row.getInt16("i16")).isEqualTo((short) -32768);
        assertThat(row.getInt64("i64")).isEqualTo(Long.MIN_VALUE);
        assertThat(row.getInt16("u8")).isEqualTo((short) 255);
        assertThat(row.getInt32("u16")).isEqualTo(65535);
        assertThat(row.getInt64("u32")).isEqualTo(4294967295L);
        assertThat(row.get("u64").toString()).isEqualTo("18446744073709551615");
        assertThat(row.get("dec").toString()).isEqualTo("-1234567890123456.7891");
        assertThat(row.getFloat64("dbl")).isEqualTo(2.5e-300);
        assertThat(row.getString("c")).isEqualTo("ab");
        assertThat(row.getString("vc")).isEqualTo("varchar ü");
        assertThat(((java.util.Date) row.get("dt3")).getTime()).isEqualTo(java.time.Instant.parse("2024-03-01T12:34:56.789Z").toEpochMilli());
        assertThat(row.getInt64("ts")).isEqualTo(java.time.Instant.parse("2024-03-01T12:34:56Z").getEpochSecond() * 1_000_000L + 654_321L);
        assertThat(row.getInt64("tm")).isEqualTo((838L * 3600 + 59 * 60 + 59) * 1_000_000L);
        assertThat(((java.util.Date) row.get("d")).getTime()).isZero();
        assertThat(row.getBytes("bin")).isEqualTo("abc".getBytes(StandardCharsets.UTF_8));
        assertThat(row.getBytes("vbin")).isEqualTo("xy".getBytes(StandardCharsets.UTF_8));
        assertThat(row.getArray("v64")).containsExactly(1.25, -3.0);
        assertThat(row.getString("j")).contains("\"x\"");
        assertThat(row.schema().field("dec").schema().parameters()).containsEntry(ChangeEvent.COLUMN_TYPE_PARAM, "DECIMAL(20,4)");
        Struct nulls = records.stream().map(r -> (Struct) ConnectJson.readValue(r.value()).value())
                .filter(r -> r.getInt32("id") == 2).findFirst().orElseThrow();
        assertThat(nulls.get("u64")).isNull();
        assertThat(nulls.get("v64")).isNull();

        // A flat delete is one tombstone.
        exec(sql, "delete from " + table + " where id = 2");
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        cluster.kafka().consume(3, 90_000, topic).forEach(all::add);
        Thread.sleep(2000);
        all.clear();
        cluster.kafka().consumeAll(20_000, topic).forEach(all::add);
        assertThat(all).hasSize(3);
        assertThat(all.get(2).value()).isNull();
        assertThat(((Struct) ConnectJson.readKey(all.get(2).key()).value()).getInt32("id")).isEqualTo(2);
        cluster.deleteConnector("flat-src");
    }

    @Test
    void validateRefusesTablesWithoutPitrOrPrimaryKeyAndSaysWhatToDo() throws Exception {
        // A fresh account has no PITR at all (the sys account may hold an account-level one).
        String account = Sql.uniqueDatabase("acct");
        exec(sql, "create account " + account + " admin_name 'admin' identified by 'pw111'",
                "create table " + db + ".nokey (a int, b int)", "create table " + db + ".withenum (id int primary key, e enum('a','b'))",
                "create table " + db + ".fenced (id int primary key)");
        try {
            MatrixOneUri tenant = MatrixOneUri.parse("mysql://" + account + "#admin:pw111@" + source.host() + ":" + source.port());
            try (Connection c = Connections.open(tenant)) {
                exec(c, "create database d", "create table d.t (id int primary key)");
            }
            Map<String, String> noPitr = sourceConfig("v", "v", "d.t");
            noPitr.put("connection.uri", tenant.unmasked());
            Map<String, List<String>> errors = errors(cluster.validateConnectorConfig("MatrixOneSourceConnector", noPitr));
            assertThat(errors).containsOnlyKeys("tables");
            assertThat(errors.get("tables").get(0)).contains("no PITR covers d.t").contains("create pitr");

            errors = errors(cluster.validateConnectorConfig("MatrixOneSourceConnector", sourceConfig("v", "v", db + ".nokey")));
            assertThat(errors.get("tables")).anySatisfy(e -> assertThat(e).contains("table " + db + ".nokey has no primary key"));
            errors = errors(cluster.validateConnectorConfig("MatrixOneSourceConnector", sourceConfig("v", "v", db + ".withenum")));
            assertThat(errors.get("tables")).anySatisfy(e -> assertThat(e).contains("has ENUM column(s) [e]"));
            errors = errors(cluster.validateConnectorConfig("MatrixOneSourceConnector", sourceConfig("v", "v", db + ".missing")));
            assertThat(errors.get("tables")).anySatisfy(e -> assertThat(e).contains("does not exist"));
            Map<String, String> badRegex = sourceConfig("v", "v", db + ".multi1");
            badRegex.put("exclude", "(unclosed");
            assertThat(errors(cluster.validateConnectorConfig("MatrixOneSourceConnector", badRegex))).containsOnlyKeys("exclude");
            // The state database must be writable: information_schema is not.
            Map<String, String> readOnlyFence = sourceConfig("v", "v", db + ".fenced");
            readOnlyFence.put("state.database", "information_schema");
            errors = errors(cluster.validateConnectorConfig("MatrixOneSourceConnector", readOnlyFence));
            assertThat(errors).containsOnlyKeys("state.database");
            assertThat(errors.get("state.database").get(0)).contains("cannot create or write the connector's tables in database "
                    + "information_schema").contains("grant it CREATE on that database");
        } finally {
            exec(sql, "drop account if exists " + account, "drop table " + db + ".nokey", "drop table " + db + ".withenum",
                    "drop table " + db + ".fenced");
        }
    }

    @Test
    void aCheckpointOlderThanThePitrWindowFailsClearlyOrResnapshots() throws Exception {
        exec(sql, "create table " + db + ".late (id int primary key)", "insert into " + db + ".late values (1)");
        // A start point before the PITR was created stands for a checkpoint that has fallen out of the window.
        String longAgo = String.valueOf(System.currentTimeMillis() * 1_000_000L - 3L * 3600 * 1_000_000_000L);
        startSourceNoWait("late-src", "l", db + ".late", Map.of("start.ts", longAgo));
        TestUtils.waitForCondition(() -> {
            var tasks = cluster.connectorStatus("late-src").tasks();
            return !tasks.isEmpty() && tasks.get(0).state().equals("FAILED");
        }, 60_000, "the task fails on a checkpoint outside the PITR window");
        assertThat(cluster.connectorStatus("late-src").tasks().get(0).trace())
                .contains("is older than its PITR window").contains("snapshot.mode=when_needed");
        cluster.deleteConnector("late-src");

        startSource("late-src2", "l2", db + ".late", Map.of("start.ts", longAgo, "snapshot.mode", "when_needed"));
        // A new snapshot at the horizon: a row committed after it arrives as a create.
        assertThat(events("l2." + db + ".late", 1).get(0).describe()).isIn("r 1 null", "c 1 null");
        cluster.deleteConnector("late-src2");
    }

    /**
     * A worker that dies before Connect commits any checkpoint has already sent snapshot rows. The
     * restarted snapshot must read at the same T0 (saved in mo_cdc.snapshot_start) so that the windows
     * after it retract rows deleted since; a new, later T0 would leave them in the target for good.
     */
    @Test
    void aSnapshotInterruptedBeforeItsFirstCheckpointRestartsAtTheSameTime() throws Exception {
        exec(sql, "create table " + db + ".again (id int primary key, v varchar(10))",
                "insert into " + db + ".again values (1, 'a'), (2, 'b'), (3, 'c')");
        Thread.sleep(1500);
        long t0 = Sql.serverNowNanos(sql);
        Thread.sleep(200);
        exec(sql, "delete from " + db + ".again where id = 2");
        // What the interrupted attempt of connector again-src saved before emitting its first row.
        exec(sql, "replace into mo_cdc.snapshot_start values ('again-src/" + db + ".again', " + t0 + ", utc_timestamp(6))");

        startSource("again-src", "ag", db + ".again", Map.of());
        List<Event> events = events("ag." + db + ".again", 5);
        assertThat(events.subList(0, 3)).extracting(Event::describe).containsExactly("r 1 a", "r 2 b", "r 3 c");
        assertThat(events.get(0).source().getInt64("ts_ns")).as("the saved T0").isEqualTo(t0);
        assertThat(events.subList(3, 5)).extracting(Event::describe).containsExactly("d 2 b", "tombstone 2");

        // Once a checkpoint past the snapshot is committed, the saved time is forgotten.
        TestUtils.waitForCondition(() -> Sql.rows(sql, "select t0 from mo_cdc.snapshot_start where capture = 'again-src/"
                + db + ".again'").isEmpty(), 60_000, "the saved snapshot time is forgotten");
        cluster.deleteConnector("again-src");
    }

    /** mo_cdc's --end-ts: the last window ends at end.ts; a change after it is never captured. */
    @Test
    void endTsEndsCapture() throws Exception {
        exec(sql, "create table " + db + ".ending (id int primary key, v varchar(10))");
        Thread.sleep(1500);
        long end = Sql.serverNowNanos(sql) + 4_000_000_000L;
        startSource("ending-src", "en", db + ".ending", Map.of("snapshot.mode", "never", "end.ts", String.valueOf(end)));
        exec(sql, "insert into " + db + ".ending values (1, 'before')");
        while (Sql.serverNowNanos(sql) <= end) {
            Thread.sleep(200);
        }
        exec(sql, "insert into " + db + ".ending values (2, 'after')");
        assertThat(events("en." + db + ".ending", 1).get(0).describe()).isEqualTo("c 1 before");
        // Well past the window that would hold row 2, the topic still holds row 1 only.
        Thread.sleep(4000);
        assertThat(allEvents("en." + db + ".ending")).extracting(Event::describe).containsExactly("c 1 before");
        assertThat(cluster.connectorStatus("ending-src").tasks().get(0).state()).isEqualTo("RUNNING");
        cluster.deleteConnector("ending-src");
    }

    // ---------------------------------------------------------------- helpers

    record Event(String op, Struct before, Struct after, Struct source, String target, Object key) {

        String describe() {
            if (op == null) {
                return "tombstone " + key;
            }
            Struct row = after != null ? after : before;
            // The describing column: the third (activity_type), else the second, else none.
            int fields = row.schema().fields().size();
            Object second = fields > 1 ? row.get(row.schema().fields().get(Math.min(2, fields - 1))) : null;
            return op + " " + row.get(row.schema().fields().get(0)) + " " + second;
        }
    }

    /** A counter of the connector's task 0 from its JMX metrics (SourceTaskMetrics), in this JVM's worker. */
    private static long taskMetric(String connector, String attribute) throws Exception {
        javax.management.ObjectName mbean = new javax.management.ObjectName("io.matrixone.cdc:type=source-task-metrics,connector="
                + javax.management.ObjectName.quote(connector) + ",task=" + javax.management.ObjectName.quote("0"));
        return (Long) java.lang.management.ManagementFactory.getPlatformMBeanServer().getAttribute(mbean, attribute);
    }

    private static List<Event> events(String topic, int atLeast) {
        return toEvents(cluster.kafka().consume(atLeast, 90_000, topic));
    }

    /** Every record in the topic now. */
    private static List<Event> allEvents(String topic) {
        try {
            return toEvents(cluster.kafka().consumeAll(20_000, topic));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Event> toEvents(Iterable<ConsumerRecord<byte[], byte[]>> records) {
        List<Event> events = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            Struct key = (Struct) ConnectJson.readKey(record.key()).value();
            Object keyValue = key.get(key.schema().fields().get(0));
            var header = record.headers().lastHeader(ChangeEvent.TARGET_TABLE_HEADER);
            String target = header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
            if (record.value() == null) {
                events.add(new Event(null, null, null, null, target, keyValue));
                continue;
            }
            Struct value = (Struct) ConnectJson.readValue(record.value()).value();
            events.add(new Event(value.getString("op"), value.getStruct("before"), value.getStruct("after"),
                    value.getStruct("source"), target, keyValue));
        }
        return events;
    }

    private static int count(String topic) {
        try {
            return cluster.kafka().consumeAll(10_000, topic).count();
        } catch (Exception e) {
            return 0;
        }
    }

    private static Set<Integer> keys(String topic) {
        Set<Integer> keys = new TreeSet<>();
        try {
            for (ConsumerRecord<byte[], byte[]> record : cluster.kafka().consumeAll(20_000, topic)) {
                keys.add(((Struct) ConnectJson.readKey(record.key()).value()).getInt32("id"));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return keys;
    }

    private static Map<String, List<String>> errors(ConfigInfos infos) {
        Map<String, List<String>> errors = new HashMap<>();
        infos.configs().forEach(info -> {
            if (!info.configValue().errors().isEmpty()) {
                errors.put(info.configValue().name(), info.configValue().errors());
            }
        });
        return errors;
    }

    private static Map<String, String> sourceConfig(String name, String prefix, String tables) {
        Map<String, String> config = new HashMap<>(ConnectJson.CONVERTER_CONFIG);
        config.put("name", name);
        config.put("connector.class", MatrixOneSourceConnector.class.getName());
        config.put("tasks.max", "1");
        config.put("connection.uri", source.unmasked());
        config.put("topic.prefix", prefix);
        config.put("tables", tables);
        config.put("poll.interval.ms", "300");
        config.put("topic.creation.default.replication.factor", "1");
        config.put("topic.creation.default.partitions", "1");
        return config;
    }

    private static void startSourceNoWait(String name, String prefix, String tables, Map<String, String> extra) {
        Map<String, String> config = sourceConfig(name, prefix, tables);
        config.putAll(extra);
        cluster.configureConnector(name, config);
    }

    private static void startSource(String name, String prefix, String tables, Map<String, String> extra) throws InterruptedException {
        startSourceNoWait(name, prefix, tables, extra);
        cluster.assertions().assertConnectorAndAtLeastNumTasksAreRunning(name, 1, "source did not start");
    }
}
