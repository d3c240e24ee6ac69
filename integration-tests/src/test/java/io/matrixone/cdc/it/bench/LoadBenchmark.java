package io.matrixone.cdc.it.bench;

import io.matrixone.cdc.cli.TableVerifier;
import io.matrixone.cdc.common.AppliedPositions;
import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneUri;
import io.matrixone.cdc.testing.ConnectClusterHarness;
import io.matrixone.cdc.testing.PitrDatabase;
import io.matrixone.cdc.testing.Sql;
import io.matrixone.cdc.testing.bench.Bench;
import io.matrixone.cdc.testing.bench.BenchConnectors;
import io.matrixone.cdc.testing.bench.BenchTable;
import io.matrixone.cdc.testing.bench.BuiltinCdc;
import io.matrixone.cdc.testing.bench.KafkaArrivals;
import io.matrixone.cdc.testing.bench.LagTracker;
import io.matrixone.cdc.testing.bench.PacedWriter;
import io.matrixone.cdc.testing.bench.ProcessCpu;
import io.matrixone.cdc.testing.bench.TargetPoller;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/**
 * The whole pipeline under load: source connector -> Kafka -> sink connector on a real Connect worker
 * (EmbeddedConnectCluster, free ports), between the real source and target MatrixOne servers. A
 * {@link PacedWriter} inserts, updates and deletes on several tables at a steady rate; a {@link TargetPoller}
 * sees each transaction arrive on the target, so lag is source commit -> row visible on the target.
 * <ul>
 * <li>{@code steady RATE MINUTES}: prints every 30 s and at the end the changes/s achieved, lag p50/p99,
 *     the worker JVM's peak heap, and checks target = source row for row (count and checksum per table);
 * <li>{@code max START STEP STEP_SECONDS}: raises the rate step by step until the lag grows (or the writer
 *     cannot keep the rate), then runs MatrixOne's built-in CDC at the highest sustained rate and the first
 *     unsustained one on the same tables, measured the same way.
 * </ul>
 * Nothing is asserted: it prints figures. Run with scripts/bench-load.sh.
 */
public final class LoadBenchmark {

    private static final int TABLES = 4;
    private static final long POLL_MS = 100;
    private static final long REPORT_MS = 30_000;
    /** The search stops here even if every step was sustained. */
    private static final double MAX_RATE = 100_000;

    private final MatrixOneUri source = MatrixOneUri.parse(System.getProperty("source.uri", "mysql://root:111@127.0.0.1:6001"));
    private final MatrixOneUri target = MatrixOneUri.parse(System.getProperty("target.uri", "mysql://root:111@127.0.0.1:6002"));
    private final long rowsEach = Long.getLong("rows.per.table", 50_000);
    private final int sourceTasks = Integer.getInteger("source.tasks", 1);
    private final String db = Sql.uniqueDatabase("loadbench");
    private final List<String> tables = new ArrayList<>();
    /** Where each step's CPU goes: the worker, the broker, the writer and the poller all run in this JVM. */
    private final ProcessCpu processes = new ProcessCpu()
            .with("source server", ProcessCpu.serverPid("source.pid.file", "source"))
            .with("target server", ProcessCpu.serverPid("target.pid.file", "target"))
            .with("worker+broker+bench", ProcessHandle.current().pid());

    private LoadBenchmark() {
        for (int i = 1; i <= TABLES; i++) {
            tables.add(db + ".t" + i);
        }
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "steady";
        LoadBenchmark bench = new LoadBenchmark();
        System.out.printf("mode=%s tables=%d x %,d rows, writer: 40%% inserts, 40%% updates, 20%% deletes, one transaction per table"
                + " per 100 ms; lag = writer's commit returned -> poller (every %d ms) sees the row on the target (%s)%n",
                mode, TABLES, bench.rowsEach, POLL_MS, Bench.load());
        try {
            if (mode.equals("steady")) {
                bench.steady(Double.parseDouble(arg(args, 1, "2000")), Double.parseDouble(arg(args, 2, "10")));
            } else if (mode.equals("max")) {
                bench.max(Double.parseDouble(arg(args, 1, "500")), Double.parseDouble(arg(args, 2, "500")),
                        Integer.parseInt(arg(args, 3, "90")));
            } else {
                throw new IllegalArgumentException("mode is steady or max, not " + mode);
            }
        } finally {
            bench.dropAll();
        }
    }

