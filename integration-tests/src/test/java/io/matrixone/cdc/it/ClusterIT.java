package io.matrixone.cdc.it;

import static io.matrixone.cdc.testing.Sql.exec;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.TableId;
import io.matrixone.cdc.testing.CdcDatabases;
import io.matrixone.cdc.testing.ConnectClusterHarness;
import io.matrixone.cdc.testing.ConnectJson;
import io.matrixone.cdc.testing.MatrixOnePipelineExtension;
import io.matrixone.cdc.testing.RowWriter;
import io.matrixone.cdc.testing.Sql;
import io.matrixone.cdc.testing.TableComparison;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.kafka.connect.util.clusters.WorkerHandle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * mo-cdc past one Connect worker: a cluster of three workers (one broker) runs a source over eight tables with
 * tasks.max=4 and a sink with tasks.max=4 while writers insert, update and delete in every table. While it streams,
 * one worker is stopped (its tasks move to the others), a new worker joins (tasks spread to it), and one source task
 * is restarted through REST. After each, a marker row written to every table must reach the target; the time that
 * takes is printed as how long the rebalance held the stream up. At the end every target table equals its source
 * (columns, count and checksum over every column). Once with exactly-once source support, once without. And the
 * same cluster driven by {@code mo-cdc} alone, given all three workers' URLs: create with --tasks 4, show (each
 * connector task's worker), list, pause, resume, restart and drop, going on when the first worker of its list is down.
 */
@ExtendWith(MatrixOnePipelineExtension.class)
class ClusterIT {

    private static final int TABLES = 8;
    private static final int TASKS = 4;
    private static final Duration HOLD_UP_LIMIT = Duration.ofMinutes(3);
    /**
     * How long the workers wait for a departed worker to come back before they reassign its tasks (Connect's default
     * is 5 minutes): a stopped worker's tasks move after this.
     */
    private static final Map<String, String> WORKER_PROPS = Map.of("scheduled.rebalance.max.delay.ms", "10000");

    @Test
    void streamsExactlyThroughRebalancesWithoutExactlyOnceSupport(CdcDatabases dbs) throws Exception {
        run(dbs, false);
    }

    @Test
    void streamsExactlyThroughRebalancesWithExactlyOnceSupport(CdcDatabases dbs) throws Exception {
        run(dbs, true);
    }

