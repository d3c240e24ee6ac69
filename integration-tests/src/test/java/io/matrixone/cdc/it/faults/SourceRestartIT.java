package io.matrixone.cdc.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneUri;
import io.matrixone.cdc.common.SourceOffsets;
import io.matrixone.cdc.it.MoCdcRunner;
import io.matrixone.cdc.it.faults.FaultPipeline.StateWatch;
import io.matrixone.cdc.it.faults.FaultPipeline.Writer;
import io.matrixone.cdc.testing.PitrDatabase;
import io.matrixone.cdc.testing.PrivateServer;
import io.matrixone.cdc.testing.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SOURCE MatrixOne restarts mid-stream (stopped, down for 10 s, started on the same data) while a
 * writer keeps inserting, updating and deleting on it (and retries its own writes through the outage). The
 * source task reconnects by itself and goes on from where it was, without a new snapshot and without ever
 * being FAILED; the PITR and the history it keeps survive the restart, and the target ends equal to the
 * source row for row.
 *
 * <p>The source is a private MatrixOne ({@code scripts/matrixone.sh start fault}, 127.0.0.1:6003) that this
 * test starts, restarts and always stops at the end; the target is the shared one.
 */
class SourceRestartIT {

    private static final String SOURCE = "restart-source";
    private static final String SINK = "restart-sink";
    private static final String PREFIX = "restart";
    private static final int ROWS = 3000;
    private static final Duration DOWN = Duration.ofSeconds(10);

    private static FaultSetup setup;

    @BeforeAll
    static void start() throws SQLException {
        setup = FaultSetup.open("restart", FaultSetup.Private.SOURCE, ROWS, "_copy");
    }

    @AfterAll
    static void stop() throws SQLException {
        if (setup != null) {
            setup.close();
        }
    }

    @Test
    void theSourceTaskReconnectsAfterARestartAndResumesWhereItWas() throws Exception {
        EmbeddedConnectCluster cluster = setup.connect().cluster();
        PrivateServer source = setup.fault;
        MatrixOneUri target = setup.target;
        String db = setup.db;
        String table = db + ".events";
        String copy = db + "_copy.events";
        cluster.configureConnector(SOURCE, FaultPipeline.source(source.uri(), PREFIX, table));
        cluster.configureConnector(SINK, FaultPipeline.sink(target, PREFIX, table + ":" + copy));

        long upAgainAt;
        long snapshotRows;
        try (StateWatch watch = new StateWatch(cluster, SOURCE, SINK)) {
            try (Writer writer = new Writer(source.uri(), table, ROWS + 1)) {
                FaultPipeline.awaitRows(target, copy, ROWS, Duration.ofSeconds(90));
                Thread.sleep(3000); // streaming
                snapshotRows = FaultPipeline.metric("source-task-metrics", SOURCE, "SnapshotRows");
                assertThat(snapshotRows).as("snapshot rows").isGreaterThanOrEqualTo(ROWS);

                FaultPipeline.outage(source, () -> Thread.sleep(DOWN.toMillis()));
                upAgainAt = serverNanos(source.uri());
                try (Connection src = Connections.open(source.uri())) {
                    assertThat(Sql.rows(src, "show pitr").stream().map(r -> r.get(0)).toList())
                            .as("the PITR survives the restart").contains(PitrDatabase.pitr(db));
                }
                int writesAtRestart = writer.writes();
                Thread.sleep(5000); // the writer goes on after the restart
                assertThat(writer.failures()).as("the writer met the outage").isPositive();
                assertThat(writer.writes()).as("writes after the restart").isGreaterThan(writesAtRestart + 30);
            }
            // mo-cdc's own final check, on these connectors made by hand (named <task>-source / <task>-sink): exact at the
            // target's applied position, naming differing keys; then the target catches up with the source.
            MoCdcRunner.Result verified = MoCdcRunner.runOn(setup.connect().restUrl(), "task", "verify", "--task-name", PREFIX);
            System.err.print(verified.err());
            assertThat(verified.exit()).as(verified.err()).isZero();
            assertThat(verified.out()).contains("\"result\": \"equal\"");
            try {
                FaultPipeline.awaitSameRows(source.uri(), table, target, copy, Duration.ofSeconds(150));
            } catch (AssertionError differs) {
                // Where it differs, at the last applied position: the keys, or "equal" if the source lost a commit.
                MoCdcRunner.Result last = MoCdcRunner.runOn(setup.connect().restUrl(), "task", "verify", "--task-name", PREFIX);
                throw new AssertionError(differs.getMessage() + "\nverify at the last applied position: " + last.err() + last.out(), differs);
            }
            assertThat(watch.failures()).as("the source and the sink never FAILED").isEmpty();
        }
        assertThat(FaultPipeline.task(cluster, SOURCE).state()).isEqualTo("RUNNING");
        assertThat(FaultPipeline.metric("source-task-metrics", SOURCE, "SnapshotRows"))
                .as("no new snapshot: the task went on from its position").isEqualTo(snapshotRows);
        // Offsets are flushed every second: the committed checkpoint soon lies past the restart.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (checkpoint(cluster) <= upAgainAt && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        assertThat(checkpoint(cluster)).as("the committed checkpoint moved past the restart").isGreaterThan(upAgainAt);
    }

    /** The newest committed source time over the connector's offsets (0 when none). */
    private static long checkpoint(EmbeddedConnectCluster cluster) {
        List<ConnectorOffset> offsets = cluster.connectorOffsets(SOURCE).offsets();
        return offsets.stream().filter(o -> o.offset().get(SourceOffsets.TS) != null)
                .mapToLong(o -> ((Number) o.offset().get(SourceOffsets.TS)).longValue()).max().orElse(0);
    }

    /** The server's clock in epoch nanoseconds, the one the source's checkpoints are on. */
    private static long serverNanos(MatrixOneUri server) throws SQLException {
        try (Connection c = Connections.open(server)) {
            LocalDateTime utc = LocalDateTime.parse(Sql.scalar(c, "select cast(utc_timestamp(6) as char)").replace(' ', 'T'));
            return utc.toEpochSecond(ZoneOffset.UTC) * 1_000_000_000L + utc.getNano();
        }
    }
}
