package io.matrixone.cdc.it;

import static io.matrixone.cdc.testing.Sql.exec;
import static io.matrixone.cdc.testing.Sql.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.common.MatrixOneUri;
import io.matrixone.cdc.it.MoCdcRunner.Result;
import io.matrixone.cdc.testing.CdcDatabases;
import io.matrixone.cdc.testing.ConnectClusterHarness;
import io.matrixone.cdc.testing.MatrixOnePipelineExtension;
import io.matrixone.cdc.testing.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The product brief's scenario, step by step, through the real {@code mo-cdc} commands against two real
 * MatrixOne servers and a real Connect cluster: create, show, full sync, incremental sync, pause with a
 * change while paused, resume, then delete and drop. The table names are the brief's, in per-run
 * databases so runs never see each other.
 */
@ExtendWith(MatrixOnePipelineExtension.class)
class ScenarioIT {

    private static final String PASSWORD = "111";

    private static MatrixOneUri source;
    private static MatrixOneUri target;
    private static Connection src;
    private static Connection dst;
    private static ConnectClusterHarness connect;
    private static String prodDb;
    private static String analyticsDb;

    @BeforeAll
    static void start(CdcDatabases dbs, ConnectClusterHarness harness) {
        // The brief creates an account-level PITR; an account holds only one, so the test has a database PITR.
        source = dbs.source;
        target = dbs.target;
        src = dbs.src;
        dst = dbs.dst;
        prodDb = dbs.srcDb;
        analyticsDb = dbs.dstDb;
        connect = harness;
    }

