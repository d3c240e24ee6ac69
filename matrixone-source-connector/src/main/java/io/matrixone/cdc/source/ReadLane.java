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
 * One connection of a task and the thread that reads the task's tables on it, taking its turns from the task's
 * {@link StreamScheduler} as the other lanes do, and handing each batch (a window, a snapshot chunk, a table event) to
 * the task's poll(). With several lanes the diffs of busy tables run side by side: on one connection a round over ten
 * busy tables (a fence and a diff of 20-150 ms each) put each table's changes behind the whole round.
 *
 * <p>Any lane may read any table, up to the task's fenced horizon (one fence serves the connections on the same CN,
 * see {@link ReadHorizon}); the scheduler lets one lane at a time read a table. A lane restores its share of the
 * tables when the task starts, so they are restored side by side. A lane hands each batch over to poll() and waits
 * until it is taken, so at most one batch per lane waits in memory.
 */
final class ReadLane implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReadLane.class);
    private static final long FIRST_BACKOFF_MS = 500;
    private static final long MAX_BACKOFF_MS = 30_000;

    private final StreamContext ctx;
    private final List<TableStream> tables;
    /** The task's, set by {@link #start}. */
    private StreamScheduler scheduler;
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
        this.conn = conn;
        this.batches = batches;
        this.failure = failure;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    /**
     * Opens the lane's connection and restores its tables' streams on it (see {@link TableStream#restore}); the thread
     * starts with {@link #start}. The first failure of any lane goes to {@code failure}, which the task's poll() throws.
     */
    static ReadLane open(StreamContext ctx, List<TableId> ids, BlockingQueue<List<SourceRecord>> batches,
                         AtomicReference<RuntimeException> failure, String name) throws SQLException {
        Connection conn = Connections.open(ctx.config.server());
        try {
            ctx.horizon.connected(conn);
            ctx.state.create(conn);
            ids.forEach(ctx.catalog::include);
            List<TableStream> tables = new ArrayList<>();
            for (TableId id : ids) {
                tables.add(TableStream.restore(ctx, conn, id));
            }
            // A fence logs the horizon for the tables read at each one, so their windows need no save of their own.
            ctx.horizon.register(tables);
            return new ReadLane(ctx, tables, conn, batches, failure, name);
        } catch (SQLException | RuntimeException e) {
            ctx.horizon.disconnected(conn);
            Connections.closeQuietly(conn); // a failure to close must not hide why the lane could not open
            throw e;
        }
    }

    /** The tables this lane restored. */
    List<TableStream> tables() {
        return tables;
    }

    /** Starts reading the task's tables, whose turns {@code scheduler} gives out to all the task's lanes. */
    void start(StreamScheduler scheduler) {
        this.scheduler = scheduler;
        thread.start();
    }

    private void run() {
        long backoffMs = FIRST_BACKOFF_MS;
        try {
            while (running) {
                try {
                    ensureConnected();
                    ctx.horizon.pruneLogIfDue(conn);
                    if (scheduler.poll(conn, System.nanoTime(), this::handOver)) {
                        backoffMs = FIRST_BACKOFF_MS;
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

    private void handOver(List<SourceRecord> records) throws InterruptedException {
        long handing = System.nanoTime();
        batches.put(records);
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} records handed over after {} ms waiting for the task's poll()", records.size(),
                    (System.nanoTime() - handing) / 1_000_000);
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
        if (conn != null) {
            ctx.horizon.disconnected(conn);
        }
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
