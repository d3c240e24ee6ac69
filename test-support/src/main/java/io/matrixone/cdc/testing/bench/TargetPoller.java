package io.matrixone.cdc.testing.bench;

import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneUri;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Reads the newest {@code seq} of each copied table on the target every {@code intervalMs} and reports it to
 * a {@link LagTracker} with the wall clock at which the query returned: a transaction's lag is measured up to
 * the first poll that shows it, so it is at most one interval (plus the query) above the true visibility time.
 */
public final class TargetPoller implements AutoCloseable {

    private final Thread thread;
    private volatile boolean running = true;

    public TargetPoller(MatrixOneUri target, List<String> tables, long intervalMs, LagTracker tracker) {
        thread = new Thread(() -> run(target, tables, intervalMs, tracker), "target poller");
        thread.setDaemon(true);
        thread.start();
    }

    private void run(MatrixOneUri target, List<String> tables, long intervalMs, LagTracker tracker) {
        long[] seen = new long[tables.size()];
        while (running) {
            try (Connection c = Connections.open(target); Statement st = c.createStatement()) {
                while (running) {
                    for (int i = 0; i < tables.size(); i++) {
                        // seq >= last: the zone maps skip the blocks of older rows.
                        try (ResultSet rs = st.executeQuery("select max(seq) from " + tables.get(i) + " where seq >= " + seen[i])) {
                            if (rs.next() && rs.getObject(1) != null) {
                                seen[i] = Math.max(seen[i], rs.getLong(1));
                            }
                        }
                        tracker.observe(i, seen[i], Bench.wallNanos());
                    }
                    Thread.sleep(intervalMs);
                }
            } catch (SQLException e) {
                // a table is not there yet, or the connection broke: try again on a new one
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
        thread.interrupt();
        thread.join();
    }
}
