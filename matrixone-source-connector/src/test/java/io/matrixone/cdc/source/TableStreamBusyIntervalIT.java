package io.matrixone.cdc.source;

import static io.matrixone.cdc.source.TableStreamWriteFailureIT.ids;
import static io.matrixone.cdc.source.TableStreamWriteFailureIT.pollUntilRecords;
import static io.matrixone.cdc.testing.Sql.exec;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * busy.poll.interval.ms on the real source: a table with changes is read again only once the interval has passed, and
 * then its window holds every change made meanwhile (one diff for all of them, the point of a longer interval).
 */
class TableStreamBusyIntervalIT {

    @Test
    void aTableWithChangesIsReadAgainOnlyAfterTheBusyInterval() throws Exception {
        try (TwoTableTask task = TwoTableTask.create("bi", "busy", "other", Map.of("busy.poll.interval.ms", "2000"))) {
            TableStream busy = task.stream(task.first);
            assertThat(ids(pollUntilRecords(busy, task.conn))).containsExactly(1); // the snapshot

            exec(task.conn, "insert into " + task.first + " values (2, 2)");
            long beforeRead = System.nanoTime(); // the read that finds the change starts after this
            assertThat(ids(pollUntilRecords(busy, task.conn))).containsExactly(2);
            assertThat(busy.active(System.nanoTime())).isTrue();

            exec(task.conn, "insert into " + task.first + " values (3, 3)", "insert into " + task.first + " values (4, 4)");
            assertThat(busy.nextReadInNanos(System.nanoTime())).isBetween(TimeUnit.MILLISECONDS.toNanos(1000),
                    TimeUnit.MILLISECONDS.toNanos(2000));
            assertThat(busy.poll(task.conn)).as("not read before the interval has passed").isEmpty();

            TimeUnit.NANOSECONDS.sleep(busy.nextReadInNanos(System.nanoTime()));
            assertThat(ids(busy.poll(task.conn))).as("one window with both changes").containsExactly(3, 4);
            assertThat(System.nanoTime() - beforeRead).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(2000));
        }
    }
}
