package io.matrixone.cdc.source;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Which of a task's tables a poll reads. Active tables (snapshotting, or with recent changes) go first, in turn;
 * then at most {@value #QUIET_READS_PER_POLL} reads of quiet tables whose time has come, in turn. The quiet tables of
 * a big task come due together (200 tables: all within a few ms), and read in one go they held the busy ones up for
 * seconds (busy tables' lag p50 4-7 s in bench-tables). Quiet tables still get their turn first at least every
 * {@link #QUIET_TURN_NANOS}, however busy the active ones keep the task (a long snapshot).
 */
final class StreamScheduler {

    /** What the scheduler needs of a table's stream. */
    interface Stream {
        boolean active(long nowNanos);

        boolean due(long nowNanos);

        List<SourceRecord> poll(Connection conn) throws SQLException;
    }

    static final int QUIET_READS_PER_POLL = 4;
    static final long QUIET_TURN_NANOS = 100_000_000L;

    private final List<? extends Stream> streams;
    private int nextActive;
    private int nextQuiet;
    private long quietTurnAt;
    private boolean quietTurnTaken;

    StreamScheduler(List<? extends Stream> streams) {
        this.streams = streams;
    }

    /** The records of the first table that has some, or an empty list. */
    List<SourceRecord> poll(Connection conn, long now) throws SQLException {
        List<SourceRecord> records = List.of();
        boolean quietFirst = !quietTurnTaken || now - quietTurnAt >= QUIET_TURN_NANOS;
        if (quietFirst) {
            records = readQuiet(conn, now);
        }
        if (records.isEmpty()) {
            records = readActive(conn, now);
        }
        if (records.isEmpty() && !quietFirst) {
            records = readQuiet(conn, now);
        }
        return records;
    }

    private List<SourceRecord> readActive(Connection conn, long now) throws SQLException {
        for (int i = 0; i < streams.size(); i++) {
            Stream stream = streams.get(nextActive);
            nextActive = (nextActive + 1) % streams.size();
            if (stream.active(now)) {
                List<SourceRecord> records = stream.poll(conn);
                if (!records.isEmpty()) {
                    return records;
                }
            }
        }
        return List.of();
    }

    private List<SourceRecord> readQuiet(Connection conn, long now) throws SQLException {
        quietTurnAt = now;
        quietTurnTaken = true;
        int reads = 0;
        for (int i = 0; i < streams.size() && reads < QUIET_READS_PER_POLL; i++) {
            Stream stream = streams.get(nextQuiet);
            nextQuiet = (nextQuiet + 1) % streams.size();
            if (!stream.active(now) && stream.due(now)) {
                reads++;
                List<SourceRecord> records = stream.poll(conn);
                if (!records.isEmpty()) {
                    return records;
                }
            }
        }
        return List.of();
    }
}
