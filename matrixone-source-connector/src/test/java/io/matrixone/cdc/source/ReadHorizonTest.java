package io.matrixone.cdc.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * What a lane may ask of the task's horizon while another lane fences. A fence holds the horizon's monitor for its
 * write and catalog read (tens of ms on a loaded source); the questions below need neither and must not wait for it.
 */
class ReadHorizonTest {

    @Test
    void whetherAWindowEndWasLoggedIsAnsweredWhileAnotherLaneFences() throws Exception {
        ReadHorizon horizon = new ReadHorizon(new SourceState("mo_cdc_state"), "task", 0, 100_000_000L, new SharedCatalog());
        AtomicBoolean delivered = new AtomicBoolean();
        CompletableFuture<Boolean> answer;
        synchronized (horizon) { // what a fence in progress holds (ReadHorizon.fence)
            answer = CompletableFuture.supplyAsync(() -> horizon.logged("c/db.t", 42, () -> delivered.set(true)));
            // Answered while the "fence" still runs: nothing was logged at 42, so the window's end needs its own save.
            assertThat(answer.get(5, TimeUnit.SECONDS)).isFalse();
        }
        assertThat(delivered).isFalse();
    }

    @Test
    void theLogCleanUpThatIsNotDueReturnsWhileAnotherLaneFences() throws Exception {
        ReadHorizon horizon = new ReadHorizon(new SourceState("mo_cdc_state"), "task", 0, 100_000_000L, new SharedCatalog());
        CompletableFuture<Void> cleanUp;
        synchronized (horizon) {
            cleanUp = CompletableFuture.runAsync(() -> {
                try {
                    horizon.pruneLogIfDue(null); // no fence yet: nothing to clean, no statement run
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            cleanUp.get(5, TimeUnit.SECONDS);
        }
        assertThat(cleanUp).isDone();
    }
}
