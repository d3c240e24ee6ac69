package io.matrixone.cdc.source;

import static io.matrixone.cdc.testing.Sql.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.matrixone.cdc.common.ChangeEvent;
import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneUri;
import io.matrixone.cdc.common.TableId;
import io.matrixone.cdc.testing.MatrixOneTestServers;
import io.matrixone.cdc.testing.PitrDatabase;
import io.matrixone.cdc.testing.Sql;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/**
 * A table stream on the real source whose connection fails exactly when it saves a window's end (a lost connection
 * at the worst moment: the window is read, its records not yet handed over): the next read delivers that window's
 * changes. Before the fix the stream had already moved past the window and its changes were never sent.
 */
class TableStreamWriteFailureIT {


    @Test
    void aWindowWhoseEndCannotBeSavedIsReadAgain() throws Exception {
        MatrixOneUri source = MatrixOneTestServers.source();
        String db = Sql.uniqueDatabase("writefail");
        TableId table = new TableId(db, "t");
        try (Connection conn = Connections.open(source);
                SourceTaskMetrics metrics = new SourceTaskMetrics("writefail-" + db, "0")) {
            PitrDatabase.create(conn, db);
            exec(conn, "create table " + table + " (id int primary key, v int)", "insert into " + table + " values (1, 1), (2, 2)");
            Thread.sleep(1500);
            MatrixOneSourceConfig config = new MatrixOneSourceConfig(Map.of("connection.uri", source.unmasked(),
                    "topic.prefix", "wf", "tables", table.toString()));
            StreamContext ctx = new StreamContext(config, "writefail-" + db, "0", metrics, new CommittedOffsets());
            ctx.state.create(conn);
            ctx.catalog.include(table);
            ctx.tableCount(1, 1);
            TableStream stream = TableStream.restore(ctx, conn, table);
            assertThat(ids(pollUntilRecords(stream, conn))).containsExactly(1, 2); // the snapshot

            exec(conn, "insert into " + table + " values (3, 3)", "update " + table + " set v = 10 where id = 1");
            Connection failingSave = failingOn(conn, "window_end");
            long deadline = System.nanoTime() + 30_000_000_000L;
            boolean failed = false;
            while (!failed && System.nanoTime() < deadline) {
                try {
                    assertThat(stream.poll(failingSave)).as("no window with changes may go out unsaved").isEmpty();
                    Thread.sleep(100);
                } catch (SQLException e) {
                    assertThat(e.getMessage()).contains("injected");
                    failed = true;
                }
            }
            assertThat(failed).as("the stream read a window with changes and tried to save its end").isTrue();

            assertThat(ids(pollUntilRecords(stream, conn))).containsExactlyInAnyOrder(1, 3);
            PitrDatabase.drop(conn, db);
        }
    }

    static List<SourceRecord> pollUntilRecords(TableStream stream, Connection conn) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            List<SourceRecord> records = stream.poll(conn);
            if (!records.isEmpty()) {
                return records;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no records within 30 s");
    }

    /** The ids of the rows the change records carry (tombstones left out), in order. */
    static List<Integer> ids(List<SourceRecord> records) {
        List<Integer> ids = new ArrayList<>();
        for (SourceRecord record : records) {
            if (record.value() instanceof Struct value && value.schema().field(ChangeEvent.AFTER) != null) {
                Struct row = value.getStruct(ChangeEvent.AFTER);
                if (row != null) {
                    ids.add(row.getInt32("id"));
                }
            }
        }
        return ids;
    }

    /** {@code conn}, except that preparing a statement that mentions {@code table} fails like a lost connection. */
    private static Connection failingOn(Connection conn, String table) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("prepareStatement") && String.valueOf(args[0]).contains(table)) {
                        throw new SQLException("injected: connection lost while saving the window end", "08S01");
                    }
                    try {
                        return method.invoke(conn, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
