package io.matrixone.cdc.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class StreamSchedulerTest {

    /** A quiet-read budget that never binds (these tests' clocks move by nanoseconds). */
    private static final double UNCAPPED = 1e9;

    /** A stream whose state the test sets; it counts its reads and answers with records when it has changes. */
    private static final class FakeStream implements StreamScheduler.Stream {
        final String name;
        boolean active;
        boolean due = true;
        boolean hasRecords;
        long nextReadIn = Long.MAX_VALUE;
        int reads;
        RuntimeException failure;
        SQLException lostConnection;

        FakeStream(String name) {
            this.name = name;
        }

        @Override
        public boolean active(long nowNanos) {
            return active;
        }

        @Override
        public boolean due(long nowNanos) {
            return due;
        }

        @Override
        public long nextReadInNanos(long nowNanos) {
            return nextReadIn;
        }

        @Override
        public List<SourceRecord> poll(Connection conn) throws SQLException {
            reads++;
            if (failure != null) {
                throw failure;
            }
            if (lostConnection != null) {
                throw lostConnection;
            }
            return hasRecords ? List.of(new SourceRecord(Map.of(), Map.of(), name, null, name)) : List.of();
        }
    }

    private static List<FakeStream> streams(int quiet) {
        List<FakeStream> streams = new ArrayList<>();
        for (int i = 0; i < quiet; i++) {
            streams.add(new FakeStream("quiet" + i));
        }
        return streams;
    }

    @Test
    void aBurstOfQuietTablesDueTogetherIsReadAFewPerPollAfterTheActiveOnes() throws Exception {
        List<FakeStream> streams = streams(100);
        FakeStream busy = new FakeStream("busy");
        busy.active = true;
        busy.hasRecords = true;
        streams.add(50, busy);
        StreamScheduler scheduler = new StreamScheduler(streams, UNCAPPED);

        // The quiet tables' first turn comes first (none had one yet): four reads, then the busy table's records.
        assertThat(poll(scheduler, 0).get(0).topic()).isEqualTo("busy");
        assertThat(quietReads(streams)).isEqualTo(StreamScheduler.QUIET_READS_PER_POLL);
        // Within the turn interval only the busy table is read, as often as it has records.
        for (int i = 1; i <= 10; i++) {
            assertThat(poll(scheduler, i).get(0).topic()).isEqualTo("busy");
        }
        assertThat(quietReads(streams)).isEqualTo(StreamScheduler.QUIET_READS_PER_POLL);
        assertThat(busy.reads).isEqualTo(11);
        // Once the busy table has nothing to send, the quiet ones go on where they stopped, a few per poll.
        busy.hasRecords = false;
        assertThat(poll(scheduler, 20)).isEmpty();
        assertThat(quietReads(streams)).isEqualTo(2 * StreamScheduler.QUIET_READS_PER_POLL);
        assertThat(streams.subList(0, 8)).allMatch(s -> s.reads == 1);
    }

    @Test
    void quietTablesGetTheirTurnEvenWhileAnActiveTableAlwaysHasRecords() throws Exception {
        List<FakeStream> streams = streams(3);
        FakeStream snapshot = new FakeStream("snapshot");
        snapshot.active = true;
        snapshot.hasRecords = true;
        streams.add(snapshot);
        streams.get(1).hasRecords = true; // a quiet table with a change
        StreamScheduler scheduler = new StreamScheduler(streams, UNCAPPED);

        long now = 0;
        List<String> topics = new ArrayList<>();
        for (int i = 0; i < 30; i++, now += 10_000_000L) { // a poll every 10 ms for 300 ms
            topics.add(poll(scheduler, now).get(0).topic());
        }
        assertThat(topics).contains("quiet1");
        assertThat(topics.stream().filter("snapshot"::equals).count()).isGreaterThan(20);
    }

    @Test
    void tablesNotDueAreNotRead() throws Exception {
        List<FakeStream> streams = streams(10);
        streams.forEach(s -> s.due = false);
        StreamScheduler scheduler = new StreamScheduler(streams, UNCAPPED);
        assertThat(poll(scheduler, 0)).isEmpty();
        assertThat(quietReads(streams)).isZero();
    }

    @Test
    void aTableOneLaneIsReadingOrHandingOverIsNotReadByAnother() throws Exception {
        FakeStream first = busy("first");
        FakeStream second = busy("second");
        StreamScheduler scheduler = new StreamScheduler(List.of(first, second), UNCAPPED);
        CountDownLatch handing = new CountDownLatch(1);
        CountDownLatch taken = new CountDownLatch(1);
        AtomicReference<Throwable> laneFailure = new AtomicReference<>();
        Thread lane = new Thread(() -> {
            try {
                scheduler.poll(null, 0, records -> {
                    handing.countDown();
                    taken.await(); // the task's poll() has not taken the batch yet
                });
            } catch (Throwable e) {
                laneFailure.set(e);
            }
        });
        lane.start();
        assertThat(handing.await(10, TimeUnit.SECONDS)).as("the first lane read a table").isTrue();

        assertThat(poll(scheduler, 1).get(0).topic()).isEqualTo("second");
        assertThat(poll(scheduler, 2).get(0).topic()).as("first is still the other lane's").isEqualTo("second");
        assertThat(first.reads).isEqualTo(1);

        taken.countDown();
        lane.join(10_000);
        assertThat(laneFailure.get()).isNull();
        assertThat(poll(scheduler, 3).get(0).topic()).as("handed over: any lane may read it again").isEqualTo("first");
        assertThat(first.reads).isEqualTo(2);
    }

    @Test
    void aTableWhoseReadFailedTheTaskIsNotReadAgainButOneWhoseConnectionWasLostIs() throws Exception {
        FakeStream broken = busy("broken");
        FakeStream other = busy("other");
        StreamScheduler scheduler = new StreamScheduler(List.of(broken, other), UNCAPPED);

        broken.lostConnection = new SQLException("connection lost");
        assertThatThrownBy(() -> poll(scheduler, 0)).isSameAs(broken.lostConnection);
        broken.lostConnection = null;
        assertThat(poll(scheduler, 1).get(0).topic()).isEqualTo("other");
        assertThat(poll(scheduler, 2).get(0).topic()).as("read again after a lost connection").isEqualTo("broken");

        broken.failure = new IllegalStateException("a value that cannot be converted");
        assertThat(poll(scheduler, 3).get(0).topic()).isEqualTo("other");
        assertThatThrownBy(() -> poll(scheduler, 4)).isSameAs(broken.failure);
        broken.failure = null;
        for (int i = 5; i < 10; i++) {
            assertThat(poll(scheduler, i).get(0).topic()).as("no lane reads on past a batch that never went out")
                    .isEqualTo("other");
        }
        assertThat(broken.reads).isEqualTo(3);
    }

    /** An active stream that always has records. */
    private static FakeStream busy(String name) {
        FakeStream stream = new FakeStream(name);
        stream.active = true;
        stream.hasRecords = true;
        return stream;
    }

    /** One lane's poll: the records it handed over, or none. */
    private static List<SourceRecord> poll(StreamScheduler scheduler, long now) throws Exception {
        List<SourceRecord> handed = new ArrayList<>();
        scheduler.poll(null, now, handed::addAll);
        return handed;
    }

    private static int quietReads(List<FakeStream> streams) {
        return streams.stream().filter(s -> !s.active).mapToInt(s -> s.reads).sum();
    }

    @Test
    void aPollThatFoundNothingWaitsUntilTheNextScheduledReadWithinBounds() {
        List<FakeStream> streams = streams(3);
        StreamScheduler scheduler = new StreamScheduler(streams, UNCAPPED);
        assertThat(scheduler.idleSleepNanos(0)).as("no read scheduled (snapshots, done tables): the longest pause")
                .isEqualTo(StreamScheduler.MAX_IDLE_SLEEP_NANOS);

        streams.get(1).nextReadIn = 20_000_000L;
        streams.get(2).nextReadIn = 30_000_000L;
        assertThat(scheduler.idleSleepNanos(0)).as("until the soonest read").isEqualTo(20_000_000L);

        streams.get(0).nextReadIn = 0;
        assertThat(scheduler.idleSleepNanos(0)).as("a table due now, not read this poll: the shortest pause, no spinning")
                .isEqualTo(StreamScheduler.MIN_IDLE_SLEEP_NANOS);

        streams.forEach(s -> s.nextReadIn = 400_000_000L);
        assertThat(scheduler.idleSleepNanos(0)).as("reads far off: still the longest pause, for wake-ups and snapshots")
                .isEqualTo(StreamScheduler.MAX_IDLE_SLEEP_NANOS);
    }

    @Test
    void quietReadsKeepToTheirBudgetPerSecondHoweverManyAreDue() throws Exception {
        List<FakeStream> streams = streams(200); // all due at once, as after a copy
        FakeStream busy = busy("busy");
        streams.add(busy);
        StreamScheduler scheduler = new StreamScheduler(streams, 10);
        long ms = 1_000_000L;
        for (long now = 0; now < 10_000 * ms; now += 10 * ms) { // a lane's poll every 10 ms for 10 s
            poll(scheduler, now);
        }
        // 10 a second, and the first turn's burst of QUIET_READS_PER_POLL: not the 4 per 100-ms turn (40 a second)
        // the quiet turns alone would allow.
        assertThat(quietReads(streams)).isBetween(100, 100 + StreamScheduler.QUIET_READS_PER_POLL);
        assertThat(busy.reads).as("the busy table is read in every other poll").isGreaterThan(900);
    }

    @Test
    void aLaneWithOnlyQuietTablesDueWaitsForTheBudgetInsteadOfSpinning() throws Exception {
        FakeStream quiet = new FakeStream("quiet");
        quiet.nextReadIn = 0; // due now, and again after every read
        StreamScheduler scheduler = new StreamScheduler(List.of(quiet), 40);
        for (int i = 0; i < 6; i++) {
            poll(scheduler, 0);
        }
        assertThat(quiet.reads).as("a burst of QUIET_READS_PER_POLL, then nothing").isEqualTo(StreamScheduler.QUIET_READS_PER_POLL);
        assertThat(scheduler.idleSleepNanos(0)).as("until the budget allows one more: 1/40 s").isEqualTo(25_000_000L);
        poll(scheduler, 20_000_000L);
        assertThat(quiet.reads).isEqualTo(StreamScheduler.QUIET_READS_PER_POLL);
        poll(scheduler, 25_000_000L);
        assertThat(quiet.reads).isEqualTo(StreamScheduler.QUIET_READS_PER_POLL + 1);
    }
}
