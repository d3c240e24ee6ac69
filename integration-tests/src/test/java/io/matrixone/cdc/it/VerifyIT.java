package io.matrixone.cdc.it;

import static io.matrixone.cdc.testing.Sql.exec;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.matrixone.cdc.common.TableId;
import io.matrixone.cdc.it.MoCdcRunner.Result;
import io.matrixone.cdc.testing.CdcDatabases;
import io.matrixone.cdc.testing.ConnectClusterHarness;
import io.matrixone.cdc.testing.MatrixOnePipelineExtension;
import io.matrixone.cdc.testing.RowWriter;
import io.matrixone.cdc.testing.Sql;
import io.matrixone.cdc.testing.TableComparison;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How far the target is and that it is exact, while writers write: the sink keeps each table's applied position on
 * the target in the transaction of its rows; 'task show' prints it as the checkpoint with each table's lag, and
 * 'task verify' compares the target with the source as it was at that position, table by table, passing while three
 * writers insert, update and delete and the task streams. A row changed and one deleted by hand on the target are
 * caught, named by key, with exit code 1; an empty table counts as equal.
 */
@ExtendWith(MatrixOnePipelineExtension.class)
class VerifyIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void verifyProvesTheTargetUnderLiveWritesAndCatchesAChangeMadeByHand(CdcDatabases dbs, ConnectClusterHarness connect)
            throws Exception {
        String task = "verify_it";
        List<String> busy = List.of("a", "b", "c");
        for (String table : busy) {
            exec(dbs.src, "create table " + dbs.srcDb + "." + table + " (id int primary key, n int, note varchar(20))",
                    "insert into " + dbs.srcDb + "." + table + " select result, 0, concat('row ', result) from generate_series(1, 300) g");
        }
        exec(dbs.src, "create table " + dbs.srcDb + ".empty (id int primary key, n int)");
        Result created = MoCdcRunner.runOn(connect.restUrl(), "task", "create", "--task-name", task, "--source-uri",
                dbs.source.unmasked(), "--sink-uri", dbs.target.unmasked(), "--level", "database", "--tables",
                dbs.srcDb + ".*:" + dbs.dstDb, "--wait", "120", "--envelope", "debezium"); // the other tasks here write flat rows
        assertThat(created.exit()).as(created.err()).isZero();
        List<RowWriter> writers = new ArrayList<>();
        try {
            for (String table : busy) {
                writers.add(new RowWriter(dbs.source, dbs.srcDb + "." + table, 1000));
            }
            awaitAppliedPositions(connect, task, busy.stream().map(t -> dbs.srcDb + "." + t).toList());
            Thread.sleep(3000); // some windows streamed under the writers

            Result shown = MoCdcRunner.runOn(connect.restUrl(), "task", "show", "--task-name", task,
                    "--bootstrap-servers", connect.cluster().kafka().bootstrapServers());
            assertThat(shown.exit()).as(shown.err()).isZero();
            JsonNode view = JSON.readTree(shown.out()).get(0);
            for (String table : busy) {
                assertThat(view.get("checkpoint").asText()).contains("\"" + dbs.srcDb + "." + table + "\": 20");
                assertThat(view.get("lag").asText()).containsPattern("\"" + dbs.srcDb + "." + table + "\": \\d+ ms");
                assertThat(view.get("kafka-checkpoint").asText()).contains(dbs.srcDb + "." + table);
            }
            // The empty table never had a record: with the brokers known, its checkpoint is the source's (its topic,
            // empty, is all applied), and its lag that of the source's checkpoint.
            awaitCheckpoint(connect, task, dbs.srcDb + ".empty");
            // The same position as a sink metric (the harness's worker runs in this JVM).
            javax.management.ObjectName metrics = new javax.management.ObjectName("io.matrixone.cdc:type=sink-task-metrics,connector="
                    + javax.management.ObjectName.quote(task + "-sink") + ",task=" + javax.management.ObjectName.quote("0"));
            long oldestApplied = (Long) java.lang.management.ManagementFactory.getPlatformMBeanServer()
                    .getAttribute(metrics, "OldestAppliedPositionMs");
            assertThat(oldestApplied).as("the sink's oldest applied position, epoch ms")
                    .isBetween(System.currentTimeMillis() - 600_000, System.currentTimeMillis() + 60_000);

            long began = System.nanoTime();
            Result live = MoCdcRunner.runOn(connect.restUrl(), "task", "verify", "--task-name", task);
            System.out.printf("verify under live writes: exit %d in %d ms%n%s", live.exit(), (System.nanoTime() - began) / 1_000_000,
                    live.err());
            assertThat(live.exit()).as(live.err()).isZero();
            Map<String, JsonNode> results = byTable(live.out());
            for (String table : busy) {
                JsonNode result = results.get(dbs.srcDb + "." + table);
                assertThat(result.get("result").asText()).isEqualTo("equal");
                assertThat(result.get("target").asText()).isEqualTo(dbs.dstDb + "." + table);
                assertThat(result.get("applied").asText()).startsWith("20");
                assertThat(result.get("detail").asText()).endsWith(" rows");
            }
            assertThat(results.get(dbs.srcDb + ".empty").get("result").asText()).isEqualTo("equal");
            assertThat(writers.stream().mapToInt(RowWriter::writes).sum()).as("the writers wrote throughout").isGreaterThan(30);
        } finally {
            for (RowWriter writer : writers) {
                writer.close();
            }
        }
        for (String table : busy) {
            TableComparison.awaitEqual(dbs.source, new TableId(dbs.srcDb, table), dbs.target, new TableId(dbs.dstDb, table),
                    Duration.ofMinutes(2));
        }

        // A divergence made by hand on the target: one row changed, one deleted.
        String changed = Sql.scalar(dbs.dst, "select min(id) from " + dbs.dstDb + ".b");
        String deleted = Sql.scalar(dbs.dst, "select max(id) from " + dbs.dstDb + ".b");
        exec(dbs.dst, "update " + dbs.dstDb + ".b set note = 'by hand' where id = " + changed,
                "delete from " + dbs.dstDb + ".b where id = " + deleted);
        Result caught = MoCdcRunner.runOn(connect.restUrl(), "task", "verify", "--task-name", task);
        assertThat(caught.exit()).as(caught.err()).isEqualTo(1);
        assertThat(caught.err()).contains("mo-cdc: task " + task + ": not equal or not checked: " + dbs.srcDb + ".b (different)");
        JsonNode b = byTable(caught.out()).get(dbs.srcDb + ".b");
        assertThat(b.get("result").asText()).isEqualTo("different");
        assertThat(b.get("detail").asText()).contains("(id=" + changed + ") differs").contains("(id=" + deleted + ") missing on the target");
        assertThat(byTable(caught.out()).get(dbs.srcDb + ".a").get("result").asText()).isEqualTo("equal");

        // Bounded: one table, then it stops and says so.
        Result bounded = MoCdcRunner.runOn(connect.restUrl(), "task", "verify", "--task-name", task, "--max-tables", "1");
        assertThat(bounded.exit()).as(bounded.err()).isZero();
        assertThat(bounded.err()).contains("verify: stopped after 1 of 4 tables");
        assertThat(MoCdcRunner.runOn(connect.restUrl(), "task", "drop", "--task-name", task).exit()).isZero();
    }

    private static void awaitAppliedPositions(ConnectClusterHarness connect, String task, List<String> tables) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        String checkpoint = "";
        while (System.nanoTime() < deadline) {
            Result shown = MoCdcRunner.runOn(connect.restUrl(), "task", "show", "--task-name", task);
            checkpoint = shown.exit() == 0 ? JSON.readTree(shown.out()).get(0).get("checkpoint").asText() : shown.err();
            String seen = checkpoint;
            if (tables.stream().allMatch(t -> seen.contains("\"" + t + "\": 20"))) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no applied position for every table of " + tables + ": " + checkpoint);
    }

    private static void awaitCheckpoint(ConnectClusterHarness connect, String task, String table) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        String shown = "";
        while (System.nanoTime() < deadline) {
            Result result = MoCdcRunner.runOn(connect.restUrl(), "task", "show", "--task-name", task,
                    "--bootstrap-servers", connect.cluster().kafka().bootstrapServers());
            shown = result.out();
            JsonNode view = result.exit() == 0 ? JSON.readTree(shown).get(0) : null;
            if (view != null && view.get("checkpoint").asText().contains("\"" + table + "\": 20")
                    && view.get("lag").asText().matches("(?s).*\"" + java.util.regex.Pattern.quote(table) + "\": \\d+ ms.*")) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no checkpoint for the idle table " + table + ": " + shown);
    }

    private static Map<String, JsonNode> byTable(String out) throws Exception {
        Map<String, JsonNode> results = new HashMap<>();
        JSON.readTree(out).forEach(row -> results.put(row.get("table").asText(), row));
        return results;
    }
}
