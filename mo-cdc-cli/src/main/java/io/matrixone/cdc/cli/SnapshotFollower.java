package io.matrixone.cdc.cli;

import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneErrors;
import io.matrixone.cdc.common.MatrixOneUri;
import io.matrixone.cdc.common.SnapshotProgress;
import io.matrixone.cdc.common.SourceStateTables;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Shows a new task's snapshot on the terminal: rows done / total per table, read from the progress the
 * source keeps on the source server ({@link SnapshotProgress}), until every table is copied or the time
 * is up (the snapshot then goes on in the background).
 */
final class SnapshotFollower {

    /** The snapshot is taken as finished once every started table is complete and nothing new has started for this long. */
    private static final long SETTLE_NANOS = 3_000_000_000L;
    private static final long PRINT_EVERY_NANOS = 2_000_000_000L;

    private final MatrixOneUri source;
    private final String connector;
    private final PrintStream out;

    SnapshotFollower(MatrixOneUri source, String connector, PrintStream out) {
        this.source = source;
        this.connector = connector;
        this.out = out;
    }

    /**
     * Before the task is created: an earlier task of the same name (dropped by an older mo-cdc, or cut short) may have
     * left its figures and its capture state on the source (see {@link SourceStateTables#forget}).
     */
    void forgetEarlierTask() {
        try (Connection conn = Connections.open(source)) {
            SourceStateTables.forget(conn, SnapshotProgress.DEFAULT_STATE_DATABASE, connector);
        } catch (SQLException e) {
            out.println("could not clear an earlier task's state on the source: " + MatrixOneErrors.describe(e));
        }
    }

    void follow(long deadlineNanos) throws InterruptedException {
        Map<String, Long> printed = new HashMap<>();
        long lastPrint = 0;
        long completeSince = 0;
        try (Connection conn = Connections.open(source)) {
            while (System.nanoTime() < deadlineNanos) {
                List<SnapshotProgress.Entry> entries = read(conn);
                long now = System.nanoTime();
                boolean complete = !entries.isEmpty() && entries.stream().allMatch(SnapshotProgress.Entry::complete);
                for (SnapshotProgress.Entry e : entries) {
                    Long shown = printed.get(e.table());
                    boolean changed = shown == null || shown != e.done();
                    if (changed && (e.complete() || now - lastPrint >= PRINT_EVERY_NANOS)) {
                        out.println(line(e));
                        printed.put(e.table(), e.done());
                        lastPrint = now;
                    }
                }
                completeSince = complete ? (completeSince == 0 ? now : completeSince) : 0;
                if (complete && now - completeSince >= SETTLE_NANOS) {
                    return;
                }
                Thread.sleep(500);
            }
        } catch (SQLException e) {
            out.println("snapshot progress unavailable: " + e.getMessage());
            return;
        }
        out.println("snapshot continues in the background (mo-cdc task show --task-name ... for its checkpoint)");
    }

    /** Empty until the source has created its progress table. */
    private List<SnapshotProgress.Entry> read(Connection conn) {
        try {
            return SnapshotProgress.of(conn, SnapshotProgress.DEFAULT_STATE_DATABASE, connector);
        } catch (SQLException e) {
            return List.of();
        }
    }

    static String line(SnapshotProgress.Entry e) {
        long percent = e.total() == 0 ? 100 : e.done() * 100 / e.total();
        return String.format(Locale.ROOT, "snapshot %s: %,d / %,d rows (%d%%)%s", e.table(), e.done(), e.total(), percent,
                e.complete() ? " done" : "");
    }
}
