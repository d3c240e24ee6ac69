package io.matrixone.cdc.source;

import static io.matrixone.cdc.source.TableStreamWriteFailureIT.pollUntilRecords;
import static io.matrixone.cdc.testing.Sql.exec;
import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.common.ChangeEvent;
import io.matrixone.cdc.common.SourceOffsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/**
 * A crash after windows were delivered but before Connect committed a checkpoint past them, on the real source: an
 * insert, an update and a delete of one row, read as three windows and delivered, then a new task restores the table
 * from the checkpoint before them. One net diff over the three would hold nothing for that row (inserted and deleted
 * again) while the sink may hold the insert or the update; the replay must deliver the three changes in order (it cuts
 * its windows at the ends the first run saved, see SourceState). WorkerCrashIT proves the same by chance, with
 * SIGKILLs and a writer; this proves it every run.
 */
class TableStreamReplayIT {

    @Test
    void aReplayDeliversEveryChangeTheFirstRunDeliveredInOrder() throws Exception {
        replayAfterThreeWindows(false);
    }

    /**
     * The same with the table's windows ending at horizons the task's fences logged for it (a busy table): no window
     * end of its own is saved, and the replay cuts at the logged horizons instead.
     */
    @Test
    void aReplayCutsAtTheHorizonsTheFencesLogged() throws Exception {
        replayAfterThreeWindows(true);
    }

    /**
     * A table that delivered a window ending at a logged horizon and was then dropped: once Connect has committed its
     * drop, nothing of it needs the log, and the task's clean-up may pass its old checkpoint (it held it until the task
     * restarted).
     */
    @Test
    void aDroppedTableStopsHoldingTheLogOnceItsDropIsCommitted() throws Exception {
        try (TwoTableTask task = TwoTableTask.create("rd", "t", "other", Map.of())) {
            TableStream first = task.stream(task.first);
            task.ctx.horizon.register(List.of(loggedAtEachFence(first)));
            List<SourceRecord> snapshot = pollUntilRecords(first, task.conn);
            Map<String, ?> checkpoint = snapshot.get(snapshot.size() - 1).sourceOffset();
            task.commit(checkpoint);
            exec(task.conn, "insert into " + task.first + " values (2, 2)");
            assertThat(events(pollUntilRecords(first, task.conn))).containsExactly("c2");
            assertThat(first.loggedEndsNeededAfter()).as("the log rows the table needs after its delivered window")
                    .isEqualTo(((Number) checkpoint.get(SourceOffsets.TS)).longValue());

            exec(task.conn, "drop table " + task.first);
            List<SourceRecord> drop = pollUntilRecords(first, task.conn);
            SourceRecord dropEvent = drop.get(drop.size() - 1);
            assertThat(dropEvent.headers().lastWithName(ChangeEvent.TABLE_EVENT_HEADER).value())
                    .isEqualTo(ChangeEvent.TABLE_DROPPED);
            task.commit(dropEvent.sourceOffset());

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            while (first.loggedEndsNeededAfter() != Long.MAX_VALUE && System.nanoTime() < deadline) {
                first.poll(task.conn); // the dropped table's own reads (does it exist again?) look at the checkpoint
                Thread.sleep(200);
            }
            assertThat(first.loggedEndsNeededAfter()).as("no log row needed once the drop is committed")
                    .isEqualTo(Long.MAX_VALUE);
        }
    }

    private static void replayAfterThreeWindows(boolean logged) throws Exception {
        try (TwoTableTask task = TwoTableTask.create(logged ? "rl" : "rp", "t", "other", Map.of())) {
            TableStream first = task.stream(task.first);
            if (logged) {
                task.ctx.horizon.register(List.of(loggedAtEachFence(first)));
            }
            List<SourceRecord> snapshot = pollUntilRecords(first, task.conn);
            assertThat(events(snapshot)).containsExactly("r1");
            Map<String, ?> checkpoint = snapshot.get(snapshot.size() - 1).sourceOffset();
            task.commit(checkpoint); // Connect commits the snapshot's checkpoint; the three windows stay uncommitted

            List<String> delivered = new ArrayList<>();
            exec(task.conn, "insert into " + task.first + " values (2, 2)");
            delivered.addAll(events(pollUntilRecords(first, task.conn)));
            exec(task.conn, "update " + task.first + " set v = 20 where id = 2");
            delivered.addAll(events(pollUntilRecords(first, task.conn)));
            exec(task.conn, "delete from " + task.first + " where id = 2");
            delivered.addAll(events(pollUntilRecords(first, task.conn)));
            assertThat(delivered).as("three windows").containsExactly("c2", "u2", "d2");
            long checkpointTs = ((Number) checkpoint.get(SourceOffsets.TS)).longValue();
            assertThat(task.ctx.state.windowEndsAfter(task.conn, first.captureKey(), checkpointTs))
                    .as(logged ? "no window end saved: the fences logged them" : "each window's end saved")
                    .hasSize(logged ? 0 : 3);

            if (logged) {
                // The task's periodic clean-up, as it runs once the fences it still answers for are older: it keeps
                // every log row after the checkpoint.
                assertThat(first.loggedEndsNeededAfter()).as("the log rows the table needs").isEqualTo(checkpointTs);
                task.ctx.state.forgetLoggedEndsBefore(task.conn, task.ctx.connectorName + "/0", first.loggedEndsNeededAfter());
            }

            // The worker dies; a new task restores the table from the checkpoint the snapshot left.
            try (SourceTaskMetrics metrics = new SourceTaskMetrics("rp-replay-" + task.first.database(), "1")) {
                StreamContext restarted = new StreamContext(task.ctx.config, task.ctx.connectorName, "1", metrics,
                        CommittedOffsets.of(checkpoint));
                restarted.catalog.include(task.first);
                restarted.tableCount(2, 1);
                TableStream replay = TableStream.restore(restarted, task.conn, task.first);
                assertThat(task.ctx.state.windowEndsAfter(task.conn, first.captureKey(), checkpointTs))
                        .as("the replay's cut points saved as the table's own: a second crash finds them whoever "
                                + "holds the log rows then").hasSizeGreaterThanOrEqualTo(3);
                List<String> replayed = new ArrayList<>();
                while (replayed.size() < 3) {
                    replayed.addAll(events(pollUntilRecords(replay, task.conn)));
                }
                assertThat(replayed).as("the replay folds nothing").containsExactly("c2", "u2", "d2");
            }
        }
    }

    /** The table as a busy one: every fence logs it. */
    private static ReadHorizon.Logged loggedAtEachFence(TableStream table) {
        return new ReadHorizon.Logged() {
            @Override
            public boolean readsEachHorizon(long nowLocal) {
                return true;
            }

            @Override
            public String captureKey() {
                return table.captureKey();
            }

            @Override
            public long loggedEndsNeededAfter() {
                return table.loggedEndsNeededAfter();
            }
        };
    }

    /** Each change record as its operation and row id ("c2": insert of id 2); tombstones left out. */
    private static List<String> events(List<SourceRecord> records) {
        List<String> events = new ArrayList<>();
        for (SourceRecord record : records) {
            if (record.value() instanceof Struct value && value.schema().field(ChangeEvent.OP) != null) {
                Struct row = value.getStruct(value.getStruct(ChangeEvent.AFTER) != null ? ChangeEvent.AFTER : ChangeEvent.BEFORE);
                events.add(value.getString(ChangeEvent.OP) + row.getInt32("id"));
            }
        }
        return events;
    }
}