    private void steady(double rate, double minutes) throws Exception {
        try (Pipeline pipeline = new Pipeline()) {
            LagTracker tracker = new LagTracker(TABLES);
            try (Bench.HeapPeak heap = new Bench.HeapPeak();
                    PacedWriter writer = new PacedWriter(source, tables, rowsEach, 0, rate, tracker);
                    TargetPoller poller = new TargetPoller(target, tables, rowsEach, POLL_MS, tracker)) {
                long fromMs = System.currentTimeMillis();
                long endMs = fromMs + (long) (minutes * 60_000);
                long lastMs = fromMs;
                long lastChanges = 0;
                while (System.currentTimeMillis() < endMs) {
                    Thread.sleep(Math.min(REPORT_MS, endMs - System.currentTimeMillis()));
                    long now = System.currentTimeMillis();
                    long changes = writer.changes();
                    System.out.printf("[%4d s] %,6.0f changes/s | lag of txns committed in the interval and seen: %s | not seen yet: %d"
                            + " (oldest per table %s ms) | heap peak %,d MiB | %s%n", (now - fromMs) / 1000,
                            (changes - lastChanges) * 1000.0 / (now - lastMs), Bench.lagSummary(tracker.lagsCommittedBetween(lastMs, now)),
                            tracker.pending(), tracker.oldestPendingMsPerTable(Bench.wallNanos()), heap.peakMiB(), Bench.load());
                    lastMs = now;
                    lastChanges = changes;
                }
                long toMs = System.currentTimeMillis();
                writer.rate(0);
                boolean all = tracker.awaitAllSeen(300_000);
                System.out.printf("END: writer %,.0f changes/s over %.1f min (%,d changes, %,d txns, %d failed; asked %,.0f) | "
                        + "lag commit -> target %s%s | worker JVM heap peak %,d MiB of %,d MiB (broker + worker + benchmark in one JVM) | %s%n",
                        writer.changes() * 1000.0 / (toMs - fromMs), (toMs - fromMs) / 60_000.0, writer.changes(), writer.transactions(),
                        writer.failures(), rate, Bench.lagSummary(tracker.lagsCommittedBetween(fromMs, toMs)),
                        all ? "" : ", " + tracker.pending() + " txns NOT SEEN after 5 min", heap.peakMiB(), Bench.HeapPeak.maxMiB(), Bench.load());
            }
            pipeline.compare(db);
            pipeline.verifyApplied();
        }
    }

    private void max(double start, double step, int stepSeconds) throws Exception {
        double best = 0;
        double failed = 0;
        try (Pipeline pipeline = new Pipeline()) {
            LagTracker tracker = new LagTracker(TABLES);
            try (Bench.HeapPeak heap = new Bench.HeapPeak();
                    PacedWriter writer = new PacedWriter(source, tables, rowsEach, 0, 0, tracker)) {
                // The source's share of mo-cdc's lag: commit -> record in Kafka (the rest is the sink's).
                LagTracker inKafka = new LagTracker(TABLES);
                tracker.alsoTo(inKafka);
                try (TargetPoller poller = new TargetPoller(target, tables, rowsEach, POLL_MS, tracker);
                        KafkaArrivals arrivals = new KafkaArrivals(pipeline.bootstrapServers(),
                                tables.stream().map(t -> "load." + t).toList(), inKafka)) {
                    for (double rate = start; failed == 0 && rate <= MAX_RATE; rate += step) {
                        Step result = Step.run(writer, tracker, processes, rate, stepSeconds);
                        System.out.printf("connectors %s | heap peak %,d MiB | %s%n", result, heap.peakMiB(), Bench.load());
                        System.out.printf("  of which commit -> record in Kafka, last third: %s%n",
                                Bench.lagSummary(result.lastThird(inKafka)));
                        if (result.sustained()) {
                            best = rate;
                        } else {
                            failed = rate;
                        }
                    }
                }
                tracker.alsoTo(null);
                System.out.printf("MAX: the connector pipeline sustains %,.0f changes/s without growing lag (%,.0f did not) | "
                        + "worker JVM heap peak %,d MiB | %s%n", best, failed, heap.peakMiB(), Bench.load());
                pipeline.compare(db);
                pipeline.close(); // the built-in CDC runs alone

                try (Connection dst = Connections.open(target)) {
                    Sql.exec(dst, "create database " + db + "_bi");
                }
                String mapping = tables.stream().map(t -> t + ":" + t.replace(db + ".", db + "_bi.")).collect(Collectors.joining(","));
                List<String> copies = tables.stream().map(t -> t.replace(db + ".", db + "_bi.")).toList();
                try (BuiltinCdc builtin = BuiltinCdc.create(source, target, db.replace("loadbench", "bi"), mapping)) {
                    long began = System.nanoTime();
                    pipeline.awaitSame(db + "_bi", 1_800_000);
                    System.out.printf("built-in CDC: full copy of the %d tables in %.1f s (%s)%n", TABLES, (System.nanoTime() - began) / 1e9,
                            Bench.load());
                    try (TargetPoller poller = new TargetPoller(target, copies, rowsEach, POLL_MS, tracker)) {
                        for (double rate : best > 0 ? List.of(best, failed) : List.of(failed)) {
                            System.out.printf("built-in CDC %s | %s%n", Step.run(writer, tracker, processes, rate, stepSeconds), Bench.load());
                        }
                    }
                    System.out.println("built-in CDC task: " + builtin.show());
                    pipeline.compare(db + "_bi");
                }
            }
        }
    }

