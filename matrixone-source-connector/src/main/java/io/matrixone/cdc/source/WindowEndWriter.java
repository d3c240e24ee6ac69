package io.matrixone.cdc.source;

import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves the ends of a task's windows with changes ({@link SourceState#saveWindowEnd}) on a connection and a thread of
 * its own, all that are waiting in one statement, while the read lanes go on reading. Saved on the reading connection,
 * each was a commit of 10-50 ms per busy read on a loaded source, a third of a lane's time (bench-tables' debug log).
 *
 * <p>The rule the ends exist for still holds: no record of a window reaches Kafka before its end is committed. A lane
 * takes a {@link #ticket()} after each read and queues it with the batch; the task's poll() hands the batch to Connect
 * only once {@link #awaitSaved} says every end asked for up to that ticket is saved. A save that fails for a retriable
 * reason (a lost connection, a server restarting) is retried on a new connection until it succeeds, the batches
 * waiting meanwhile; any other failure fails the task.
 */
final class WindowEndWriter implements AutoCloseable {

    /** Opens the writer's connection (again after a failure). */
    interface ConnectionSource {
        Connection open() throws SQLException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(WindowEndWriter.class);
    private static final long FIRST_BACKOFF_MS = 200;
    private static final long MAX_BACKOFF_MS = 30_000;

    private record End(String capture, long ts) {
    }

    private final SourceState state;
    private final ConnectionSource connections;
    private final AtomicReference<RuntimeException> failure;
    private final Thread thread;
    /** Guarded by this. */
    private final List<End> pending = new ArrayList<>();
    /** Guarded by this: how many ends were asked for, and how many of the first of them are saved. */
    private long requested;
    private long saved;
    private volatile boolean running = true;
    /** Used by the writer's thread only. */
    private Connection conn;

    WindowEndWriter(SourceState state, ConnectionSource connections, AtomicReference<RuntimeException> failure, String name) {
        this.state = state;
        this.connections = connections;
        this.failure = failure;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Asks for {@code capture}'s window end {@code ts} to be saved; {@link #awaitSaved} tells when it is. */
    synchronized void save(String capture, long ts) {
        pending.add(new End(capture, ts));
        requested++;
        notifyAll();
    }

    /** A ticket covering every end asked for so far: what a batch read now must wait for. */
    synchronized long ticket() {
        return requested;
    }

    /**
     * Waits until every end asked for up to {@code ticket} is saved: true; false when the writer stopped (the task is
     * stopping, or failed: see the failure reference) before that.
     */
    synchronized boolean awaitSaved(long ticket) throws InterruptedException {
        while (saved < ticket) {
            if (!running || failure.get() != null) {
                return false;
            }
            wait(100);
        }
        return true;
    }

    private void run() {
        try {
            while (running) {
                List<End> ends;
                long upTo;
                synchronized (this) {
                    while (pending.isEmpty() && running) {
                        wait();
                    }
                    ends = List.copyOf(pending);
                    pending.clear();
                    upTo = requested;
                }
                if (!ends.isEmpty() && !write(ends)) {
                    return; // stopped before the ends were saved: their batches must never be released
                }
                synchronized (this) {
                    saved = upTo;
                    notifyAll();
                }
            }
        } catch (InterruptedException e) {
            // close()
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        } finally {
            closeConnection();
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /**
     * Saves {@code ends}, retrying retriable failures on a new connection until it succeeds (true) or the writer stops
     * (false).
     */
    private boolean write(List<End> ends) throws InterruptedException {
        long backoffMs = FIRST_BACKOFF_MS;
        while (running) {
            try {
                if (conn == null || conn.isClosed()) {
                    conn = connections.open();
                }
                state.saveWindowEnds(conn, ends.stream().map(End::capture).toList(), ends.stream().map(End::ts).toList());
                return true;
            } catch (SQLException e) {
                if (!ReadLane.unreachableOrBusy(e)) {
                    throw new ConnectException("saving window ends on the source failed: " + MatrixOneErrors.describe(e), e);
                }
                LOG.warn("Saving window ends failed, retrying in {} ms: {}", backoffMs, MatrixOneErrors.describe(e));
                closeConnection();
                Thread.sleep(backoffMs);
                backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
            }
        }
        return false;
    }

    private void closeConnection() {
        Connections.closeQuietly(conn);
        conn = null;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
