package io.matrixone.cdc.testing.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Lag from a writer's commit to the moment a reader sees it, per transaction. The writer numbers each
 * table's transactions 1, 2, ... in commit order (one connection per table) and stamps the rows it inserts
 * or updates with that number ({@code seq}); every transaction writes at least one such row. A reader (a
 * Kafka consumer, a poller on the target) that sees seq S on a table has therefore seen that table's
 * transactions up to S: change windows and the sink keep each table's order, and a row folded into a later
 * change still shows the later number. Each transaction's lag is the reader's wall clock when it first saw
 * a number at least as large, minus the writer's wall clock when its commit returned.
 */
public final class LagTracker {

    /** One measured transaction: when its commit returned (epoch ms) and its lag (ms). */
    public record Sample(long committedMs, long lagMs) {
    }

    private final List<ConcurrentLinkedQueue<long[]>> pending = new ArrayList<>();
    private final List<Sample> samples = new ArrayList<>();
    /** Another reader's tracker that hears of the same commits (the same stream seen at another point of the pipeline). */
    private volatile LagTracker alsoTo;

    public LagTracker(int tables) {
        for (int i = 0; i < tables; i++) {
            pending.add(new ConcurrentLinkedQueue<>());
        }
    }

    /** The writer committed transaction {@code seq} of table {@code table} at {@code committedNanos} (wall clock). */
    public void committed(int table, long seq, long committedNanos) {
        pending.get(table).add(new long[] {seq, committedNanos});
        LagTracker other = alsoTo;
        if (other != null) {
            other.committed(table, seq, committedNanos);
        }
    }

    /**
     * From now on, every commit reported here is reported to {@code other} too (null: no longer), so two readers at
     * different points of one pipeline (Kafka, the target) measure the same transactions.
     */
    public void alsoTo(LagTracker other) {
        alsoTo = other;
    }

    /** A reader saw {@code maxSeq} (or more) on {@code table} at {@code seenNanos} (wall clock). */
    public void observe(int table, long maxSeq, long seenNanos) {
        ConcurrentLinkedQueue<long[]> queue = pending.get(table);
        List<Sample> seen = new ArrayList<>();
        for (long[] head = queue.peek(); head != null && head[0] <= maxSeq; head = queue.peek()) {
            queue.poll();
            seen.add(new Sample(head[1] / 1_000_000L, (seenNanos - head[1]) / 1_000_000L));
        }
        if (!seen.isEmpty()) {
            synchronized (samples) {
                samples.addAll(seen);
            }
        }
    }

    /** Transactions committed and not seen yet. */
    public int pending() {
        return pending.stream().mapToInt(ConcurrentLinkedQueue::size).sum();
    }

    /** Age (ms) of the oldest transaction not seen yet at {@code nowNanos}, 0 when none. */
    public long oldestPendingMs(long nowNanos) {
        return oldestPendingMsPerTable(nowNanos).stream().mapToLong(Long::longValue).max().orElse(0);
    }

    /** Per table, the age (ms) of its oldest transaction not seen yet at {@code nowNanos}, 0 when none. */
    public List<Long> oldestPendingMsPerTable(long nowNanos) {
        List<Long> ages = new ArrayList<>();
        for (ConcurrentLinkedQueue<long[]> queue : pending) {
            long[] head = queue.peek();
            ages.add(head == null ? 0 : (nowNanos - head[1]) / 1_000_000L);
        }
        return ages;
    }

    /** Sorted lags (ms) of the transactions committed in [fromMs, toMs) that have been seen. */
    public List<Long> lagsCommittedBetween(long fromMs, long toMs) {
        List<Long> lags = new ArrayList<>();
        synchronized (samples) {
            for (Sample s : samples) {
                if (s.committedMs() >= fromMs && s.committedMs() < toMs) {
                    lags.add(s.lagMs());
                }
            }
        }
        Collections.sort(lags);
        return lags;
    }

    /** Waits until every committed transaction has been seen, at most {@code timeoutMs}; true when all were. */
    public boolean awaitAllSeen(long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (pending() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        return pending() == 0;
    }
}
