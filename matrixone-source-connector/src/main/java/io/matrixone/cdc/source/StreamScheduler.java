package io.matrixone.cdc.source;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Which of a task's tables a lane's poll reads. Active tables (snapshotting, or with recent changes) go first, in turn;
 * then at most {@value #QUIET_READS_PER_POLL} reads of quiet tables whose time has come, in turn. The quiet tables of
 * a big task come due together (200 tables: all within a few ms), and read in one go they held the busy ones up for
 * seconds (busy tables' lag p50 4-7 s in bench-tables). Quiet tables still get their turn first at least every
 * {@link #QUIET_TURN_NANOS}, however busy the active ones keep the task (a long snapshot).
 *
 * <p>Quiet reads are also held to the task's share of idle.reads.per.second as a rate (bursts of at most
 * {@value #QUIET_READS_PER_POLL}). Each quiet table's next read was set from its last one, so the quiet tables of a big
 * task came due in bunches: bench-tables' debug log showed 12-19 quiet reads a second for 15 s, then none for 5, every
 * 20 s, where the budget is 10 a second; the bunches took the lanes from the busy tables.
 *
 * <p>All the task's lanes take their reads from one scheduler, so no lane idles while another has due tables (dealt
 * out to lanes once, a task's busy tables landed four on one lane and six on the other in bench-tables). A table read by
 * a lane stays claimed until the lane has handed its batch over: one lane at a time reads it, and its batches reach
 * poll() in the order they were read, so its offsets stay in order.
 */
final class StreamScheduler {

    /** Hands a batch over to the task's poll(), waiting until it is taken. */
    @FunctionalInterface
    interface HandOver {
        void accept(List<SourceRecord> records) throws InterruptedException;
    }

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
    /** Quiet reads allowed per nanosecond: the task's share of idle.reads.per.second. */
    private final double quietReadsPerNano;
    /** Guarded by this: quiet reads allowed now (a token bucket of {@link #QUIET_READS_PER_POLL}), as of {@link #quietBudgetAt}. */
    private double quietBudget = QUIET_READS_PER_POLL;
    private long quietBudgetAt;
    private boolean quietBudgetStarted;
    /** Guarded by this: the streams a lane is reading or handing over. */
    private final Set<Stream> claimed = Collections.newSetFromMap(new IdentityHashMap<>());
    private int nextActive;
    private int nextQuiet;
    private long quietTurnAt;
    private boolean quietTurnTaken;

    StreamScheduler(List<? extends Stream> streams, double quietReadsPerSecond) {
        this.streams = streams;
        this.quietReadsPerNano = quietReadsPerSecond / TimeUnit.SECONDS.toNanos(1);
    }

    /** Reads the first table that has records and hands them over; false when none had any. */
    boolean poll(Connection conn, long now, HandOver handOver) throws SQLException, InterruptedException {
        boolean quietFirst = takeQuietTurnFirst(now);
        if (quietFirst && readQuiet(conn, now, handOver)) {
            return true;
        }
        if (readActive(conn, now, handOver)) {
            return true;
        }
        return !quietFirst && readQuiet(conn, now, handOver);
    }

    private synchronized boolean takeQuietTurnFirst(long now) {
        return !quietTurnTaken || now - quietTurnAt >= QUIET_TURN_NANOS;
    }

    /**
     * How long a poll that found nothing should wait: until the next scheduled read, within
     * [{@value #MIN_IDLE_SLEEP_NANOS}, {@value #MAX_IDLE_SLEEP_NANOS}] ns. A busy table is read again 100 ms after its
     * last read; a fixed 50-ms pause made that 100 to 150 ms, each window and the lag of its changes up to 50 ms longer.
     */
    long idleSleepNanos(long now) {
        long next = MAX_IDLE_SLEEP_NANOS;
        long quietAllowedIn = nanosUntilQuietRead(now);
        for (Stream stream : streams) {
            long readIn = stream.nextReadInNanos(now);
            // A quiet table due now waits for the quiet reads' budget.
            next = Math.min(next, readIn == 0 && !stream.active(now) ? quietAllowedIn : readIn);
        }
        return Math.max(MIN_IDLE_SLEEP_NANOS, next);
    }

    private boolean readActive(Connection conn, long now, HandOver handOver) throws SQLException, InterruptedException {
        for (int i = 0; i < streams.size(); i++) {
            Stream stream = claimActive(now);
            if (stream != null && readAndHandOver(stream, conn, handOver)) {
                return true;
            }
        }
        return false;
    }

    /** The stream at the next active position, claimed, or null when it is not active or another lane has it. */
    private synchronized Stream claimActive(long now) {
        Stream stream = streams.get(nextActive);
        nextActive = (nextActive + 1) % streams.size();
        return !claimed.contains(stream) && stream.active(now) && claimed.add(stream) ? stream : null;
    }

    private boolean readQuiet(Connection conn, long now, HandOver handOver) throws SQLException, InterruptedException {
        synchronized (this) {
            quietTurnAt = now;
            quietTurnTaken = true;
        }
        int reads = 0;
        for (int i = 0; i < streams.size() && reads < QUIET_READS_PER_POLL && nanosUntilQuietRead(now) == 0; i++) {
            Stream stream = claimQuiet(now);
            if (stream != null) {
                reads++;
                if (readAndHandOver(stream, conn, handOver)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The stream at the next quiet position, claimed and counted against the quiet reads' budget, or null when it is
     * not a quiet one due, another lane has it, or the budget allows no read now.
     */
    private synchronized Stream claimQuiet(long now) {
        if (nanosUntilQuietRead(now) > 0) {
            return null; // another lane took the last of the budget
        }
        Stream stream = streams.get(nextQuiet);
        nextQuiet = (nextQuiet + 1) % streams.size();
        if (!claimed.contains(stream) && !stream.active(now) && stream.due(now) && claimed.add(stream)) {
            quietBudget -= 1;
            return stream;
        }
        return null;
    }

    /** How long until the quiet reads' budget allows one more (0: now). */
    private synchronized long nanosUntilQuietRead(long now) {
        if (!quietBudgetStarted) {
            quietBudgetStarted = true;
            quietBudgetAt = now;
        } else if (now > quietBudgetAt) { // lanes pass times read a moment apart: never count one twice
            quietBudget = Math.min(QUIET_READS_PER_POLL, quietBudget + (now - quietBudgetAt) * quietReadsPerNano);
            quietBudgetAt = now;
        }
        return quietBudget >= 1 ? 0 : (long) Math.ceil((1 - quietBudget) / quietReadsPerNano);
    }

    /**
     * Reads the stream and hands its records over, then releases it. A failed read (a lost connection) releases it too:
     * it leaves the stream where it was, to be read again by any lane. Anything else (a failure that fails the task, the
     * task stopping during a hand-over) keeps it claimed: its position may have moved past a batch that never reached
     * poll(), and no other lane may read on from there before the task stops.
     */
    private boolean readAndHandOver(Stream stream, Connection conn, HandOver handOver)
            throws SQLException, InterruptedException {
        List<SourceRecord> records;
        try {
            records = stream.poll(conn);
        } catch (SQLException e) {
            release(stream);
            throw e;
        }
        if (!records.isEmpty()) {
            handOver.accept(records);
        }
        release(stream);
        return !records.isEmpty();
    }

    private synchronized void release(Stream stream) {
        claimed.remove(stream);
    }
}
