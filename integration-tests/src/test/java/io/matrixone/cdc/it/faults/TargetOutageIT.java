package io.matrixone.cdc.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.common.MatrixOneUri;
import io.matrixone.cdc.it.faults.FaultPipeline.StateWatch;
import io.matrixone.cdc.it.faults.FaultPipeline.Writer;
import io.matrixone.cdc.testing.PrivateServer;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The TARGET MatrixOne is stopped mid-stream for at least 30 s and comes back, while a writer keeps
 * inserting, updating and deleting on the source. One source connector feeds two sinks through the same
 * outage: one with the default retry budget (max.retries=10, retry.backoff.ms=1000: minutes) rides it out
 * by itself and never fails; one with a budget shorter than the outage (max.retries=1) fails with a message
 * that names the target and what happened, and no password. After the outage both targets equal the
 * source row for row (the failed one once restarted: it loses nothing either).
 *
 * <p>The target is a private MatrixOne ({@code scripts/matrixone.sh start fault}, 127.0.0.1:6003) that this
 * test starts, stops and starts again, and always stops at the end; the source is the shared one.
 */
class TargetOutageIT {

    private static final String RIDES_OUT = "outage-sink-default";
    private static final String GIVES_UP = "outage-sink-short";
    private static final String SOURCE = "outage-source";
    private static final String PREFIX = "outage";
    private static final int ROWS = 3000;
    private static final Duration MIN_OUTAGE = Duration.ofSeconds(30);

    private static FaultSetup setup;

    @BeforeAll
    static void start() throws SQLException {
        setup = FaultSetup.open("outage", FaultSetup.Private.TARGET, ROWS, "_a", "_b");
    }

    @AfterAll
    static void stop() throws SQLException {
        if (setup != null) {
            setup.close();
        }
    }

    @Test
    void theSinkRidesOutAnOutageWithinItsRetryBudgetAndFailsClearlyBeyondIt() throws Exception {
        EmbeddedConnectCluster cluster = setup.connect().cluster();
        MatrixOneUri source = setup.source;
        PrivateServer target = setup.fault;
        String db = setup.db;
        String table = db + ".events";
        cluster.configureConnector(SOURCE, FaultPipeline.source(source, PREFIX, table));
        cluster.configureConnector(RIDES_OUT, FaultPipeline.sink(target.uri(), PREFIX, table + ":" + db + "_a.events"));
        Map<String, String> shortBudget = FaultPipeline.sink(target.uri(), PREFIX, table + ":" + db + "_b.events");
        shortBudget.put("max.retries", "1");
        shortBudget.put("retry.backoff.ms", "500");
        cluster.configureConnector(GIVES_UP, shortBudget);

        try (StateWatch watch = new StateWatch(cluster, SOURCE, RIDES_OUT)) {
            try (Writer writer = new Writer(source, table, ROWS + 1)) {
                FaultPipeline.awaitRows(target.uri(), db + "_a.events", ROWS, Duration.ofSeconds(90));
                FaultPipeline.awaitRows(target.uri(), db + "_b.events", ROWS, Duration.ofSeconds(90));
                Thread.sleep(3000); // streaming
                long retriesBefore = FaultPipeline.metric("sink-task-metrics", RIDES_OUT, "Retries");

                AtomicReference<ConnectorStateInfo.TaskState> failed = new AtomicReference<>();
                long[] failedAfterMs = new long[1];
                long outageMs = FaultPipeline.outage(target, () -> {
                    long down = System.nanoTime();
                    failed.set(awaitFailed(cluster, GIVES_UP, Duration.ofSeconds(150)));
                    failedAfterMs[0] = (System.nanoTime() - down) / 1_000_000;
                    Thread.sleep(Math.max(0, MIN_OUTAGE.toMillis() - failedAfterMs[0]));
                    assertThat(target.answers()).as("target still down when the short-budget sink failed").isFalse();
                });
                System.err.printf("short-budget sink failed %d ms into the %d ms outage%n", failedAfterMs[0], outageMs);

                String trace = failed.get().trace();
                assertThat(trace).as("the failure says what happened and names the target")
                        .contains("MatrixOne still failing after 1 retries")
                        .contains("the target mysql://root:******@127.0.0.1:" + target.uri().port() + " must be reachable and writable")
                        .contains("Raise max.retries / retry.backoff.ms")
                        .doesNotContain(":" + target.uri().password() + "@")
                        .doesNotContain("password=");

                Thread.sleep(5000); // the writer goes on after the outage
                assertThat(FaultPipeline.metric("sink-task-metrics", RIDES_OUT, "Retries"))
                        .as("the default-budget sink met the outage and retried").isGreaterThan(retriesBefore);
            }
            FaultPipeline.awaitSameRows(source, table, target.uri(), db + "_a.events", Duration.ofSeconds(150));
            FaultPipeline.assertVerified(source, target.uri(), true, RIDES_OUT, table);
            assertThat(watch.failures()).as("the source and the default-budget sink never FAILED").isEmpty();
            assertThat(FaultPipeline.task(cluster, RIDES_OUT).state()).isEqualTo("RUNNING");
        }

        // The failed sink, restarted once the target is back, continues from its committed offsets.
        cluster.restartConnectorAndTasks(GIVES_UP, true, true, false);
        FaultPipeline.awaitSameRows(source, table, target.uri(), db + "_b.events", Duration.ofSeconds(120));
        FaultPipeline.assertVerified(source, target.uri(), true, GIVES_UP, table);
        assertThat(FaultPipeline.task(cluster, GIVES_UP).state()).isEqualTo("RUNNING");
    }

    private static ConnectorStateInfo.TaskState awaitFailed(EmbeddedConnectCluster cluster, String connector, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            ConnectorStateInfo.TaskState task = FaultPipeline.task(cluster, connector);
            if (task != null && "FAILED".equals(task.state())) {
                return task;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(connector + " did not fail within " + timeout + " of the target going down: "
                + cluster.connectorStatus(connector).tasks());
    }
}
