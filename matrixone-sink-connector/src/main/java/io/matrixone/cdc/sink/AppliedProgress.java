package io.matrixone.cdc.sink;

import io.matrixone.cdc.common.AppliedPositions;
import io.matrixone.cdc.common.AppliedPositions.Position;
import io.matrixone.cdc.common.ChangeEvent;
import io.matrixone.cdc.common.TableId;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The target's applied position per source table ({@link AppliedPositions}), moved by the records a transaction
 * writes and saved in that transaction: so the position never says more than the rows hold, nor less after a
 * commit. Records from other sources (no {@link ChangeEvent#SOURCE_TABLE_HEADER}) move nothing.
 */
final class AppliedProgress {

    /** A record as written, with the target table it went to (null when it wrote no row). */
    record Written(SinkRecord record, TableId target) {
    }

    private final String database;
    private final String connector;
    private boolean tableReady;

    AppliedProgress(String database, String connector) {
        this.database = database;
        this.connector = connector;
    }

    /**
     * The positions a run of records leads to, one per source table, decided by its last record: complete at the time
     * that record carries ({@link ChangeEvent#COMPLETE_TS_HEADER}), else partial (a window applied part way).
     */
    static Collection<Position> of(List<Written> run) {
        // From the end: only each source table's last record decides, so the others need only their source header
        // read (a 6,000-record put read four headers of every record and built a position for each).
        Map<String, Position> positions = new LinkedHashMap<>();
        for (int i = run.size() - 1; i >= 0; i--) {
            SinkRecord record = run.get(i).record();
            String source = header(record, ChangeEvent.SOURCE_TABLE_HEADER);
            if (source == null || positions.containsKey(source)) {
                continue;
            }
            String complete = header(record, ChangeEvent.COMPLETE_TS_HEADER);
            TableId written = run.get(i).target();
            String target = written != null ? written.toString() : String.valueOf(header(record, ChangeEvent.TARGET_TABLE_HEADER));
            positions.put(source, new Position(source, target, complete == null ? 0 : Long.parseLong(complete), complete == null,
                    record.topic(), record.kafkaPartition() == null ? 0 : record.kafkaPartition(), record.kafkaOffset()));
        }
        List<Position> inRunOrder = new java.util.ArrayList<>(positions.values());
        java.util.Collections.reverse(inRunOrder); // as the run met its source tables' last records
        return inRunOrder;
    }

    /** The position table, created on the first connection (outside any transaction: DDL commits on its own). */
    void ensureTable(Connection conn) throws SQLException {
        if (!tableReady) {
            AppliedPositions.createTable(conn, database);
            tableReady = true;
        }
    }

    /** Saves positions ({@link #of}), in the connection's open transaction. */
    void save(Connection conn, Collection<Position> positions) throws SQLException {
        if (!positions.isEmpty()) {
            AppliedPositions.save(conn, database, connector, positions);
        }
    }

    private static String header(SinkRecord record, String name) {
        Header header = record.headers().lastWithName(name);
        // The worker's header converter may turn a number's text into a number: its text is what was sent.
        return header == null || header.value() == null ? null : String.valueOf(header.value());
    }
}