    /**
     * One rate held for some seconds: achieved rate, lag in its first and last thirds, the verdict, and what the step
     * cost each process (CPU over the step, per 1,000 changes written).
     */
    record Step(double rate, double achieved, long fromMs, long toMs, List<Long> first, List<Long> last,
                long oldestPendingMs, boolean drained, ProcessCpu.Cost cpu) {

        static Step run(PacedWriter writer, LagTracker tracker, ProcessCpu processes, double rate, int seconds)
                throws InterruptedException {
            long changes = writer.changes();
            long fromMs = System.currentTimeMillis();
            ProcessCpu.Reading cpuBefore = processes.read();
            writer.rate(rate);
            Thread.sleep(seconds * 1000L);
            long toMs = System.currentTimeMillis();
            long written = writer.changes() - changes;
            ProcessCpu.Cost cpu = processes.read().since(cpuBefore, written, "changes");
            double achieved = written * 1000.0 / (toMs - fromMs);
            long oldest = tracker.oldestPendingMs(Bench.wallNanos());
            writer.rate(0);
            boolean drained = tracker.awaitAllSeen(180_000);
            return new Step(rate, achieved, fromMs, toMs, tracker.lagsCommittedBetween(fromMs, fromMs + (toMs - fromMs) / 3),
                    lastThird(tracker, fromMs, toMs), oldest, drained, cpu);
        }

        /** The lags {@code tracker} saw for the transactions committed in the step's last third. */
        List<Long> lastThird(LagTracker tracker) {
            return lastThird(tracker, fromMs, toMs);
        }

        private static List<Long> lastThird(LagTracker tracker, long fromMs, long toMs) {
            return tracker.lagsCommittedBetween(toMs - (toMs - fromMs) / 3, toMs);
        }

        /**
         * The writer kept 95% of the rate, every transaction arrived, and the lag did not grow over the step: the
         * last third's p50 at most 500 ms and its p99 at most half + 1 s above the first third's.
         */
        boolean sustained() {
            long firstP50 = Bench.percentile(first, 50);
            long firstP99 = Bench.percentile(first, 99);
            return achieved >= 0.95 * rate && drained && !last.isEmpty()
                    && Bench.percentile(last, 50) <= firstP50 + 500 && Bench.percentile(last, 99) <= firstP99 * 3 / 2 + 1000;
        }

        @Override
        public String toString() {
            return String.format("rate %,.0f: achieved %,.0f changes/s | lag first third %s | last third %s | oldest unseen at"
                    + " step end %,d ms%s | %s -> %s", rate, achieved, Bench.lagSummary(first), Bench.lagSummary(last),
                    oldestPendingMs, drained ? "" : " | NOT ALL SEEN 3 min later", cpu, sustained() ? "sustained" : "NOT sustained");
        }
    }

    /** The source tables, the target database and the two connectors on a Connect cluster; close() removes them. */
    private final class Pipeline implements AutoCloseable {
        private final ConnectClusterHarness connect;
        private boolean closed;

