package io.matrixone.cdc.testing.bench;

import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneUri;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Changes {@link BenchTable}s at a steady rate: one thread and one connection per table, one transaction
 * per table every 100 ms holding the changes the rate asks for since the previous one (more when a commit
 * was slow, at most one second's worth) as 40% inserts (new ids), 40% updates and 20% deletes of live rows,
 * each as one multi-row statement. Every transaction stamps its inserted and updated rows with its number
 * ({@code seq}) and reports its commit to a {@link LagTracker}. {@link #changes()} counts the rows the
 * statements changed, so the achieved rate is what it says.
 */
public final class PacedWriter implements AutoCloseable {

    private static final long TICK_NANOS = 100_000_000L;

    private final MatrixOneUri server;
    private final LagTracker tracker;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong changes = new AtomicLong();
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile double changesPerSecond;
    private volatile boolean running = true;
    private volatile Throwable crash;

    /**
     * Starts writing. {@code tables.get(i)} is table i of the tracker; its rows 1..{@code rowsEach} must exist
     * (new ids start above them). {@code seqStart} is the last transaction number used earlier on these tables.
     */
    public PacedWriter(MatrixOneUri server, List<String> tables, long rowsEach, long seqStart, double changesPerSecond,
            LagTracker tracker) {
        this.server = server;
        this.tracker = tracker;
        this.changesPerSecond = changesPerSecond;
        for (int i = 0; i < tables.size(); i++) {
            int index = i;
            Thread thread = new Thread(() -> run(index, tables.get(index), tables.size(), rowsEach, seqStart), "writer " + tables.get(i));
            threads.add(thread);
        }
        threads.forEach(Thread::start);
    }

    /** Changes the total rate (all tables) from the next tick on. */
    public void rate(double changesPerSecond) {
        this.changesPerSecond = changesPerSecond;
    }

    /** Rows changed so far (inserted, updated or deleted). */
    public long changes() {
        return changes.get();
    }

    public long transactions() {
        return transactions.get();
    }

    /** Transactions that failed and were rolled back (not counted as changes). */
    public long failures() {
        return failures.get();
    }

    private void run(int index, String table, int tableCount, long rowsEach, long seqStart) {
        Random random = new Random(index);
        LiveIds live = new LiveIds(rowsEach);
        long nextId = rowsEach + 1;
        long seq = seqStart;
        double owed = 0;
        try (Connection c = Connections.open(server); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            long next = System.nanoTime();
            long last = next;
            while (running) {
                long now = System.nanoTime();
                // What the rate asks for since the last transaction: a slow commit makes the next one larger, up to
                // one second's worth; beyond that the writer falls behind and changes() shows it.
                double perSecond = changesPerSecond / tableCount;
                owed = Math.min(owed + perSecond * (now - last) / 1e9, Math.max(1, perSecond));
                last = now;
                int batch = (int) owed;
                if (batch >= 1) {
                    owed -= batch;
                    // At least one new row, with an id above every earlier one: TargetPoller finds the last applied
                    // transaction by the highest id.
                    int inserts = Math.max(1, (int) Math.round(batch * 0.4));
                    int updates = Math.min(live.size(), (int) Math.round(batch * 0.4));
                    int deletes = Math.min(live.size() - updates, Math.max(0, batch - inserts - updates));
                    long txn = seq + 1;
                    StringJoiner rows = new StringJoiner(",");
                    for (int i = 0; i < inserts; i++) {
                        long id = nextId + i;
                        rows.add("(" + id + "," + txn + "," + (id % 1000) + "," + (id % 100_000) + ".25,'new " + id + "',utc_timestamp(6))");
                    }
                    List<Long> updated = live.pick(random, updates, false);
                    List<Long> deleted = live.pick(random, deletes, true);
                    try {
                        long done = st.executeUpdate("insert into " + table + " (" + BenchTable.COLUMNS + ") values " + rows);
                        if (!updated.isEmpty()) {
                            done += st.executeUpdate("update " + table + " set seq = " + txn + ", k = k + 1, amount = amount + 1.25, "
                                    + "note = concat('upd ', " + txn + "), updated_at = utc_timestamp(6) where id in " + in(updated));
                        }
                        if (!deleted.isEmpty()) {
                            done += st.executeUpdate("delete from " + table + " where id in " + in(deleted));
                        }
                        c.commit();
                        tracker.committed(index, txn, Bench.wallNanos());
                        seq = txn;
                        for (int i = 0; i < inserts; i++) {
                            live.add(nextId++);
                        }
                        changes.addAndGet(done);
                        transactions.incrementAndGet();
                    } catch (SQLException e) {
                        if (failures.incrementAndGet() <= 3) {
                            System.err.println("writer " + table + ": transaction failed, rolled back: " + e.getMessage());
                        }
                        c.rollback();
                        deleted.forEach(live::add); // still there
                    }
                }
                next += TICK_NANOS;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
                } else if (wait < -TICK_NANOS) {
                    next = System.nanoTime(); // behind: no burst, the shortfall shows in changes()
                }
            }
        } catch (Throwable e) {
            crash = e;
        }
    }

    private static String in(List<Long> ids) {
        StringJoiner in = new StringJoiner(",", "(", ")");
        ids.forEach(id -> in.add(Long.toString(id)));
        return in.toString();
    }

    /** Stops the writer after its current transaction. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.join();
        }
        if (crash != null) {
            throw new IllegalStateException("writer crashed", crash);
        }
    }

    /** The ids present in a table, with random picks in O(1). */
    private static final class LiveIds {
        private long[] ids;
        private int size;

        LiveIds(long rows) {
            ids = new long[(int) Math.max(16, rows * 2)];
            for (int i = 0; i < rows; i++) {
                ids[size++] = i + 1;
            }
        }

        int size() {
            return size;
        }

        void add(long id) {
            if (size == ids.length) {
                ids = java.util.Arrays.copyOf(ids, size * 2);
            }
            ids[size++] = id;
        }

        /** {@code n} distinct ids; {@code remove} takes them out of the set. */
        List<Long> pick(Random random, int n, boolean remove) {
            List<Long> picked = new ArrayList<>(n);
            java.util.Set<Long> seen = new java.util.HashSet<>();
            while (picked.size() < n && seen.size() < size) {
                int i = random.nextInt(size);
                long id = ids[i];
                if (seen.add(id)) {
                    picked.add(id);
                    if (remove) {
                        ids[i] = ids[--size];
                        seen.add(id);
                    }
                }
            }
            return picked;
        }
    }
}
