package io.matrixone.cdc.testing.bench;

import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneUri;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the newest {@code seq} of each copied table on the target every {@code intervalMs} and reports it to
 * a {@link LagTracker} with the wall clock at which the query returned: a transaction's lag is measured up to
 * the first poll that shows it, so it is at most one interval (plus the query) above the true visibility time.
 *
 * <p>The newest seq is that of the row with the highest id: every transaction of a {@link PacedWriter} inserts
 * rows with ids above all earlier ones, and only a later transaction can delete them, so the highest id on the
 * target is one the last applied transaction inserted (its seq is that transaction's, or a later one's that
 * updated it). Found by the primary key, it is one block's read whatever the table's layout. A range on
 * {@code seq} was not: until MatrixOne merged a freshly copied table's objects, it read 25 blocks (198,000 rows,
 * 220-800 ms a query) against the key's one block (1 ms), and the lag measured was the poller's.
 *
 * <p>The first read starts at the writer's first id ({@code rowsEach}, as {@link PacedWriter} takes it): from 0 it
 * sorted the whole unmerged table, about a second in which the first transactions of a phase waited unseen.
 *
 * <p>Each table has a thread and a connection of its own. Polled in one round, a table waited for the queries of
 * every table before it: with ten tables the round was ten queries long, and the many-tables lag carried that wait,
 * which one table alone did not.
 */
public final class TargetPoller implements AutoCloseable {

    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    /** @param rowsEach the bulk-loaded rows of each table, 1..rowsEach: the writer's ids are above them */
    public TargetPoller(MatrixOneUri target, List<String> tables, long rowsEach, long intervalMs, LagTracker tracker) {
        for (int i = 0; i < tables.size(); i++) {
            int index = i;
            Thread thread = new Thread(() -> run(target, tables.get(index), index, rowsEach, intervalMs, tracker), "target poller " + tables.get(i));
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
    }

    private void run(MatrixOneUri target, String table, int index, long rowsEach, long intervalMs, LagTracker tracker) {
        long seen = 0;
        long highestId = rowsEach;
        while (running) {
            try (Connection c = Connections.open(target); Statement st = c.createStatement()) {
                while (running) {
                    try (ResultSet rs = st.executeQuery("select id, seq from " + table + " where id >= " + highestId
                            + " order by id desc limit 1")) {
                        if (rs.next()) {
                            highestId = rs.getLong(1);
                            seen = Math.max(seen, rs.getLong(2));
                        }
                    }
                    tracker.observe(index, seen, Bench.wallNanos());
                    Thread.sleep(intervalMs);
                }
            } catch (SQLException e) {
                // the table is not there yet, or the connection broke: try again on a new one
                pause(intervalMs);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.interrupt();
        }
        for (Thread thread : threads) {
            thread.join();
        }
    }
}
