package io.matrixone.cdc.source;

import static io.matrixone.cdc.source.TableStreamWriteFailureIT.ids;
import static io.matrixone.cdc.source.TableStreamWriteFailureIT.pollUntilRecords;
import static io.matrixone.cdc.testing.Sql.exec;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two busy tables of one task, on the real source: the table read second in a round reads up to a horizon fenced for
 * its own read (at most half the busy interval old, 50 ms by default), not the one the first table's read fenced.
 * Before, a change committed between the two reads waited for the next round (on a loaded source with four busy
 * tables, 0.3-1 s), so the tables read last in a round had the longest lag.
 */
class TableStreamBusyHorizonIT {

    @Test
    void aBusyTableReadAfterAnotherReadsPastTheOthersHorizon() throws Exception {
        // The second table's read comes more than 100 ms after the fence, as in a loaded round.
        secondTableReadsPastAChangeAfterTheFirstTablesFence("bh", 150);
    }

    @Test
    void aBusyTableReadHalfABusyIntervalAfterAnotherFenceReadsPastIt() throws Exception {
        // 55 ms after the fence: past half the busy interval (100 ms), often within the whole of it (where the horizon
        // used to serve every busy read).
        secondTableReadsPastAChangeAfterTheFirstTablesFence("bf", 55);
    }

    /**
     * Two busy tables; the first one's read fences, a change to the second is committed after that fence, and the
     * second table is read {@code millisAfterFence} after the first read returned: that read delivers the change.
     */
    private static void secondTableReadsPastAChangeAfterTheFirstTablesFence(String name, long millisAfterFence)
            throws Exception {
        try (TwoTableTask task = TwoTableTask.create(name, "first", "second", Map.of())) {
            TableStream first = task.stream(task.first);
            TableStream second = task.stream(task.second);
            makeBothBusy(task, first, second);
            assertThat(first.poll(task.conn)).isEmpty(); // fences: the round's horizon
            long fencedBefore = System.nanoTime();
            exec(task.conn, "insert into " + task.second + " values (3, 3)"); // committed after that fence
            Thread.sleep(Math.max(0, millisAfterFence - (System.nanoTime() - fencedBefore) / 1_000_000));
            assertThat(ids(second.poll(task.conn))).as("the second table's read delivers the change at once")
                    .containsExactly(3);
        }
    }

    /** Snapshots both tables, then gives each a change: both busy, due again, the last fence older than 100 ms. */
    private static void makeBothBusy(TwoTableTask task, TableStream first, TableStream second) throws Exception {
        assertThat(ids(pollUntilRecords(first, task.conn))).containsExactly(1); // the snapshots
        assertThat(ids(pollUntilRecords(second, task.conn))).containsExactly(1);
        // Both tables have changes: they are busy, read again every 100 ms or so.
        exec(task.conn, "insert into " + task.first + " values (2, 2)", "insert into " + task.second + " values (2, 2)");
        assertThat(ids(pollUntilRecords(first, task.conn))).containsExactly(2);
        assertThat(ids(pollUntilRecords(second, task.conn))).containsExactly(2);
        assertThat(first.active(System.nanoTime())).isTrue();
        assertThat(second.active(System.nanoTime())).isTrue();
        Thread.sleep(300);
    }
}
