package io.matrixone.cdc.sink;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * Runs each put()'s writes on one background thread, one put at a time, so the worker fetches and converts the next
 * records while the target applies these. A profile of a copy found the sink task's thread waiting on the target for
 * about 60% of each 6,000-record put and converting records for the rest; done one after the other, those two added up.
 *
 * <p>Order and the offset rule stay as they were: a put waits for the previous put's writes before starting its own
 * (so at most one put's records are held), and {@link #await} runs before Connect commits offsets (flush) and before
 * partitions are closed, so an offset is still committed only once its row is. A failed write surfaces in the next put
 * (an empty one too), flush or close, and in every one after it, failing the task; its records' offsets are never
 * committed, so they are delivered again.
 */
final class PipelinedWrites implements AutoCloseable {

    private static final long CLOSE_WAIT_SECONDS = 30;

    private final ExecutorService thread;
    private Future<?> inFlight;
    private ConnectException failure;

    PipelinedWrites(String threadName) {
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /** Waits for the writes in flight, then starts {@code writes}. */
    void submit(Runnable writes) {
        await();
        inFlight = thread.submit(writes);
    }

    /**
     * Waits for the writes in flight to end; throws their failure, and again on every later call: once a write has
     * failed, no flush may succeed (Connect would commit the offsets of records that put() took but never wrote), so
     * the task fails and its successor starts again from the last committed offsets.
     */
    void await() {
        if (failure != null) {
            throw failure;
        }
        Future<?> writes = inFlight;
        if (writes == null) {
            return;
        }
        try {
            writes.get();
            inFlight = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while waiting for the writes to the target", e);
        } catch (ExecutionException e) {
            inFlight = null;
            Throwable cause = e.getCause();
            failure = cause instanceof ConnectException connect ? connect : new ConnectException(String.valueOf(cause.getMessage()), cause);
            throw failure;
        }
    }

    /** Throws the failure of writes that have ended, without waiting for writes still running. */
    void throwIfFailed() {
        if (failure != null || (inFlight != null && inFlight.isDone())) {
            await();
        }
    }

    /** Stops the thread: the writes in flight end or are interrupted (a retry's wait), within a bound. */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
