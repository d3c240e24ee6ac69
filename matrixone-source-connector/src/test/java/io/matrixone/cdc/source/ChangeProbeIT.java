package io.matrixone.cdc.source;

import static io.matrixone.cdc.testing.Sql.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.ServerFence;
import io.matrixone.cdc.common.TableId;
import io.matrixone.cdc.testing.MatrixOneTestServers;
import io.matrixone.cdc.testing.PitrDatabase;
import io.matrixone.cdc.testing.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@link ChangeProbe} against the real source server: what its probe statement sees, and its thread waking tables. */
class ChangeProbeIT {

    @Test
    void aProbeSeesEveryKindOfChangeSinceAFencedTimeAndNothingBefore() throws Exception {
        String db = Sql.uniqueDatabase("probe");
        TableId table = TableId.parse(db + ".t");
        TableId fence = TableId.parse(db + ".fence");
        try (Connection conn = Connections.open(MatrixOneTestServers.source())) {
            PitrDatabase.create(conn, db);
            exec(conn, "create table " + table.quoted() + " (id int primary key, v int)",
                    "insert into " + table.quoted() + " values (1, 1), (2, 2)");
            ServerFence.createTable(conn, fence);
            try {
                long t0 = ServerFence.fence(conn, fence, "t");
                assertThat(ChangeReader.changedSince(conn, table, t0)).as("no change since t0").isFalse();

                exec(conn, "insert into " + table.quoted() + " values (3, 3)");
                assertThat(ChangeReader.changedSince(conn, table, t0)).as("an insert").isTrue();
                long t1 = ServerFence.fence(conn, fence, "t");
                assertThat(ChangeReader.changedSince(conn, table, t1)).as("the insert is before t1").isFalse();

                exec(conn, "update " + table.quoted() + " set v = 10 where id = 1");
                assertThat(ChangeReader.changedSince(conn, table, t1)).as("an update").isTrue();
                long t2 = ServerFence.fence(conn, fence, "t");

                exec(conn, "delete from " + table.quoted() + " where id = 2");
                assertThat(ChangeReader.changedSince(conn, table, t2)).as("a delete").isTrue();
                long t3 = ServerFence.fence(conn, fence, "t");
                assertThat(ChangeReader.changedSince(conn, table, t3)).isFalse();

                // The same question over a closed span (an idle table's read): the changes inside it, none outside.
                assertThat(ChangeReader.changedBetween(conn, table, t0, t1)).as("the insert in (t0, t1]").isTrue();
                assertThat(ChangeReader.changedBetween(conn, table, t2, t3)).as("the delete in (t2, t3]").isTrue();
                assertThat(ChangeReader.changedBetween(conn, table, t1, t1)).as("an empty span").isFalse();
                exec(conn, "insert into " + table.quoted() + " values (4, 4)");
                long t4 = ServerFence.fence(conn, fence, "t");
                assertThat(ChangeReader.changedBetween(conn, table, t3, t4)).as("an insert in (t3, t4]").isTrue();
                exec(conn, "delete from " + table.quoted() + " where id = 4");
                long t5 = ServerFence.fence(conn, fence, "t");
                assertThat(ChangeReader.changedBetween(conn, table, t3, t5)).as("made and undone inside the span: no net change")
                        .isFalse();
                assertThat(ChangeReader.changedBetween(conn, table, t4, t5)).as("the delete in (t4, t5]").isTrue();

                exec(conn, "drop table " + table.quoted());
                assertThatThrownBy(() -> ChangeReader.changedSince(conn, table, t5)).as("a dropped table: its read finds out")
                        .isInstanceOf(SQLException.class);
            } finally {
                PitrDatabase.drop(conn, db);
            }
        }
    }