    @Test
    void moCdcRunsTheTaskWorkflowOnTheClusterThroughAnyOfItsWorkers(CdcDatabases dbs) throws Exception {
        String task = "cli";
        List<String> tables = createTables(dbs);
        try (ConnectClusterHarness connect = ConnectClusterHarness.start("cluster-cli", false, 3, WORKER_PROPS)) {
            EmbeddedConnectCluster cluster = connect.cluster();
            List<WorkerHandle> workers = new ArrayList<>(cluster.workers());
            List<String> urls = workers.stream().map(w -> w.url().toString().replaceAll("/+$", "")).toList();
            String connectUrls = String.join(",", urls);
            long began = System.nanoTime();
            MoCdcRunner.Result created = MoCdcRunner.runOn(connectUrls, "task", "create", "--task-name", task,
                    "--source-uri", dbs.source.unmasked(), "--sink-uri", dbs.target.unmasked(), "--level", "database",
                    "--tables", dbs.srcDb + ".*:" + dbs.dstDb, "--tasks", String.valueOf(TASKS), "--wait", "180");
            assertThat(created.exit()).as(created.err()).isZero();
            awaitRunning(cluster, task);
            List<RowWriter> writers = new ArrayList<>();
            try {
                for (String table : tables) {
                    writers.add(new RowWriter(dbs.source, dbs.srcDb + "." + table, 1000));
                }
                markersArrive(dbs, tables, 1);
                System.out.printf("cluster cli: created and streaming in %.1f s%n", (System.nanoTime() - began) / 1e9);

                JsonNode shown = show(connectUrls, task);
                assertThat(shown.get("state").asText()).isEqualTo("running");
                String placement = shown.get("workers").asText();
                for (int t = 0; t < TASKS; t++) {
                    assertThat(placement).contains("\"" + task + "-source/" + t + "\": RUNNING on ")
                            .contains("\"" + task + "-sink/" + t + "\": RUNNING on ");
                }
                assertThat(workerIdsIn(placement)).as("the tasks are spread over the workers: " + placement).hasSizeGreaterThan(1)
                        .isSubsetOf(workers.stream().map(ClusterIT::workerId).toList());
                MoCdcRunner.Result listed = MoCdcRunner.runOn(connectUrls, "task", "list");
                assertThat(listed.out()).contains("\"task-name\": \"" + task + "\"");

                expectExit(MoCdcRunner.runOn(connectUrls, "task", "pause", "--task-name", task), 0);
                assertThat(show(connectUrls, task).get("state").asText()).isEqualTo("paused");
                expectExit(MoCdcRunner.runOn(connectUrls, "task", "resume", "--task-name", task), 0);
                markersArrive(dbs, tables, 2);

                // The first worker of the list goes away: every command goes on through the next one.
                WorkerHandle first = workers.get(0);
                String firstId = workerId(first);
                cluster.removeWorker(first);
                awaitTasksLeave(cluster, task, firstId);
                MoCdcRunner.Result failover = MoCdcRunner.runOn(connectUrls, "task", "show", "--task-name", task);
                assertThat(failover.exit()).as(failover.err()).isZero();
                assertThat(failover.err()).contains("Kafka Connect not reachable at " + urls.get(0) + "; using " + urls.get(1));
                assertThat(show(connectUrls, task).get("workers").asText()).doesNotContain(firstId);
                markersArrive(dbs, tables, 3);

                expectExit(MoCdcRunner.runOn(connectUrls, "task", "restart", "--task-name", task), 0);
                markersArrive(dbs, tables, 4);
            } finally {
                for (RowWriter writer : writers) {
                    writer.close();
                }
            }
            awaitAllEqual(dbs, tables);
            MoCdcRunner.Result dropped = MoCdcRunner.runOn(connectUrls, "task", "drop", "--task-name", task);
            assertThat(dropped.exit()).as(dropped.err()).isZero();
            assertThat(cluster.connectors()).doesNotContain(task + "-source", task + "-sink");
            System.out.printf("cluster cli: whole workflow through mo-cdc in %.1f s%n", (System.nanoTime() - began) / 1e9);
        }
    }

    private static void awaitAllEqual(CdcDatabases dbs, List<String> tables) throws Exception {
        for (String table : tables) {
            TableComparison.awaitEqual(dbs.source, new TableId(dbs.srcDb, table), dbs.target, new TableId(dbs.dstDb, table),
                    Duration.ofMinutes(3));
        }
    }

    private static JsonNode show(String connectUrls, String task) throws Exception {
        MoCdcRunner.Result shown = MoCdcRunner.runOn(connectUrls, "task", "show", "--task-name", task);
        assertThat(shown.exit()).as(shown.err()).isZero();
        return new ObjectMapper().readTree(shown.out()).get(0);
    }

    private static void expectExit(MoCdcRunner.Result result, int exit) {
        assertThat(result.exit()).as(result.err()).isEqualTo(exit);
    }

