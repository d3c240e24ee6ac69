package io.matrixone.cdc.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

class PipelinedWritesTest {

    @Test
    void submitReturnsWhileTheWritesRunAndTheNextSubmitWaitsForThem() throws Exception {
        List<String> order = new CopyOnWriteArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        try (PipelinedWrites writes = new PipelinedWrites("test-writes")) {
            writes.submit(() -> {
                await(release);
                order.add("first");
            });
            order.add("submitted"); // the caller goes on (reads the next records) while the first writes wait
            Thread second = new Thread(() -> writes.submit(() -> order.add("second")));
            second.start();
            Thread.sleep(200);
            assertThat(order).as("the second put waits for the first's writes").containsExactly("submitted");
            release.countDown();
            second.join(5000);
            writes.await();
            assertThat(order).containsExactly("submitted", "first", "second");
        }
    }

    @Test
    void aFailedWriteSurfacesInTheNextAwaitAsItsConnectException() {
        try (PipelinedWrites writes = new PipelinedWrites("test-writes")) {
            writes.submit(() -> {
                throw new ConnectException("target table t: no such column");
            });
            assertThatThrownBy(writes::await).isInstanceOf(ConnectException.class).hasMessage("target table t: no such column");
            // Again on every later call: a flush after the failure must never let Connect commit the unwritten offsets.
            assertThatThrownBy(writes::await).hasMessage("target table t: no such column");
            assertThatThrownBy(() -> writes.submit(() -> { })).hasMessage("target table t: no such column");
        }
    }

    @Test
    void throwIfFailedReportsAFailureOnceTheWritesEndedWithoutWaitingForRunningOnes() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (PipelinedWrites writes = new PipelinedWrites("test-writes")) {
            writes.submit(() -> {
                await(release);
                throw new ConnectException("lost");
            });
            writes.throwIfFailed(); // still running: returns at once
            release.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            ConnectException seen = null;
            while (seen == null && System.nanoTime() < deadline) {
                try {
                    writes.throwIfFailed();
                    Thread.sleep(10);
                } catch (ConnectException e) {
                    seen = e;
                }
            }
            assertThat(seen).as("the failure, once the writes ended").hasMessage("lost");
        }
    }

    @Test
    void anUnexpectedFailureIsWrappedAndSurfacesInTheNextSubmit() {
        try (PipelinedWrites writes = new PipelinedWrites("test-writes")) {
            writes.submit(() -> {
                throw new IllegalStateException("boom");
            });
            assertThatThrownBy(() -> writes.submit(() -> { })).isInstanceOf(ConnectException.class)
                    .hasMessage("boom").hasCauseInstanceOf(IllegalStateException.class);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
