package io.matrixone.cdc.source;

import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneErrors;
import io.matrixone.cdc.common.TableId;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection of a task and the thread that reads its share of the task's tables on it, in turn
 * ({@link StreamScheduler}), handing each batch (a window, a snapshot chunk, a table event) to the task's poll().
 * A task reads its tables one after the other on each lane, so with several lanes the diffs of busy tables run side
 * by side: on one connection a round over ten busy tables (a fence and a diff of 20-150 ms each) put each table's
 * changes behind the whole round.
 *
 * <p>A table is always read on the same lane, up to the task's fenced horizon (one lane fences for all those on the
 * same CN, see {@link SharedHorizon}), and its batches are handed over in the order they were read: its offsets stay
 * in order.
 * A lane hands each batch over to poll() and waits until it is taken, so at most one batch per lane waits in memory.
 */
final class ReadLane implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReadLane.class);
    private static final long FIRST_BACKOFF_MS = 500;
    private static final long MAX_BACKOFF_MS = 30_000;

    private final StreamContext ctx;
    private final List<TableStream> tables;
    private final StreamScheduler scheduler;
    private final BlockingQueue<List<SourceRecord>> batches;
    private final AtomicReference<RuntimeException> failure;
    private final Thread thread;
    private volatile boolean running = true;
    /** Used by the lane's thread only. */
    private Connection conn;

    private ReadLane(StreamContext ctx, List<TableStream> tables, Connection conn, BlockingQueue<List<SourceRecord>> batches,
                     AtomicReference<RuntimeException> failure, String name) {
        this.ctx = ctx;
        this.tables = tables;
        this.scheduler = new StreamScheduler(tables);
        this.conn = conn;
        this.batches = batches;
        this.failure = failure;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    /**
     * Opens the lane's connection and restores its tables' streams on it (see {@link TableStream#restore}); the thread
     * starts with {@link #start()}. The first failure of any lane goes to {@code failure}, which the task's poll() throws.
     */
    static ReadLane open(StreamContext ctx, List<TableId> ids, BlockingQueue<List<SourceRecord>> batches,
                         AtomicReference<RuntimeException> failure, String name) throws SQLException {
        Connection conn = Connections.open(ctx.config.server());
        try {
            ctx.state.create(conn);
            ids.forEach(ctx.catalog::include);
            List<TableStream> tables = new ArrayList<>();
            for (TableId id : ids) {
                tables.add(TableStream.restore(ctx, conn, id));
            }
            // A fence logs the horizon for the tables read at each one, so their windows need no save of their own.
            ctx.horizon.register(tables);
            ctx.horizon.connected(conn);
            return new ReadLane(ctx, tables, conn, batches, failure, name);
        } catch (SQLException | RuntimeException e) {
            Connections.closeQuietly(conn); // a failure to close must not hide why the lane could not open
            throw e;
        }
    }

    List<TableStream> tables() {
        return tables;
    }

    void start() {
        thread.start();
    }

    private void run() {
        long backoffMs = FIRST_BACKOFF_MS;
        try {
            while (running) {
                try {
                    ensureConnected();
                    ctx.horizon.pruneLogIfDue(conn);
                    List<SourceRecord> records = scheduler.poll(conn, System.nanoTime());
                    if (!records.isEmpty()) {
                        backoffMs = FIRST_BACKOFF_MS;
                        long handing = System.nanoTime();
                        batches.put(records);
                        if (LOG.isDebugEnabled()) {
                            LOG.debug("{} records handed over after {} ms waiting for the task's poll()", records.size(),
                                    (System.nanoTime() - handing) / 1_000_000);
                        }
                    } else {
                        TimeUnit.NANOSECONDS.sleep(scheduler.idleSleepNanos(System.nanoTime()));
                    }
                } catch (SQLException e) {
                    if (!unreachableOrBusy(e)) {
                        throw new ConnectException("reading " + ctx.config.server().masked() + " failed: "
                                + MatrixOneErrors.describe(e), e);
                    }
                    LOG.warn("MatrixOne source unreachable or busy, retrying in {} ms: {}", backoffMs, MatrixOneErrors.describe(e));
                    closeConnection();
                    Thread.sleep(backoffMs);
                    backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
                }
            }
        } catch (InterruptedException e) {
            // close(): the task stops
        } catch (RuntimeException e) {
            if (running) {
                failure.compareAndSet(null, e);
            }
        } finally {
            closeConnection();
        }
    }

    /** A source error worth a reconnect and a retry (a lost connection, a server restarting, a conflict), not a failure. */
    static boolean unreachableOrBusy(SQLException e) {
        return MatrixOneErrors.isRetriable(e) || e instanceof SQLNonTransientConnectionException;
    }

    private void ensureConnected() throws SQLException {
        if (conn == null || conn.isClosed()) {
            conn = Connections.open(ctx.config.server());
            // Another connection may land on a CN that has not applied the log as far: fence again.
            ctx.horizon.reset();
            ctx.horizon.connected(conn);
        }
    }

    private void closeConnection() {
        Connections.closeQuietly(conn);
        conn = null;
    }

    /**
     * Stops the thread, which closes its connection: a wait ends at once, a read in progress first ends. The connection
     * is not closed from here: a JDBC connection closed by another thread waits for the statement in progress anyway.
     */
    @Override
    public void close() {
        running = false;
        // Connect calls stop() on another thread than start(): the thread's own state says whether it ever ran.
        if (thread.getState() == Thread.State.NEW) {
            closeConnection();
        } else {
            thread.interrupt();
        }
    }
}
