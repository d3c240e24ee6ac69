package io.matrixone.cdc.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneUri;
import io.matrixone.cdc.it.faults.FaultPipeline.StateWatch;
import io.matrixone.cdc.it.faults.FaultPipeline.Writer;
import io.matrixone.cdc.testing.ConnectClusterHarness;
import io.matrixone.cdc.testing.MatrixOneTestServers;
import io.matrixone.cdc.testing.PitrDatabase;
import io.matrixone.cdc.testing.PrivateServer;
import io.matrixone.cdc.testing.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The MySQL-compatible TARGET goes down mid-stream: a private MariaDB ({@code scripts/mariadb.sh start fault},
 * 127.0.0.1:3308) written by a {@code sink.dialect=mysql} sink is stopped for 20 s while a writer keeps inserting,
 * updating and deleting on the source MatrixOne, then started again. The sink rides the outage out with its default
 * retry budget (lost connections are retriable for the MySQL dialect too), never fails, and the target ends equal to
 * the source row for row.
 */
class MySqlTargetOutageIT {

    private static final String PREFIX = "mysqloutage";
    private static final String SOURCE = PREFIX + "-source";
    private static final String SINK = PREFIX + "-sink";
    private static final int ROWS = 2000;
    private static final Duration OUTAGE = Duration.ofSeconds(20);

    private static MatrixOneUri source;
    private static PrivateServer target;
    private static String db;
    private static ConnectClusterHarness connect;

    @BeforeAll
    static void start() throws SQLException {
        source = MatrixOneTestServers.source();
        target = PrivateServer.mariaDb("fault");
        db = Sql.uniqueDatabase("mysql_outage");
        try (Connection src = Connections.open(source)) {
            FaultPipeline.createSourceTable(src, db, ROWS);
        }
        connect = ConnectClusterHarness.start("mysql-outage-it", false);
    }

    @AfterAll
    static void stop() throws SQLException {
        try {
            if (connect != null) {
                connect.close();
            }
            if (source != null) {
                FaultPipeline.cleanUp(source, PitrDatabase.dropStatements(db));
            }
            if (target != null) {
                FaultPipeline.cleanUp(target.uri(), "drop database if exists " + db + "_copy");
            }
        } finally {
            if (target != null) {
                target.close();
            }
        }
    }

    @Test
    void theMySqlSinkRidesOutATargetOutageAndTheTargetEndsEqual() throws Exception {
        EmbeddedConnectCluster cluster = connect.cluster();
        String table = db + ".events";
        String copy = db + "_copy.events";
        cluster.configureConnector(SOURCE, FaultPipeline.source(source, PREFIX, table));
        Map<String, String> sink = FaultPipeline.sink(target.uri(), PREFIX, table + ":" + copy);
        sink.put("sink.dialect", "mysql");
        cluster.configureConnector(SINK, sink);

        try (StateWatch watch = new StateWatch(cluster, SOURCE, SINK)) {
            try (Writer writer = new Writer(source, table, ROWS + 1)) {
                FaultPipeline.awaitRows(target.uri(), copy, ROWS, Duration.ofSeconds(120));
                Thread.sleep(3000); // streaming
                long retriesBefore = FaultPipeline.metric("sink-task-metrics", SINK, "Retries");

                long down = System.nanoTime();
                target.stop();
                try {
                    assertThat(target.answers()).as("the private MariaDB is down").isFalse();
                    Thread.sleep(OUTAGE.toMillis());
                    assertThat(FaultPipeline.task(cluster, SINK).state()).as("the sink rides the outage out").isEqualTo("RUNNING");
                } finally {
                    target.start();
                }
                System.err.printf("MariaDB outage: %d ms%n", (System.nanoTime() - down) / 1_000_000);
                Thread.sleep(5000); // the writer goes on after the outage
                assertThat(FaultPipeline.metric("sink-task-metrics", SINK, "Retries"))
                        .as("the sink met the outage and retried").isGreaterThan(retriesBefore);
            }
            awaitSameRows(table, copy, Duration.ofSeconds(180));
            // task verify's check on a MySQL-compatible target: the position kept on MariaDB, the rows read between
            // two reads of it.
            FaultPipeline.assertVerified(source, target.uri(), false, SINK, table);
            assertThat(watch.failures()).as("the source and the sink never FAILED").isEmpty();
            assertThat(FaultPipeline.task(cluster, SINK).state()).isEqualTo("RUNNING");
        }
    }

    /** Same row count and checksum over every column (MatrixOne and MariaDB compute crc32 and concat_ws alike). */
    private static void awaitSameRows(String sourceTable, String targetTable, Duration timeout) throws InterruptedException {
        String expected = FaultPipeline.checksum(source, sourceTable);
        assertThat(expected).doesNotStartWith("unreadable");
        long deadline = System.nanoTime() + timeout.toNanos();
        String actual = FaultPipeline.checksum(target.uri(), targetTable);
        while (!actual.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            actual = FaultPipeline.checksum(target.uri(), targetTable);
        }
        assertThat(actual).as("%s equals %s (count:checksum)", targetTable, sourceTable).isEqualTo(expected);
    }
}
