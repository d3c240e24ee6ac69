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
 * Two busy tables of one task, on the real source: the table read second in a round reads up to a horizon fenced for
 * its own read (at most 100 ms old), not the one the first table's read fenced. Before, a change committed between
 * the two reads waited for the next round (on a loaded source with four busy tables, 0.3-1 s), so the tables read
 * last in a round had the longest lag.
 */
class TableStreamBusyHorizonIT {

    @Test
    void aBusyTableReadAfterAnotherReadsPastTheOthersHorizon() throws Exception {
        MatrixOneUri source = MatrixOneTestServers.source();
        String db = Sql.uniqueDatabase("busyhz");
        TableId first = new TableId(db, "first");
        TableId second = new TableId(db, "second");
        try (Connection conn = Connections.open(source);
                SourceTaskMetrics metrics = new SourceTaskMetrics("busyhz-" + db, "0")) {
            exec(conn, "create database " + db, "create pitr " + db + "_pitr for database " + db + " range 1 'h'",
                    "create table " + first + " (id int primary key, v int)", "insert into " + first + " values (1, 1)",
                    "create table " + second + " (id int primary key, v int)", "insert into " + second + " values (1, 1)");
            Thread.sleep(1500);
            MatrixOneSourceConfig config = new MatrixOneSourceConfig(Map.of("connection.uri", source.unmasked(),
                    "topic.prefix", "bh", "tables", first + "," + second, "heartbeat.interval.ms", "0"));
            StreamContext ctx = new StreamContext(config, "busyhz-" + db, "0", metrics, NO_OFFSETS);
            ctx.state.create(conn);
            ctx.catalog.include(first);
            ctx.catalog.include(second);
            ctx.tableCount(2, 1);
            TableStream firstStream = TableStream.restore(ctx, conn, first);
            TableStream secondStream = TableStream.restore(ctx, conn, second);
            assertThat(ids(pollUntilRecords(firstStream, conn))).containsExactly(1); // the snapshots
            assertThat(ids(pollUntilRecords(secondStream, conn))).containsExactly(1);

            // Both tables have changes: they are busy, read again every 100 ms or so.
            exec(conn, "insert into " + first + " values (2, 2)", "insert into " + second + " values (2, 2)");
            assertThat(ids(pollUntilRecords(firstStream, conn))).containsExactly(2);
            assertThat(ids(pollUntilRecords(secondStream, conn))).containsExactly(2);
            assertThat(firstStream.active(System.nanoTime())).isTrue();
            assertThat(secondStream.active(System.nanoTime())).isTrue();

            Thread.sleep(300); // both due again, the last fence older than 100 ms
            assertThat(firstStream.poll(conn)).isEmpty(); // fences: the round's horizon
            exec(conn, "insert into " + second + " values (3, 3)"); // committed after that fence
            Thread.sleep(150); // the second table's read comes more than 100 ms after the fence, as in a loaded round
            assertThat(ids(secondStream.poll(conn))).as("the second table's read delivers the change at once")
                    .containsExactly(3);
            exec(conn, "drop pitr if exists " + db + "_pitr", "drop database if exists " + db);
        }
    }
}
