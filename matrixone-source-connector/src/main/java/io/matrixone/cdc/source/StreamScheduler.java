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

        /**
         * How long until this table's next scheduled read (0: due now), or {@link Long#MAX_VALUE} when no read is
         * scheduled by time (a snapshot, which reads whenever it has rows; a table that is done).
         */
        long nextReadInNanos(long nowNanos);

        List<SourceRecord> poll(Connection conn) throws SQLException;
    }

    static final int QUIET_READS_PER_POLL = 4;
    static final long QUIET_TURN_NANOS = 100_000_000L;
    /** A poll that found nothing waits at most this long: a snapshot waiting for its time, a wake-up from the probe. */
    static final long MAX_IDLE_SLEEP_NANOS = 50_000_000L;
    /** ... and at least this long, so tables due but not read this poll (a few quiet ones per poll) do not spin the task. */
    static final long MIN_IDLE_SLEEP_NANOS = 2_000_000L;

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

    /**
     * How long a poll that found nothing should wait: until the next scheduled read, within
     * [{@value #MIN_IDLE_SLEEP_NANOS}, {@value #MAX_IDLE_SLEEP_NANOS}] ns. A busy table is read again 100 ms after its
     * last read; a fixed 50-ms pause made that 100 to 150 ms, each window and the lag of its changes up to 50 ms longer.
     */
    long idleSleepNanos(long now) {
        long next = MAX_IDLE_SLEEP_NANOS;
        for (Stream stream : streams) {
            next = Math.min(next, stream.nextReadInNanos(now));
        }
        return Math.max(MIN_IDLE_SLEEP_NANOS, next);
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