    /** The workers named in task show's "workers" text ("... RUNNING on host:port,"). */
    private static Set<String> workerIdsIn(String placement) {
        Set<String> ids = new HashSet<>();
        java.util.regex.Matcher m = Pattern.compile(" on ([^,\\s]+),").matcher(placement);
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    private static List<String> createTables(CdcDatabases dbs) throws Exception {
        List<String> tables = new ArrayList<>();
        for (int i = 1; i <= TABLES; i++) {
            String table = "t" + i;
            tables.add(table);
            exec(dbs.src, "create table " + dbs.srcDb + "." + table + " (id int primary key, n int)",
                    "insert into " + dbs.srcDb + "." + table + " select result, 0 from generate_series(1, 200) g");
        }
        return tables;
    }

    private void run(CdcDatabases dbs, boolean exactlyOnce) throws Exception {
        String name = exactlyOnce ? "eos" : "alo";
        long began = System.nanoTime();
        List<String> tables = createTables(dbs);
        try (ConnectClusterHarness connect = ConnectClusterHarness.start("cluster-" + name, exactlyOnce, 3, WORKER_PROPS)) {
            EmbeddedConnectCluster cluster = connect.cluster();
            cluster.configureConnector(name + "-source", source(dbs, name, exactlyOnce));
            cluster.configureConnector(name + "-sink", sink(dbs, name));
            awaitRunning(cluster, name);
            List<RowWriter> writers = new ArrayList<>();
            try {
                for (String table : tables) {
                    writers.add(new RowWriter(dbs.source, dbs.srcDb + "." + table, 1000));
                }
                long holdUp = markersArrive(dbs, tables, 1);
                System.out.printf("cluster %s: 3 workers, snapshot and first changes through in %.1f s; marker in %d ms%n", name,
                        (System.nanoTime() - began) / 1e9, holdUp);

                WorkerHandle stopped = workerRunning(cluster, name + "-source");
                String stoppedId = workerId(stopped); // the handle forgets its URL once stopped
                cluster.removeWorker(stopped);
                long stoppedAt = System.nanoTime();
                awaitTasksLeave(cluster, name, stoppedId);
                holdUp = markersArrive(dbs, tables, 2);
                System.out.printf("cluster %s: worker stopped: tasks running on %s again after %d ms, markers through after %d ms%n",
                        name, workersOf(cluster, name), (System.nanoTime() - stoppedAt) / 1_000_000, holdUp);

                WorkerHandle added = cluster.addWorker();
                long addedAt = System.nanoTime();
                awaitTaskOn(cluster, name, workerId(added));
                holdUp = markersArrive(dbs, tables, 3);
                System.out.printf("cluster %s: worker added: tasks spread to it after %d ms (%s), markers through after %d ms%n",
                        name, (System.nanoTime() - addedAt) / 1_000_000, workersOf(cluster, name), holdUp);

                long restartedAt = System.nanoTime();
                cluster.restartTask(name + "-source", 0);
                awaitRunning(cluster, name);
                holdUp = markersArrive(dbs, tables, 4);
                System.out.printf("cluster %s: source task 0 restarted through REST: markers through after %d ms%n", name, holdUp);
                assertThat(System.nanoTime() - restartedAt).isLessThan(HOLD_UP_LIMIT.toNanos());
            } finally {
                for (RowWriter writer : writers) {
                    writer.close();
                }
            }
            awaitAllEqual(dbs, tables);
            assertThat(writers.stream().mapToInt(RowWriter::writes).sum()).as("the writers changed rows throughout").isGreaterThan(300);
            System.out.printf("cluster %s: all %d tables equal after %.1f s in all%n", name, TABLES, (System.nanoTime() - began) / 1e9);
        }
    }

    private static Map<String, String> source(CdcDatabases dbs, String name, boolean exactlyOnce) {
        Map<String, String> config = new HashMap<>(ConnectJson.CONVERTER_CONFIG);
        config.put("connector.class", "io.matrixone.cdc.source.MatrixOneSourceConnector");
        config.put("tasks.max", String.valueOf(TASKS));
        config.put("connection.uri", dbs.source.unmasked());
        config.put("topic.prefix", name);
        config.put("level", "database");
        config.put("tables", dbs.srcDb + ".*:" + dbs.dstDb);
        config.put("topic.creation.default.replication.factor", "1");
        config.put("topic.creation.default.partitions", "1");
        if (exactlyOnce) {
            config.put("exactly.once.support", "required");
        }
        return config;
    }

    private static Map<String, String> sink(CdcDatabases dbs, String name) {
        Map<String, String> config = new HashMap<>(ConnectJson.CONVERTER_CONFIG);
        config.put("connector.class", "io.matrixone.cdc.sink.MatrixOneSinkConnector");
        config.put("tasks.max", String.valueOf(TASKS));
        config.put("connection.uri", dbs.target.unmasked());
        config.put("topics.regex", Pattern.quote(name + ".") + ".*");
        config.put("consumer.override.metadata.max.age.ms", "1000");
        return config;
    }

    /**
     * Writes marker row {@code -round} into every source table and waits until all are on the target; returns how
     * long that took, the time the stream was held up at most.
     */
    private static long markersArrive(CdcDatabases dbs, List<String> tables, int round) throws Exception {
        long start = System.nanoTime();
        for (String table : tables) {
            exec(dbs.src, "insert into " + dbs.srcDb + "." + table + " (id, n) values (" + (-round) + ", " + round + ")");
        }
        long deadline = start + HOLD_UP_LIMIT.toNanos();
        Set<String> missing = new HashSet<>(tables);
        while (!missing.isEmpty()) {
            assertThat(System.nanoTime()).as("markers %d not on the target in %s: %s", round, HOLD_UP_LIMIT, missing)
                    .isLessThan(deadline);
            try (Connection c = Connections.open(dbs.target)) {
                missing.removeIf(table -> hasRow(c, dbs.dstDb + "." + table, -round));
            }
            Thread.sleep(100);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static boolean hasRow(Connection c, String table, int id) {
        try {
            return !Sql.rows(c, "select id from " + table + " where id = " + id).isEmpty();
        } catch (Exception notYet) {
            return false;
        }
    }

    private static void awaitRunning(EmbeddedConnectCluster cluster, String name) throws InterruptedException {
        for (String connector : List.of(name + "-source", name + "-sink")) {
            cluster.assertions().assertConnectorAndAtLeastNumTasksAreRunning(connector, 1, connector + " did not run all its tasks");
            long deadline = System.nanoTime() + HOLD_UP_LIMIT.toNanos();
            while (!allTasksRunning(cluster.connectorStatus(connector))) {
                assertThat(System.nanoTime()).as("%s: every task running", connector).isLessThan(deadline);
                Thread.sleep(200);
            }
        }
    }

    private static boolean allTasksRunning(ConnectorStateInfo status) {
        return !status.tasks().isEmpty() && status.tasks().stream().allMatch(t -> "RUNNING".equals(t.state()));
    }

    private static Set<String> workersOf(EmbeddedConnectCluster cluster, String name) {
        Set<String> workers = new HashSet<>();
        for (String connector : List.of(name + "-source", name + "-sink")) {
            cluster.connectorStatus(connector).tasks().forEach(t -> workers.add(t.workerId()));
        }
        return workers;
    }

    /** A worker that runs at least one of the connector's tasks. */
    private static WorkerHandle workerRunning(EmbeddedConnectCluster cluster, String connector) {
        Set<String> busy = new HashSet<>();
        cluster.connectorStatus(connector).tasks().forEach(t -> busy.add(t.workerId()));
        return cluster.workers().stream().filter(w -> busy.contains(workerId(w))).findFirst()
                .orElseThrow(() -> new AssertionError("no worker runs a task of " + connector));
    }

    private static void awaitTasksLeave(EmbeddedConnectCluster cluster, String name, String worker) throws InterruptedException {
        long deadline = System.nanoTime() + HOLD_UP_LIMIT.toNanos();
        while (workersOf(cluster, name).contains(worker)) {
            assertThat(System.nanoTime()).as("the stopped worker %s's tasks move to the others", worker).isLessThan(deadline);
            Thread.sleep(200);
        }
        awaitRunning(cluster, name);
    }

    private static void awaitTaskOn(EmbeddedConnectCluster cluster, String name, String worker) throws InterruptedException {
        long deadline = System.nanoTime() + HOLD_UP_LIMIT.toNanos();
        while (!workersOf(cluster, name).contains(worker)) {
            assertThat(System.nanoTime()).as("a task moves to the new worker %s", worker).isLessThan(deadline);
            Thread.sleep(200);
        }
        awaitRunning(cluster, name);
    }

    /** The id Connect reports for a worker: its REST host:port. */
    private static String workerId(WorkerHandle worker) {
        return worker.url().getHost() + ":" + worker.url().getPort();
    }
}
