package io.matrixone.cdc.it.cli;

import static io.matrixone.cdc.testing.Sql.exec;
import static io.matrixone.cdc.testing.Sql.rows;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.matrixone.cdc.common.MatrixOneUri;
import io.matrixone.cdc.it.MoCdcRunner;
import io.matrixone.cdc.it.MoCdcRunner.Result;
import io.matrixone.cdc.testing.CdcDatabases;
import io.matrixone.cdc.testing.ConnectClusterHarness;
import io.matrixone.cdc.testing.MatrixOnePipelineExtension;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A task whose sink cannot write (the target table exists with a column type the rows do not fit) shows
 * as failed with the reason on one line and no password; once the cause is fixed, 'task restart' brings
 * it back and the rows arrive from where the sink stopped.
 */
@ExtendWith(MatrixOnePipelineExtension.class)
class TaskFailureIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TASK = "failing_sink";

    private static ConnectClusterHarness connect;
    private static MatrixOneUri source;
    private static MatrixOneUri target;
    private static Connection src;
    private static Connection dst;
    private static String db;
    private static String targetDb;

    @BeforeAll
    static void start(CdcDatabases dbs, ConnectClusterHarness harness) throws SQLException {
        source = dbs.source;
        target = dbs.target;
        src = dbs.src;
        dst = dbs.dst;
        db = dbs.srcDb;
        targetDb = dbs.dstDb;
        exec(src, "CREATE TABLE " + db + ".t (id INT PRIMARY KEY, v VARCHAR(20))", "INSERT INTO " + db + ".t VALUES (1, 'one'), (2, 'two')");
        // The trap: v is a number on the target, the rows carry words.
        exec(dst, "CREATE TABLE " + targetDb + ".t (id INT PRIMARY KEY, v INT)");
        connect = harness;
    }

    @Test
    void failedTaskShowsItsCauseAndRestartsOnceFixed() throws Exception {
        Result created = mocdc("task", "create", "--task-name", TASK, "--source-uri", source.unmasked(), "--sink-uri", target.unmasked(),
                "--tables", db + ".t:" + targetDb + ".t", "--wait", "90");
        // create waits for 'running' and reports the failure instead when the sink fails first.
        JsonNode shown = awaitState("failed");
        String error = shown.get("err-msg").asText();
        assertThat(error).isNotBlank().doesNotContain("\n").doesNotContain("\tat ").doesNotContain(":" + target.password() + "@");
        assertThat(shown.toString()).doesNotContain(":" + source.password() + "@");
        if (created.exit() != 0) {
            assertThat(created.err()).contains("task " + TASK + " failed: ");
        }

        exec(dst, "DROP TABLE " + targetDb + ".t"); // the sink creates it anew from the record schema
        Result restarted = mocdc("task", "restart", "--task-name", TASK, "--source-uri", source.unmasked());
        assertThat(restarted.exit()).as(restarted.err()).isZero();
        awaitTarget(List.of(List.of("1", "one"), List.of("2", "two")));
        assertThat(awaitState("running").get("err-msg").asText()).isEmpty();

        assertThat(mocdc("task", "drop", "--task-name", TASK).exit()).isZero();
    }

    @Test
    void dropClearsWhatACreateCutShortLeftBehind() {
        // Only the sink of a task exists, as when a create stopped between its two connectors.
        connect.cluster().configureConnector("half_task-sink", java.util.Map.of(
                "connector.class", "io.matrixone.cdc.sink.MatrixOneSinkConnector", "tasks.max", "1",
                "topics.regex", "half_task\\..*", "connection.uri", target.unmasked()));
        assertThat(mocdc("task", "show", "--task-name", "half_task").err()).contains("no task named 'half_task'");

        Result dropped = mocdc("task", "drop", "--task-name", "half_task");
        assertThat(dropped.exit()).as(dropped.err()).isZero();
        assertThat(connect.cluster().connectors()).doesNotContain("half_task-sink");
        assertThat(mocdc("task", "drop", "--task-name", "half_task").exit()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- helpers

    private static Result mocdc(String... args) {
        return MoCdcRunner.runOn(connect.restUrl(), args);
    }

    private static JsonNode awaitState(String state) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        JsonNode task;
        do {
            Result shown = mocdc("task", "show", "--task-name", TASK);
            assertThat(shown.exit()).as(shown.err()).isZero();
            task = JSON.readTree(shown.out()).get(0);
            if (task.get("state").asText().equals(state)) {
                return task;
            }
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        assertThat(task.get("state").asText()).as(task.toString()).isEqualTo(state);
        return task;
    }

    private static List<List<String>> targetRows() {
        try {
            return rows(dst, "SELECT id, v FROM " + targetDb + ".t ORDER BY id");
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
