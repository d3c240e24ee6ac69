package io.matrixone.cdc.source;

import static io.matrixone.cdc.source.TableStreamWriteFailureIT.ids;
import static io.matrixone.cdc.source.TableStreamWriteFailureIT.pollUntilRecords;
import static io.matrixone.cdc.testing.Sql.exec;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A quiet table woken by the probe, on the real source, when the task's horizon is older than the change the probe saw
 * (another table had it fenced before the change): the woken read must fence again and deliver the change. Before the
 * fix it read up to the old horizon, found nothing and went back to sleep until the probe's next round (seconds in a
 * task of 200 tables).
 */
class TableStreamWakeIT {

    @Test
    void aWokenTableReadsPastTheChangeTheProbeSawThoughTheHorizonWasOlder() throws Exception {
        // Idle reads once a minute: only a wake-up makes either table read now.
        try (TwoTableTask task = TwoTableTask.create("wk", "quiet", "other", Map.of("poll.interval.ms", "60000"))) {
            TableStream quietStream = task.stream(task.first);
            TableStream otherStream = task.stream(task.second);
            assertThat(ids(pollUntilRecords(quietStream, task.conn))).containsExactly(1); // the snapshots
            assertThat(ids(pollUntilRecords(otherStream, task.conn))).containsExactly(1);
            quietStream.wake();
            assertThat(quietStream.poll(task.conn)).isEmpty(); // streaming, caught up with the horizon

            // The other table's reads move the horizon past the quiet table's checkpoint.
            long checkpoint = quietStream.probeFrom(System.nanoTime());
            assertThat(checkpoint).isPositive();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (task.ctx.horizon.newest(task.conn, 0) <= checkpoint) {
                assertThat(System.nanoTime()).as("the horizon never moved").isLessThan(deadline);
                Thread.sleep(150);
                otherStream.wake();
                assertThat(otherStream.poll(task.conn)).isEmpty();
            }

            exec(task.conn, "insert into " + task.first + " values (2, 2)");
            quietStream.wake(); // as the probe does once it sees the insert
            assertThat(ids(quietStream.poll(task.conn))).as("the woken read delivers the change at once").containsExactly(2);
        }
    }
}
