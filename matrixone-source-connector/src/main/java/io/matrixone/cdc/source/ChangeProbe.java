package io.matrixone.cdc.source;

import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneUri;
import io.matrixone.cdc.common.TableId;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a task's quiet tables that have changed, on a connection and a thread of its own, so that such a table is read
 * at once instead of at its next idle read. A task of many tables reads each quiet one only every few seconds (the
 * idle-read budget keeps the source's CPU below the built-in CDC's), so the first changes of a table that wakes up
 * waited that long (bench-tables: its busy tables' lag p50 6.4 s in their first 10 s).
 *
 * <p>A probe is {@code DATA BRANCH DIFF t AGAINST t{MO_TS = checkpoint} OUTPUT LIMIT 1}: a row means the table
 * changed since its checkpoint; an error (a table dropped, altered, or truncated across the checkpoint) means the
 * table's own read has something to find out. The probe only says "read this table now": what is read, and how,
 * stays with the table's stream and its fenced horizon, so a probe that misses a change (or answers late) costs
 * latency, never a change. It runs only for tasks whose quiet tables are read less often than poll.interval.ms, at
 * most {@code idle.probes.per.second} (the connector's budget, shared by its tasks) probes per second, in the order
 * {@link ProbeOrder} gives (tables that changed recently more often), and one round faster after a find, a few
 * probes side by side on connections of their own ({@link ProbePace}).
 */
final class ChangeProbe implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeProbe.class);
    private static final long RECONNECT_BACKOFF_MS = 2_000;
    private static final long HELPERS_STOP_MS = 2_000;

    /** What the probe needs of a table's stream. */
    interface Probed {
        TableId table();

        /** The checkpoint to probe from, or -1 when the table is not quiet and streaming (nothing to probe). */
        long probeFrom(long nowNanos);

        /** Whether the table had changes not long ago (it is probed more often, see {@link ProbeOrder}). */
        boolean changedRecently(long nowNanos);

        /** Asks for the table to be read at the task's next poll. */
        void wake();
    }

    private final MatrixOneUri server;
    private final List<? extends Probed> streams;
    private final ProbePace pace;
    private final SourceTaskMetrics metrics;
    private final Thread thread;
    private volatile boolean running = true;
    /** One per probe that may run side by side ({@link ProbePace#sideBySide}); the probe's own thread uses the first. */
    private final Connection[] conns = new Connection[ProbePace.BURST_CONNECTIONS];
    /** The threads of the probes run beside the probe's own in a faster round; started on the first such round. */
    private ExecutorService helpers;

    private enum Outcome { UNCHANGED, CHANGED, REFUSED, UNREACHABLE }

    private ChangeProbe(MatrixOneUri server, List<? extends Probed> streams, double probesPerSecond, SourceTaskMetrics metrics,
                        String name) {
        this.server = server;
        this.streams = List.copyOf(streams);
        this.pace = new ProbePace(probesPerSecond, this.streams.size());
        this.metrics = metrics;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    /**
     * A running probe for a task whose quiet tables wait longer than {@code pollIntervalNanos} between reads, or null
     * when they do not (few tables) or probes are off.
     */
    static ChangeProbe startIfUseful(MatrixOneUri server, List<? extends Probed> streams, double probesPerSecond,
                                     long idleIntervalNanos, long pollIntervalNanos, SourceTaskMetrics metrics, String name) {
        if (probesPerSecond <= 0 || idleIntervalNanos <= pollIntervalNanos || streams.isEmpty()) {
            return null;
        }
        ChangeProbe probe = new ChangeProbe(server, streams, probesPerSecond, metrics, name);
        probe.thread.start();
        LOG.info("Probing the task's {} quiet tables for changes, {} probes per second", streams.size(), probesPerSecond);
        return probe;
    }

    private void run() {
        ProbeOrder order = new ProbeOrder(streams);
        try {
            while (running) {
                long began = System.nanoTime();
                List<ProbeOrder.Pick> picks = picks(order, began, pace.sideBySide());
                if (picks.isEmpty()) {
                    pause(pace.nextPauseNanos()); // no quiet table at all: do not spin
                    continue;
                }
                List<Outcome> outcomes = probe(picks);
                if (outcomes.contains(Outcome.UNREACHABLE)) {
                    closeQuietly();
                    pause(TimeUnit.MILLISECONDS.toNanos(RECONNECT_BACKOFF_MS));
                    continue;
                }
                long pauseNanos = 0;
                for (Outcome outcome : outcomes) {
                    metrics.probes.incrementAndGet();
                    if (outcome != Outcome.UNCHANGED) {
                        pace.found(System.nanoTime());
                    }
                    pauseNanos += pace.nextPauseNanos();
                }
                pause(pauseNanos - (System.nanoTime() - began));
            }
        } finally {
            stopHelpers();
            closeQuietly();
        }
    }

    /** Up to {@code count} different tables to probe next, in {@link ProbeOrder}'s order. */
    private static List<ProbeOrder.Pick> picks(ProbeOrder order, long nowNanos, int count) {
        List<ProbeOrder.Pick> picks = new ArrayList<>(count);
        while (picks.size() < count) {
            ProbeOrder.Pick pick = order.next(nowNanos);
            if (pick == null || picks.stream().anyMatch(p -> p.stream() == pick.stream())) {
                break; // no quiet table, or fewer of them than asked: the order came round again
            }
            picks.add(pick);
        }
        return picks;
    }

    /** Probes the tables side by side, the first on this thread, each on a connection of its own. */
    private List<Outcome> probe(List<ProbeOrder.Pick> picks) {
        List<Future<Outcome>> beside = new ArrayList<>();
        for (int i = 1; i < picks.size(); i++) {
            int slot = i;
            ProbeOrder.Pick pick = picks.get(i);
            beside.add(helpers().submit(() -> probe(slot, pick)));
        }
        List<Outcome> outcomes = new ArrayList<>(List.of(probe(0, picks.get(0))));
        for (Future<Outcome> outcome : beside) {
            try {
                outcomes.add(outcome.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
                outcomes.add(Outcome.UNCHANGED);
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause()); // probe(slot, pick) throws nothing
            }
        }
        return outcomes;
    }

    private Outcome probe(int slot, ProbeOrder.Pick pick) {
        long began = System.nanoTime();
        try {
            if (!ChangeReader.changedSince(connection(slot), pick.stream().table(), pick.from())) {
                return Outcome.UNCHANGED;
            }
            pick.stream().wake();
            if (LOG.isDebugEnabled()) {
                LOG.debug("Table {}: changed, woken (probe {} ms, {} probes so far)", pick.stream().table(),
                        (System.nanoTime() - began) / 1_000_000, metrics.probes.get());
            }
            return Outcome.CHANGED;
        } catch (SQLException e) {
            if (ReadLane.unreachableOrBusy(e)) { // as a read lane judges its own connection
                return Outcome.UNREACHABLE;
            }
            LOG.debug("Table {}: probe refused ({}), the table is read now", pick.stream().table(), e.getMessage());
            pick.stream().wake(); // dropped, altered, truncated: the table's read finds out what
            return Outcome.REFUSED;
        }
    }

    private Connection connection(int slot) throws SQLException {
        if (conns[slot] == null || conns[slot].isClosed()) {
            conns[slot] = Connections.open(server);
        }
        return conns[slot];
    }

    /** Stops the helper threads, and waits a little for a probe in flight: its connection is closed after it. */
    private void stopHelpers() {
        if (helpers == null) {
            return;
        }
        helpers.shutdownNow();
        Thread.interrupted(); // close() interrupted this thread: still wait for the helpers below
        try {
            helpers.awaitTermination(HELPERS_STOP_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private ExecutorService helpers() {
        if (helpers == null) {
            AtomicInteger count = new AtomicInteger();
            helpers = Executors.newFixedThreadPool(ProbePace.BURST_CONNECTIONS - 1, r -> {
                Thread helper = new Thread(r, thread.getName() + "-" + count.incrementAndGet());
                helper.setDaemon(true);
                return helper;
            });
        }
        return helpers;
    }

    private void pause(long nanos) {
        if (nanos > 0 && running) {
            try {
                TimeUnit.NANOSECONDS.sleep(nanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }

    private void closeQuietly() {
        for (int i = 0; i < conns.length; i++) {
            Connections.closeQuietly(conns[i]);
            conns[i] = null;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            // A probe in flight ends on its own (the thread is a daemon and closes its connection after it); the task's
            // stop must not wait for a server that does not answer.
            thread.join(TimeUnit.SECONDS.toMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