    @Test
    void theProbeWakesTheQuietTableThatChangedAndOnlyThatOne() throws Exception {
        String db = Sql.uniqueDatabase("probe");
        TableId quiet = TableId.parse(db + ".quiet");
        TableId changed = TableId.parse(db + ".changed");
        TableId fence = TableId.parse(db + ".fence");
        try (Connection conn = Connections.open(MatrixOneTestServers.source())) {
            PitrDatabase.create(conn, db);
            exec(conn, "create table " + quiet.quoted() + " (id int primary key)", "create table " + changed.quoted() + " (id int primary key)");
            ServerFence.createTable(conn, fence);
            try (SourceTaskMetrics metrics = new SourceTaskMetrics("probe-it-" + db, "0")) {
                long checkpoint = ServerFence.fence(conn, fence, "t");
                exec(conn, "insert into " + changed.quoted() + " values (1)");
                Stub quietStream = new Stub(quiet, checkpoint);
                Stub changedStream = new Stub(changed, checkpoint);
                Stub activeStream = new Stub(changed, -1); // read by its task anyway: never probed
                long second = TimeUnit.SECONDS.toNanos(1);
                try (ChangeProbe probe = ChangeProbe.startIfUseful(MatrixOneTestServers.source(), List.of(quietStream, changedStream,
                        activeStream), 50, 8 * second, second, metrics, "probe-it")) {
                    assertThat(probe).as("quiet tables read every 8 s: probed").isNotNull();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (changedStream.wakes.get() == 0 || metrics.probes.get() < 6) {
                        assertThat(System.nanoTime()).as("the probe woke nothing in 60 s").isLessThan(deadline);
                        Thread.sleep(50);
                    }
                }
                assertThat(changedStream.wakes.get()).isPositive();
                assertThat(quietStream.wakes.get()).as("a table without changes is never woken").isZero();
                assertThat(activeStream.wakes.get()).isZero();
                // Tables its task reads often enough are not probed at all.
                assertThat(ChangeProbe.startIfUseful(MatrixOneTestServers.source(), List.of(quietStream), 50, second, second, metrics,
                        "probe-it")).isNull();
            } finally {
                PitrDatabase.drop(conn, db);
            }
        }
    }

    @Test
    void afterAFindTheRoundProbesSideBySideWakesEveryChangedTableAndNoOtherAndStopsItsThreads() throws Exception {
        String db = Sql.uniqueDatabase("probe");
        TableId fence = TableId.parse(db + ".fence");
        try (Connection conn = Connections.open(MatrixOneTestServers.source())) {
            PitrDatabase.create(conn, db);
            ServerFence.createTable(conn, fence);
            List<TableId> tables = IntStream.range(0, 9).mapToObj(i -> TableId.parse(db + ".t" + i)).toList();
            for (TableId table : tables) {
                exec(conn, "create table " + table.quoted() + " (id int primary key)");
            }
            String name = "probe-it-side-by-side-" + db;
            try (SourceTaskMetrics metrics = new SourceTaskMetrics(name, "0")) {
                long checkpoint = ServerFence.fence(conn, fence, "t");
                List<TableId> changed = tables.subList(0, 6);
                for (TableId table : changed) {
                    exec(conn, "insert into " + table.quoted() + " values (1)");
                }
                List<Stub> streams = tables.stream().map(t -> new Stub(t, checkpoint)).toList();
                long second = TimeUnit.SECONDS.toNanos(1);
                boolean helperSeen = false;
                try (ChangeProbe probe = ChangeProbe.startIfUseful(MatrixOneTestServers.source(), streams, 5, 8 * second, second,
                        metrics, name)) {
                    assertThat(probe).isNotNull();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (streams.subList(0, 6).stream().anyMatch(s -> s.wakes().get() == 0) || metrics.probes.get() < 18) {
                        assertThat(System.nanoTime()).as("the changed tables were not all woken in 60 s").isLessThan(deadline);
                        helperSeen |= threadsNamed(name + "-").findAny().isPresent();
                        Thread.sleep(20);
                    }
                }
                assertThat(helperSeen).as("after its first find the probe ran probes on threads beside its own").isTrue();
                assertThat(streams.subList(6, 9)).as("tables without changes are never woken").allMatch(s -> s.wakes().get() == 0);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (threadsNamed(name).findAny().isPresent()) {
                    assertThat(System.nanoTime()).as("the probe's threads outlived it").isLessThan(deadline);
                    Thread.sleep(50);
                }
            } finally {
                PitrDatabase.drop(conn, db);
            }
        }
    }

    private static Stream<Thread> threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith(prefix));
    }

    /** A table's stream as the probe sees it: a fixed checkpoint (-1: not quiet), and the wake-ups it got. */
    private record Stub(TableId table, long checkpoint, AtomicInteger wakes) implements ChangeProbe.Probed {
        Stub(TableId table, long checkpoint) {
            this(table, checkpoint, new AtomicInteger());
        }

        @Override
        public long probeFrom(long nowNanos) {
            return checkpoint;
        }

        @Override
        public boolean changedRecently(long nowNanos) {
            return false;
        }

        @Override
        public void wake() {
            wakes.incrementAndGet();
        }
    }
}
