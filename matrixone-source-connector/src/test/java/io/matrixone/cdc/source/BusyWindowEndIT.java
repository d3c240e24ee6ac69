package io.matrixone.cdc.source;

import static io.matrixone.cdc.source.TableStreamWriteFailureIT.ids;
import static io.matrixone.cdc.source.TableStreamWriteFailureIT.pollUntilRecords;
import static io.matrixone.cdc.testing.Sql.exec;
import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.common.SourceOffsets;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/**
 * A busy table on the real source: its window's end is saved by the fence that gives the window its end (the fence's
 * write is that end), not by a commit of its own after the read. So a busy read writes once, the fence, and the end
 * is on the source before the records are handed over. Before, every read with changes committed its end alone
 * besides the fence: with 200 tables the source was CPU-bound and those commits a third of each read.
 */
class BusyWindowEndIT {

    @Test
    void aBusyTablesWindowEndIsSavedByTheFence() throws Exception {
        try (TwoTableTask task = TwoTableTask.create("busyend", "t", "other", Map.of())) {
            TableStream stream = task.stream(task.first);
            assertThat(ids(pollUntilRecords(stream, task.conn))).containsExactly(1); // the snapshot
            exec(task.conn, "insert into " + task.first + " values (2, 2)");
            assertThat(ids(pollUntilRecords(stream, task.conn))).containsExactly(2); // now busy

            exec(task.conn, "insert into " + task.first + " values (3, 3)");
            Thread.sleep(150); // due again, and the last fence older than 100 ms: this read fences
            List<String> writes = new ArrayList<>();
            List<SourceRecord> window = stream.poll(recordingWrites(task.conn, writes));
            assertThat(ids(window)).containsExactly(3);
            assertThat(writes).as("the busy read's writes: the fence alone, which saves the window end").hasSize(1)
                    .allMatch(sql -> sql.contains("window_end"));

            long end = ((Number) window.get(window.size() - 1).sourceOffset().get(SourceOffsets.TS)).longValue();
            assertThat(savedWindowEnds(task, task.ctx.connectorName + "/" + task.first, end))
                    .as("the window's end is on the source before its records are handed over").isEqualTo(1);
        }
    }

    private static int savedWindowEnds(TwoTableTask task, String capture, long end) throws SQLException {
        try (PreparedStatement st = task.conn.prepareStatement("select count(*) from " + task.ctx.state.database()
                + ".window_end where capture = ? and ts = ?")) {
            st.setString(1, capture);
            st.setLong(2, end);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** {@code conn}, recording the SQL of every write it prepares (REPLACE, INSERT, UPDATE, DELETE). */
    private static Connection recordingWrites(Connection conn, List<String> writes) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("prepareStatement")
                            && String.valueOf(args[0]).toUpperCase(Locale.ROOT).matches("^(REPLACE|INSERT|UPDATE|DELETE).*")) {
                        writes.add(String.valueOf(args[0]));
                    }
                    try {
                        return method.invoke(conn, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
