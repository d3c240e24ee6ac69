package io.matrixone.cdc.testing;

import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneUri;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps inserting, updating and deleting rows of a table {@code (id int primary key, n int, ...)} in small
 * autocommit statements until closed, naming only the columns id and n, so it goes on across DDL on the other
 * columns. A statement that fails (the table is being altered, truncated, dropped) is counted and the writer
 * carries on; {@link #pause()} and {@link #resume()} hold it for DDL that must not meet a write.
 */
public final class RowWriter implements AutoCloseable {

    private final MatrixOneUri server;
    private final String table;
    private final AtomicBoolean writing = new AtomicBoolean(true);
    private final AtomicBoolean paused = new AtomicBoolean();
    private final AtomicInteger writes = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();
    private final Thread thread;
    private int next;

    public RowWriter(MatrixOneUri server, String table, int firstNewId) {
        this.server = server;
        this.table = table;
        this.next = firstNewId;
        this.thread = new Thread(this::run, "row writer " + table);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        Random random = new Random(next);
        Connection c = null;
        while (writing.get()) {
            try {
                if (paused.get()) {
                    Thread.sleep(20);
                    continue;
                }
                if (c == null) {
                    c = Connections.open(server);
                }
                int id = next++;
                Sql.exec(c, "insert into " + table + " (id, n) values (" + id + ", 0)",
                        "update " + table + " set n = n + 1 where id = " + (1 + random.nextInt(id)),
                        "delete from " + table + " where id = " + (1 + random.nextInt(id)));
                writes.addAndGet(3);
                Thread.sleep(10);
            } catch (SQLException e) {
                failures.incrementAndGet();
                close(c);
                c = null;
                sleep(200);
            } catch (InterruptedException e) {
                break;
            }
        }
        close(c);
    }

    /** Stops writing after the statement in flight; returns once no write is under way. */
    public void pause() throws InterruptedException {
        paused.set(true);
        Thread.sleep(200);
    }

    public void resume() {
        paused.set(false);
    }

    /** Statements committed so far. */
    public int writes() {
        return writes.get();
    }

    /** Rounds that failed (DDL in the way, server unreachable). */
    public int failures() {
        return failures.get();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void close(Connection c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (SQLException ignored) {
            // a broken connection
        }
    }

    /**
     * Stops writing and waits for the statement in flight, at most a little longer than the test connections' socket
     * timeout: a server that stops answering fails the test here, naming the table, instead of hanging it.
     */
    @Override
    public void close() throws InterruptedException {
        writing.set(false);
        long waitMs = MatrixOneTestServers.TEST_SOCKET_TIMEOUT_MS + 30_000L;
        thread.join(waitMs);
        if (thread.isAlive()) {
            thread.interrupt();
            throw new IllegalStateException("the row writer of " + table + " is still waiting for " + server.masked()
                    + " after " + waitMs / 1000 + " s: the server stopped answering"
                    + " (see its log; scripts/matrixone.sh stop and start it again)");
        }
    }
}
