package io.matrixone.cdc.source;

import static io.matrixone.cdc.testing.Sql.exec;

import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneUri;
import io.matrixone.cdc.common.TableId;
import io.matrixone.cdc.testing.MatrixOneTestServers;
import io.matrixone.cdc.testing.PitrDatabase;
import io.matrixone.cdc.testing.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * One source task's streams over two tables on the real source, for tests of how a task's tables share its horizon:
 * a unique database with a PITR, two tables {@code (id int primary key, v int)} of one row each, the task's
 * {@link StreamContext} over both. close() drops the database.
 */
final class TwoTableTask implements AutoCloseable {

    final Connection conn;
    final TableId first;
    final TableId second;
    final StreamContext ctx;
    private final String db;
    private final SourceTaskMetrics metrics;
    /** What Connect has committed, for every table of the task (none at first). */
    private final CommittedOffsets committed = new CommittedOffsets();

    private TwoTableTask(String name, String firstName, String secondName, Map<String, String> settings) throws Exception {
        MatrixOneUri source = MatrixOneTestServers.source();
        db = Sql.uniqueDatabase(name);
        first = new TableId(db, firstName);
        second = new TableId(db, secondName);
        conn = Connections.open(source);
        metrics = new SourceTaskMetrics(name + "-" + db, "0");
        PitrDatabase.create(conn, db);
        exec(conn, "create table " + first + " (id int primary key, v int)", "insert into " + first + " values (1, 1)",
                "create table " + second + " (id int primary key, v int)", "insert into " + second + " values (1, 1)");
        Thread.sleep(1500);
        Map<String, String> config = new HashMap<>(Map.of("connection.uri", source.unmasked(), "topic.prefix", name,
                "tables", first + "," + second, "heartbeat.interval.ms", "0"));
        config.putAll(settings);
        ctx = new StreamContext(new MatrixOneSourceConfig(config), name + "-" + db, "0", metrics, committed);
        ctx.state.create(conn);
        ctx.catalog.include(first);
        ctx.catalog.include(second);
        ctx.tableCount(2, 1);
    }

    /** The task over tables {@code firstName} and {@code secondName}, with {@code settings} beside the defaults. */
    static TwoTableTask create(String name, String firstName, String secondName, Map<String, String> settings) throws Exception {
        return new TwoTableTask(name, firstName, secondName, settings);
    }

    /** Connect commits {@code offset} as every table's checkpoint. */
    void commit(Map<String, ?> offset) {
        committed.commit(offset);
    }

    /** A table's stream as the task starts it (no committed offsets: a snapshot first). */
    TableStream stream(TableId table) throws Exception {
        return TableStream.restore(ctx, conn, table);
    }

    @Override
    public void close() throws SQLException {
        try {
            PitrDatabase.drop(conn, db);
        } finally {
            metrics.close();
            conn.close();
        }
    }
}