        Pipeline() throws Exception {
            try (Connection src = Connections.open(source); Connection dst = Connections.open(target)) {
                PitrDatabase.create(src, db);
                for (String table : tables) {
                    BenchTable.create(src, table, rowsEach);
                }
                Sql.exec(dst, "create database " + db);
            }
            connect = ConnectClusterHarness.start("load-bench", false);
            try {
                EmbeddedConnectCluster cluster = connect.cluster();
                List<String> topics = tables.stream().map(t -> "load." + t).toList();
                topics.forEach(topic -> cluster.kafka().createTopic(topic, 1));
                long began = System.nanoTime();
                Map<String, String> sourceConfig = BenchConnectors.source(source, "load", String.join(",", tables));
                sourceConfig.put("tasks.max", Integer.toString(sourceTasks)); // the tables are split between the tasks
                cluster.configureConnector("load-source", sourceConfig);
                cluster.configureConnector("load-sink", BenchConnectors.sink(target, topics));
                System.out.printf("connectors: source (tasks.max=%d) and sink (tasks.max=1) with their defaults and mo-cdc's "
                        + "client settings, JSON with schemas (SchemaCachingJsonConverter), one partition per table%n", sourceTasks);
                awaitSame(db, 1_800_000);
                System.out.printf("snapshot of %d x %,d rows through the pipeline: %.1f s (%s)%n", TABLES, rowsEach,
                        (System.nanoTime() - began) / 1e9, Bench.load());
            } catch (Exception e) {
                close();
                throw e;
            }
        }

        String bootstrapServers() {
            return connect.cluster().kafka().bootstrapServers();
        }

        /** Waits until every table in {@code targetDb} equals its source table (count and checksum). */
        void awaitSame(String targetDb, long timeoutMs) throws Exception {
            long deadline = System.currentTimeMillis() + timeoutMs;
            while (!same(targetDb).isEmpty()) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("target " + targetDb + " differs after " + timeoutMs + " ms: " + same(targetDb));
                }
                Thread.sleep(2000);
            }
        }

        /** The tables of {@code targetDb} that differ from the source, with both checksums; empty when none. */
        private String same(String targetDb) throws SQLException {
            StringBuilder differ = new StringBuilder();
            try (Connection src = Connections.open(source); Connection dst = Connections.open(target)) {
                for (String table : tables) {
                    String copy = table.replace(db + ".", targetDb + ".");
                    String expected = BenchTable.checksum(src, table);
                    String actual;
                    try {
                        actual = BenchTable.checksum(dst, copy);
                    } catch (SQLException missing) {
                        actual = "missing";
                    }
                    if (!expected.equals(actual)) {
                        differ.append(copy).append(' ').append(actual).append(" != ").append(expected).append("; ");
                    }
                }
            }
            return differ.toString();
        }

        /** The final check: every table of {@code targetDb} equals the source row for row, waiting up to 3 min. */
        void compare(String targetDb) throws Exception {
            long began = System.nanoTime();
            try {
                awaitSame(targetDb, 180_000);
            } catch (IllegalStateException differs) {
                System.out.println("CHECK FAILED: " + differs.getMessage());
                return;
            }
            try (Connection src = Connections.open(source)) {
                List<String> sums = new ArrayList<>();
                for (String table : tables) {
                    sums.add(table.substring(table.indexOf('.') + 1) + " " + BenchTable.checksum(src, table));
                }
                System.out.printf("CHECK: %s equals the source row for row (count:checksum over all columns: %s; checked in %.1f s)%n", targetDb, String.join(", ", sums), (System.nanoTime() - began) / 1e9);
            }
        }

        /** mo-cdc task verify's check (the same code): each table equals the source at the target's applied position. */
        void verifyApplied() throws Exception {
            try (Connection src = Connections.open(source); Connection dst = Connections.open(target)) {
                TableVerifier verifier = new TableVerifier(src, dst, true, AppliedPositions.DEFAULT_DATABASE, "load-sink", 10);
                for (String table : tables) {
                    TableVerifier.Outcome outcome = verifier.verify(table, 60_000_000_000L);
                    System.out.printf("VERIFY %s: %s at %d (%s)%n", table, outcome.result(), outcome.appliedTs(), outcome.detail());
                }
            }
        }

        @Override
        public void close() throws SQLException {
            if (closed) {
                return;
            }
            closed = true;
            connect.close();
        }
    }

    /** Drops what the run created on both servers (connectors are gone with their cluster). */
    private void dropAll() throws SQLException {
        try (Connection src = Connections.open(source); Connection dst = Connections.open(target)) {
            PitrDatabase.drop(src, db);
            Sql.exec(dst, "drop database if exists " + db, "drop database if exists " + db + "_bi");
        }
    }

    private static String arg(String[] args, int i, String fallback) {
        return args.length > i ? args[i] : fallback;
    }
}
