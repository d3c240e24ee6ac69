package io.matrixone.cdc.source;

import static io.matrixone.cdc.source.TableStreamWriteFailureIT.NO_OFFSETS;
import static io.matrixone.cdc.source.TableStreamWriteFailureIT.ids;
import static io.matrixone.cdc.source.TableStreamWriteFailureIT.pollUntilRecords;
import static io.matrixone.cdc.testing.Sql.exec;
import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneUri;
import io.matrixone.cdc.common.TableId;
import io.matrixone.cdc.testing.MatrixOneTestServers;
import io.matrixone.cdc.testing.Sql;
import java.sql.Connection;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A quiet table woken by the probe, on the real source, when the task's horizon is older than the change the probe saw
 * (another table had it fenced before the change): the woken read must fence again and deliver the change. Before the
 * fix it read up to the old horizon, found nothing and went back to sleep until the probe's next round (seconds in a
 * task of 200 tables).
 */
class TableStreamWakeIT {

    @Test
    void aWokenTableReadsPastTheChangeTheProbeSawThoughTheHorizonWasOlder() throws Exception {
        MatrixOneUri source = MatrixOneTestServers.source();
        String db = Sql.uniqueDatabase("wake");
        TableId quiet = new TableId(db, "quiet");
        TableId other = new TableId(db, "other");
        try (Connection conn = Connections.open(source);
                SourceTaskMetrics metrics = new SourceTaskMetrics("wake-" + db, "0")) {
            exec(conn, "create database " + db, "create pitr " + db + "_pitr for database " + db + " range 1 'h'",
                    "create table " + quiet + " (id int primary key, v int)", "insert into " + quiet + " values (1, 1)",
                    "create table " + other + " (id int primary key, v int)", "insert into " + other + " values (1, 1)");
            Thread.sleep(1500);
            // Idle reads once a minute: only a wake-up makes either table read now.
            MatrixOneSourceConfig config = new MatrixOneSourceConfig(Map.of("connection.uri", source.unmasked(),
                    "topic.prefix", "wk", "tables", quiet + "," + other, "poll.interval.ms", "60000", "heartbeat.interval.ms", "0"));
            StreamContext ctx = new StreamContext(config, "wake-" + db, "0", metrics, NO_OFFSETS);
            ctx.state.create(conn);
            ctx.catalog.include(quiet);
            ctx.catalog.include(other);
            ctx.tableCount(2, 1);
            TableStream quietStream = TableStream.restore(ctx, conn, quiet);
            TableStream otherStream = TableStream.restore(ctx, conn, other);
            assertThat(ids(pollUntilRecords(quietStream, conn))).containsExactly(1); // the snapshots
            assertThat(ids(pollUntilRecords(otherStream, conn))).containsExactly(1);
            quietStream.wake();
            assertThat(quietStream.poll(conn)).isEmpty(); // streaming, caught up with the horizon

            // The other table's reads move the horizon past the quiet table's checkpoint.
            long checkpoint = quietStream.probeFrom(System.nanoTime());
            assertThat(checkpoint).isPositive();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (ctx.horizon.newest(conn, 0) <= checkpoint) {
                assertThat(System.nanoTime()).as("the horizon never moved").isLessThan(deadline);
                Thread.sleep(150);
                otherStream.wake();
                assertThat(otherStream.poll(conn)).isEmpty();
            }

            exec(conn, "insert into " + quiet + " values (2, 2)");
            quietStream.wake(); // as the probe does once it sees the insert
            assertThat(ids(quietStream.poll(conn))).as("the woken read delivers the change at once").containsExactly(2);
            exec(conn, "drop pitr if exists " + db + "_pitr", "drop database if exists " + db);
        }
    }
}