    @Test
    void theProductScenarioEndToEnd() throws Exception {
        exec(src, "CREATE TABLE " + prodDb + ".user_activities (activity_id INT PRIMARY KEY, user_id INT, "
                        + "activity_type VARCHAR(50), timestamp DATETIME, device VARCHAR(20))",
                "INSERT INTO " + prodDb + ".user_activities VALUES (1, 1001, 'login', '2024-01-01 09:00:00', 'mobile'),"
                        + "(2, 1002, 'like', '2024-01-01 10:15:00', 'desktop'), (3, 1003, 'comment', '2024-01-02 14:30:00', 'mobile')");

        Result created = mocdc("task", "create", "--task-name", "activity_sync", "--source-uri", sourceUri(),
                "--sink-type", "matrixone", "--sink-uri", targetUri(), "--level", "table",
                "--tables", prodDb + ".user_activities:" + analyticsDb + ".analytics_activities");
        assertThat(created.exit()).as(created.err()).isZero();
        // Snapshot progress on the terminal, per table, until the copy is done.
        assertThat(created.err()).containsPattern("snapshot " + prodDb + "\\.user_activities: \\d / \\d rows \\(100%\\) done");
        // Only this task's tables: not those an earlier task of the same name copied.
        assertThat(created.err().lines().filter(line -> line.startsWith("snapshot ")))
                .allMatch(line -> line.startsWith("snapshot " + prodDb + ".user_activities: "));

        Result show = mocdc("task", "show", "--task-name", "activity_sync", "--source-uri", sourceUri());
        assertThat(show.exit()).as(show.err()).isZero();
        assertThat(show.out()).startsWith("[\n  {\n    \"task-id\": \"")
                .contains("\"task-name\": \"activity_sync\"",
                        "\"source-uri\": \"mysql://root:******@" + source.host() + ":" + source.port() + "\"",
                        "\"sink-uri\": \"mysql://root:******@" + target.host() + ":" + target.port() + "\"",
                        "\"state\": \"running\"", "\"err-msg\": \"\"", "\"checkpoint\": \"{\\n", "\"timestamp\": \"",
                        "\"tables\": \"{\\n  \\\"" + prodDb + ".user_activities\\\": ")
                .doesNotContain(PASSWORD + "@");

        awaitTarget(List.of(row(1, 1001, "login", "2024-01-01 09:00:00", "mobile"), row(2, 1002, "like", "2024-01-01 10:15:00", "desktop"),
                row(3, 1003, "comment", "2024-01-02 14:30:00", "mobile")));

        exec(src, "INSERT INTO " + prodDb + ".user_activities VALUES (4, 1004, 'share', '2024-01-03 16:45:00', 'desktop')",
                "UPDATE " + prodDb + ".user_activities SET activity_type = 'logout' WHERE activity_id = 1");
        List<List<String>> afterIncrement = List.of(row(1, 1001, "logout", "2024-01-01 09:00:00", "mobile"),
                row(2, 1002, "like", "2024-01-01 10:15:00", "desktop"), row(3, 1003, "comment", "2024-01-02 14:30:00", "mobile"),
                row(4, 1004, "share", "2024-01-03 16:45:00", "desktop"));
        awaitTarget(afterIncrement);

        assertThat(mocdc("task", "pause", "--task-name", "activity_sync", "--source-uri", sourceUri()).exit()).isZero();
        assertThat(mocdc("task", "show", "--task-name", "activity_sync", "--source-uri", sourceUri()).out()).contains("\"state\": \"paused\"");
        exec(src, "INSERT INTO " + prodDb + ".user_activities VALUES (5, 1005, 'login', '2024-01-04 08:00:00', 'mobile')");
        Thread.sleep(4000);
        assertThat(targetRows()).as("nothing moves while paused").isEqualTo(afterIncrement);

        assertThat(mocdc("task", "resume", "--task-name", "activity_sync", "--source-uri", sourceUri()).exit()).isZero();
        List<List<String>> all = new ArrayList<>(afterIncrement);
        all.add(row(5, 1005, "login", "2024-01-04 08:00:00", "mobile"));
        awaitTarget(all);

        exec(src, "DELETE FROM " + prodDb + ".user_activities WHERE activity_id = 2");
        all.remove(1);
        awaitTarget(all);

        Result list = mocdc("task", "list");
        assertThat(list.out()).contains("\"task-name\": \"activity_sync\"").doesNotContain(PASSWORD + "@");

        // With --connect-url, drop deletes the task's topics through the brokers it is given.
        String topic = "activity_sync." + prodDb + ".user_activities";
        assertThat(topics()).contains(topic);
        // mo-cdc's tasks write flat rows unless --envelope debezium: the row's columns are the payload itself.
        assertThat(firstValue(topic)).contains("\"payload\":{\"activity_id\":").doesNotContain("\"op\":");
        // The running task keeps its capture state on the source (a fence row, or fences logged in window_log).
        assertThat(sourceStateRows("fence", "task") + sourceStateRows("window_log", "task")).isPositive();
        Result drop = mocdc("task", "drop", "--task-name", "activity_sync", "--source-uri", sourceUri(),
                "--bootstrap-servers", connect.cluster().kafka().bootstrapServers());
        assertThat(drop.exit()).as(drop.err()).isZero();
        // Topics are listed in name order; the heartbeat topic (__mo_cdc_heartbeat.<task>) exists once a heartbeat went out.
        assertThat(drop.err()).containsPattern("deleted topics (__mo_cdc_heartbeat\\.activity_sync, )?" + java.util.regex.Pattern.quote(topic));
        assertThat(topics()).noneMatch(t -> t.startsWith("activity_sync."));
        assertThat(connect.cluster().connectors()).doesNotContain("activity_sync-source", "activity_sync-sink");
        assertThat(mocdc("task", "show", "--task-name", "activity_sync").err()).contains("no task named 'activity_sync'");
        // ... and none of it outlives the task: a task created again under the name starts afresh.
        for (String[] table : new String[][] {{"fence", "task"}, {"window_log", "task"}, {"snapshot_start", "capture"},
                {"window_end", "capture"}, {"snapshot_progress", "capture"}, {"table_state", "capture"}}) {
            assertThat(sourceStateRows(table[0], table[1])).as("rows of the dropped task in mo_cdc." + table[0]).isZero();
        }
    }

    @Test
    void badInputGivesOneLineErrorsAndExitCodes() {
        Result usage = mocdc("task", "create", "--task-name", "x");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).contains("Missing required options");

        Result badUri = mocdc("task", "create", "--task-name", "x", "--source-uri", "postgres://u:secret@h:1",
                "--sink-uri", targetUri(), "--tables", "a.b");
        assertThat(badUri.exit()).isEqualTo(1);
        assertThat(badUri.err()).startsWith("mo-cdc: invalid --source-uri").doesNotContain("secret").doesNotContain("\tat ");

        Result unreachable = mocdc("task", "create", "--task-name", "x", "--source-uri", "mysql://root:secret@127.0.0.1:1",
                "--sink-uri", targetUri(), "--tables", "a.b");
        assertThat(unreachable.exit()).isEqualTo(1);
        assertThat(unreachable.err().strip()).startsWith("mo-cdc: source: cannot connect to MatrixOne at mysql://root:******@127.0.0.1:1")
                .doesNotContain("secret").doesNotContain("\n");

        Result noTable = mocdc("task", "create", "--task-name", "nopk", "--source-uri", sourceUri(), "--sink-uri", targetUri(),
                "--tables", "mo_catalog.nothing_here");
        assertThat(noTable.exit()).isEqualTo(1);
        assertThat(noTable.err()).contains("mo-cdc: task 'nopk' not created: source tables:");

        Result noConnect = MoCdcRunner.run("task", "show", "--task-name", "x", "--connect-url", "http://127.0.0.1:1");
        assertThat(noConnect.exit()).isEqualTo(1);
        assertThat(noConnect.err().strip()).isEqualTo("mo-cdc: cannot reach Kafka Connect at http://127.0.0.1:1");
    }

    // ---------------------------------------------------------------- helpers

    /** Runs mo-cdc against the test's Connect cluster. */
    private static Result mocdc(String... args) {
        return MoCdcRunner.runOn(connect.restUrl(), args);
    }

    private static java.util.Set<String> topics() throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(java.util.Map.of(
                "bootstrap.servers", connect.cluster().kafka().bootstrapServers()))) {
            return admin.listTopics().names().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** The rows of the task's source connector in a table of the source's state database (keys "<connector>/..."). */
    private static long sourceStateRows(String table, String keyColumn) throws SQLException {
        return Long.parseLong(Sql.scalar(src, "select count(*) from mo_cdc." + table + " where " + keyColumn
                + " like 'activity\\_sync-source/%'"));
    }

    /** The value of the first record in {@code topic}, as text. */
    private static String firstValue(String topic) {
        try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(
                java.util.Map.of("bootstrap.servers", connect.cluster().kafka().bootstrapServers(), "auto.offset.reset", "earliest",
                        "group.id", "scenario-it-reader"),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(), new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    return new String(record.value(), java.nio.charset.StandardCharsets.UTF_8);
                }
            }
        }
        throw new AssertionError("no record in " + topic + " within 30 s");
    }

    private static String sourceUri() {
        return "mysql://root:" + PASSWORD + "@" + source.host() + ":" + source.port();
    }

    private static String targetUri() {
        return "mysql://root:" + PASSWORD + "@" + target.host() + ":" + target.port();
    }

    private static List<String> row(int id, int user, String type, String when, String device) {
        return List.of(String.valueOf(id), String.valueOf(user), type, when, device);
    }

    private static List<List<String>> targetRows() {
        try {
            return rows(dst, "select activity_id, user_id, activity_type, date_format(timestamp, '%Y-%m-%d %H:%i:%s'), device from "
                    + analyticsDb + ".analytics_activities order by activity_id");
        } catch (SQLException e) {
            return List.of();
        }
    }

    private static void awaitTarget(List<List<String>> expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline && !targetRows().equals(expected)) {
            Thread.sleep(250);
        }
        assertThat(targetRows()).isEqualTo(expected);
    }
}
