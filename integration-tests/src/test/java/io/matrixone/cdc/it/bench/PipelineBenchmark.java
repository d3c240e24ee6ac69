package io.matrixone.cdc.it.bench;

import static io.matrixone.cdc.testing.Sql.exec;

import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneUri;
import io.matrixone.cdc.cli.ConnectRestClient;
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
import io.matrixone.cdc.testing.bench.WorkerProcess;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;

/**
 * mo-cdc's whole pipeline (source connector -> Kafka -> sink connector, on a real Connect worker with the
 * connectors' defaults) beside MatrixOne's built-in CDC ({@code create cdc}) on the same table, in one run, both
 * measured end to end on the target server the same way:
 * <ol>
 * <li>full copy of an N-row table: connectors created (or create cdc) -> target count = N, polled every second;
 *     then target = source (count and checksum over all columns). mo-cdc copies twice, into two databases: first in
 *     the benchmark's fresh JVM (cold: its JIT compilers busy throughout), then again in the same worker (warm, as a
 *     worker that has run for a while is); both are printed;
 * <li>streaming at a steady rate of inserts, updates and deletes ({@link PacedWriter}): lag from the writer's
 *     commit to the row visible on the target ({@link TargetPoller}, every 100 ms), p50 and p99;
 * </ol>
 * Only one of the two runs at a time. mo-cdc streams from the end of its copy, so (streaming second, the default)
 * it first catches up on the changes made while the built-in CDC ran, and ends with target = source. Prints
 * figures and ratios with the machine's load, and what each phase cost the Connect worker's JVM: allocation, GC
 * pauses, heap peak; and the CPU time each phase cost the two servers, the worker and this JVM (broker and benchmark),
 * per 1,000 rows or changes: a cost that moves far less with the machine's load than a rate. The worker
 * runs in a JVM of its own ({@link WorkerProcess}, options from {@code -Dbench.worker.opts}) as in a Connect
 * deployment; the broker and the benchmark run in this one. Asserts nothing. Run with scripts/bench-pipeline.sh.
 */
public final class PipelineBenchmark {

    private static final long TARGET_POLL_MS = 100;
    private static final String SOURCE_SERVER = "source server";
    /** The worker JVM's options: Kafka's connect-distributed.sh heap by default (KAFKA_HEAP_OPTS). */
    private static final List<String> WORKER_JVM_OPTIONS =
            List.of(System.getProperty("bench.worker.opts", "-Xms256m -Xmx2g").trim().split("\\s+"));
    /**
     * -Dbench.stream.first=mo-cdc streams mo-cdc before the built-in CDC (whose copy then takes the table as the
     * writer left it); by default the built-in goes first. The servers' own background work (merges) comes at
     * moments of their choosing, so swapping the order shows whether a stall belongs to a place in the run or to a CDC.
     */
    private static final boolean MO_STREAMS_FIRST = "mo-cdc".equals(System.getProperty("bench.stream.first", "built-in"));

    private final long rows;
    private final double rate;
    private final int seconds;
    private final MatrixOneUri source;
    private final MatrixOneUri target;
    private final String db = Sql.uniqueDatabase("pipebench");
    private final String table = db + ".b";
    private final String builtinCopy = db + "_bi.b";
    private final String warmCopy = db + "_warm.b";
    private final List<String> summary = new ArrayList<>();
    private ProcessCpu processes;

    private PipelineBenchmark(String[] args) {
        rows = Long.parseLong(arg(args, 0, "1000000"));
        rate = Double.parseDouble(arg(args, 1, "2000"));
        seconds = Integer.parseInt(arg(args, 2, "60"));
        source = MatrixOneUri.parse(arg(args, 3, "mysql://root:111@127.0.0.1:6001"));
        target = MatrixOneUri.parse(arg(args, 4, "mysql://root:111@127.0.0.1:6002"));
    }

    public static void main(String[] args) throws Exception {
        new PipelineBenchmark(args).run();
    }

    private void run() throws Exception {
        System.out.printf("rows=%,d rate=%,.0f changes/s stream=%d s; mo-cdc: one source and one sink task, their defaults, "
                + "JSON with schemas (%s)%n", rows, rate, seconds, Bench.load());
        EmbeddedKafkaCluster kafka = new EmbeddedKafkaCluster(1, ConnectClusterHarness.brokerProps(false));
        kafka.start();
        try (Connection src = Connections.open(source); Connection dst = Connections.open(target);
                WorkerProcess worker = WorkerProcess.start(kafka.bootstrapServers(), "pipeline-bench", WORKER_JVM_OPTIONS)) {
            System.out.printf("Connect worker JVM: %s (-Dbench.worker.opts; the broker and the benchmark run in this JVM)%n",
                    String.join(" ", WORKER_JVM_OPTIONS));
            Pipeline pipeline = new Pipeline(kafka, new ConnectRestClient(worker.restUrl()));
            processes = new ProcessCpu().with(SOURCE_SERVER, ProcessCpu.serverPid("source.pid.file", "source"))
                    .with("target server", ProcessCpu.serverPid("target.pid.file", "target"))
                    .with("worker", worker.pid()).with("broker+bench", ProcessHandle.current().pid());
            PitrDatabase.create(src, db);
            exec(dst, "create database " + db, "create database " + db + "_bi", "create database " + db + "_warm");
            long loadStart = System.nanoTime();
            BenchTable.create(src, table, rows);
            System.out.printf("loaded %,d rows in %.1f s%n", rows, (System.nanoTime() - loadStart) / 1e9);

            // 1. mo-cdc full copy, end to end
            Copy moCopy = copy("mo-cdc", table, worker, () -> pipeline.start("copy", Map.of(), Map.of()));
            long copyEnd = Sql.serverNowNanos(src);
            pipeline.stop("copy");
            awaitSame(src, dst, table, table);

            // 1b. the same copy again in the same worker, into another database: the first ran in a fresh JVM whose JIT
            // compilers took about a core's quarter throughout (JFR); a Connect worker that has run for a while is warm
            Copy moWarmCopy = copy("mo-cdc (JVM warm, second copy)", warmCopy, worker,
                    () -> pipeline.start("warm", Map.of(), Map.of("tables", table + ":" + warmCopy)));
            pipeline.stop("warm");
            awaitSame(src, dst, table, warmCopy);
            exec(dst, "drop database " + db + "_warm");

            LagTracker tracker = new LagTracker(1);
            try (PacedWriter writer = new PacedWriter(source, List.of(table), rows, 0, 0, tracker)) {
                // 2. and 3.: the built-in CDC's full copy and streaming, and mo-cdc's streaming from the end of its
                // copy, in the order bench.stream.first asks (a server's background work can favour either place)
                Streaming streaming = new Streaming(src, dst, writer, tracker, worker, pipeline, kafka.bootstrapServers());
                BuiltinRun builtin;
                Phase mo;
                if (MO_STREAMS_FIRST) {
                    mo = streaming.moCdc(copyEnd);
                    builtin = streaming.builtin();
                } else {
                    builtin = streaming.builtin();
                    mo = streaming.moCdc(copyEnd);
                }
                Copy bi = builtin.copy();
                // Last, so that both CDCs stream on the table as earlier versions of this benchmark left it.
                ProcessCpu.Cost writesAlone = streaming.writesAlone();
                summary.add(String.format("full copy of %,d rows, end to end: mo-cdc %,.0f rows/s, built-in %,.0f rows/s -> %.2fx",
                        rows, moCopy.rate(), bi.rate(), moCopy.rate() / bi.rate()));
                summary.add(String.format("same, mo-cdc's second copy in the same (warm) JVM: %,.0f rows/s -> %.2fx",
                        moWarmCopy.rate(), moWarmCopy.rate() / bi.rate()));
                summary.add(String.format("CPU per 1,000 rows copied, all processes: mo-cdc %.1f ms (warm %.1f), built-in %.1f ms -> "
                        + "%.2fx (warm %.2fx) the built-in's", moCopy.cpu().perThousand(), moWarmCopy.cpu().perThousand(),
                        bi.cpu().perThousand(), moCopy.cpu().perThousand() / bi.cpu().perThousand(),
                        moWarmCopy.cpu().perThousand() / bi.cpu().perThousand()));
                summary.add(ratio("streaming lag p50", mo.lags(), builtin.phase().lags(), 50));
                summary.add(ratio("streaming lag p99", mo.lags(), builtin.phase().lags(), 99));
                summary.add(String.format("CPU per 1,000 changes streamed, all processes: mo-cdc %.1f ms, built-in %.1f ms -> %.2fx; "
                        + "the writes alone (no CDC) %.1f ms", mo.cpu().perThousand(), builtin.phase().cpu().perThousand(),
                        mo.cpu().perThousand() / builtin.phase().cpu().perThousand(), writesAlone.perThousand()));
                summary.add(String.format("source server CPU per 1,000 changes streamed, over the writes alone: mo-cdc %+.1f ms, "
                        + "built-in %+.1f ms", mo.cpu().perThousand(SOURCE_SERVER) - writesAlone.perThousand(SOURCE_SERVER),
                        builtin.phase().cpu().perThousand(SOURCE_SERVER) - writesAlone.perThousand(SOURCE_SERVER)));
            }
            summary.add("Connect worker JVM (" + String.join(" ", WORKER_JVM_OPTIONS) + "): " + worker.heap());
            System.out.println("SUMMARY (" + Bench.load() + ")");
            summary.forEach(line -> System.out.println("  " + line));
        } finally {
            kafka.stop();
            try (Connection src = Connections.open(source); Connection dst = Connections.open(target)) {
                PitrDatabase.drop(src, db);
                exec(dst, "drop database if exists " + db, "drop database if exists " + db + "_bi",
                        "drop database if exists " + db + "_warm");
            }
        }
    }

    record BuiltinRun(Copy copy, Phase phase) {
    }

    /** A full copy's rate (rows/s) and the CPU it cost all processes per 1,000 rows (ms). */
    record Copy(double rate, ProcessCpu.Cost cpu) {
    }

    /** The two streaming phases on one writer and one lag tracker: the built-in CDC's (with its copy) and mo-cdc's. */
    private final class Streaming {
        private final Connection src;
        private final Connection dst;
        private final PacedWriter writer;
        private final LagTracker tracker;
        private final WorkerProcess worker;
        private final Pipeline pipeline;
        private final String bootstrapServers;

        Streaming(Connection src, Connection dst, PacedWriter writer, LagTracker tracker, WorkerProcess worker, Pipeline pipeline,
                  String bootstrapServers) {
            this.src = src;
            this.dst = dst;
            this.writer = writer;
            this.tracker = tracker;
            this.worker = worker;
            this.pipeline = pipeline;
            this.bootstrapServers = bootstrapServers;
        }

        /**
         * The writer at the rate with no CDC capturing: what the writes alone cost the processes, to tell each CDC's
         * own reading cost on the source server from the cost of the changes. It runs after both CDCs' phases (no CDC
         * carries these changes to a target).
         */
        ProcessCpu.Cost writesAlone() throws InterruptedException {
            long changes = writer.changes();
            ProcessCpu.Reading before = processes.read();
            writer.rate(rate);
            Thread.sleep(seconds * 1000L);
            writer.rate(0);
            ProcessCpu.Cost cost = processes.read().since(before, writer.changes() - changes, "changes");
            System.out.printf("the writes alone, no CDC capturing: %,d changes in %d s, %s (%s)%n", cost.units(), seconds, cost,
                    Bench.load());
            return cost;
        }

        /** The built-in CDC: its full copy of the table as it is now, then streaming at the rate. */
        BuiltinRun builtin() throws Exception {
            String label = db.replace("pipebench", "bi");
            try (BuiltinCdc task = BuiltinCdc.create(source, target, label, table + ":" + builtinCopy)) {
                Copy copy = copy("built-in CDC", builtinCopy, worker, () -> { });
                Phase phase;
                try (TargetPoller poller = new TargetPoller(target, List.of(builtinCopy), rows, TARGET_POLL_MS, tracker)) {
                    phase = Phase.run(writer, rate, tracker, seconds, worker::work, processes);
                    System.out.printf("  the worker JVM meanwhile (no connector on it; per row = per change): %s%n", phase.jvm());
                    System.out.printf("  %s%n", phase.cpu());
                }
                awaitSame(src, dst, table, builtinCopy);
                System.out.printf("built-in CDC streaming: %s, lag commit -> row on target %s (%s)%n", phase.rate(),
                        Bench.lagSummary(phase.lags()), Bench.load());
                return new BuiltinRun(copy, phase);
            }
        }

        /** mo-cdc streaming from the end of its copy ({@code copyEnd}): first the changes made since, then the rate. */
        Phase moCdc(long copyEnd) throws Exception {
            long caughtUp = System.nanoTime();
            pipeline.start("stream", Map.of("snapshot.mode", "never", "start.ts", Long.toString(copyEnd)), Map.of());
            awaitSame(src, dst, table, table);
            System.out.printf("mo-cdc caught up on the changes made while it was stopped in %.1f s%n", (System.nanoTime() - caughtUp) / 1e9);
            Phase mo;
            LagTracker inKafka = new LagTracker(1);
            tracker.alsoTo(inKafka);
            try (TargetPoller poller = new TargetPoller(target, List.of(table), rows, TARGET_POLL_MS, tracker);
                    KafkaArrivals arrivals = new KafkaArrivals(bootstrapServers, List.of("stream." + table), inKafka)) {
                mo = Phase.run(writer, rate, tracker, seconds, worker::work, processes);
                System.out.printf("  the worker JVM meanwhile (per row = per change): %s%n", mo.jvm());
                System.out.printf("  %s%n", mo.cpu());
            }
            tracker.alsoTo(null);
            awaitSame(src, dst, table, table);
            System.out.printf("mo-cdc streaming: %s, lag commit -> row on target %s (%s)%n", mo.rate(),
                    Bench.lagSummary(mo.lags()), Bench.load());
            List<Long> kafkaLags = inKafka.lagsCommittedBetween(0, Long.MAX_VALUE);
            System.out.printf("  of which the source's share, commit -> record in Kafka: %s%n", Bench.lagSummary(kafkaLags));
            summary.add(String.format("mo-cdc streaming lag split: commit -> Kafka p50 %,d ms, p99 %,d ms (the rest is the sink's)",
                    Bench.percentile(kafkaLags, 50), Bench.percentile(kafkaLags, 99)));
            pipeline.stop("stream");
            return mo;
        }
    }

    private static String ratio(String what, List<Long> mo, List<Long> builtin, int p) {
        long a = Bench.percentile(mo, p);
        long b = Bench.percentile(builtin, p);
        return String.format("%s: mo-cdc %,d ms, built-in %,d ms -> %.2fx the built-in's", what, a, b, b > 0 ? (double) a / b : Double.NaN);
    }

    interface Start {
        void start() throws Exception;
    }

    /**
     * Starts a copy and returns rows/s from the start to the target holding every row (polled every second), and the
     * CPU it cost per 1,000 rows.
     */
    private Copy copy(String who, String copyTable, WorkerProcess worker, Start start) throws Exception {
        Bench.JvmWork jvm = worker.work();
        ProcessCpu.Reading cpuBefore = processes.read();
        long began = System.nanoTime();
        start.start();
        long deadline = began + Duration.ofMinutes(30).toNanos();
        long count = -1;
        while (count < rows) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(who + ": " + copyTable + " has " + count + " of " + rows + " rows after 30 min");
            }
            Thread.sleep(1000);
            try (Connection dst = Connections.open(target)) {
                count = BenchTable.count(dst, copyTable);
            } catch (SQLException notYet) {
                count = -1; // the table is not created yet
            }
        }
        double s = (System.nanoTime() - began) / 1e9;
        ProcessCpu.Reading cpuAfter = processes.read();
        System.out.printf("%s full copy: %,d rows in %.1f s = %,.0f rows/s, start -> target count (%s)%n", who, rows, s, rows / s,
                Bench.load());
        System.out.printf("  the worker JVM meanwhile: %s; %s%n", worker.work().since(jvm, rows), worker.heap());
        ProcessCpu.Cost cpu = cpuAfter.since(cpuBefore, rows, "rows");
        System.out.printf("  %s%n", cpu);
        return new Copy(rows / s, cpu);
    }

    /** mo-cdc's pipelines on the worker, by name prefix: a topic, a source connector and a sink connector each. */
    private final class Pipeline {
        private final EmbeddedKafkaCluster kafka;
        private final ConnectRestClient connect;

        Pipeline(EmbeddedKafkaCluster kafka, ConnectRestClient connect) {
            this.kafka = kafka;
            this.connect = connect;
        }

        void start(String prefix, Map<String, String> sourceExtra, Map<String, String> sinkExtra) {
            String topic = prefix + "." + table;
            kafka.createTopic(topic, 1);
            Map<String, String> config = BenchConnectors.source(source, prefix, table);
            config.putAll(sourceExtra);
            connect.put(prefix + "-source", config);
            Map<String, String> sink = BenchConnectors.sink(target, List.of(topic));
            sink.putAll(sinkExtra);
            connect.put(prefix + "-sink", sink);
        }

        void stop(String prefix) {
            connect.delete(prefix + "-source");
            connect.delete(prefix + "-sink");
        }
    }

    /** Waits until {@code copy} equals {@code table} (count:checksum over all columns), then says so. */
    private static void awaitSame(Connection src, Connection dst, String table, String copy) throws Exception {
        String expected = BenchTable.checksum(src, table);
        String actual = BenchTable.checksum(dst, copy);
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (!(expected.equals(actual)) && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            expected = BenchTable.checksum(src, table);
            actual = BenchTable.checksum(dst, copy);
        }
        System.out.printf("CHECK: %s %s the source (count:checksum %s / %s)%n", copy, expected.equals(actual) ? "equals" : "DIFFERS FROM",
                actual, expected);
    }

    /**
     * One streaming phase: the writer at the rate for some seconds, then until every transaction was seen; with what
     * the phase cost the worker JVM ({@link Bench.JvmWork}, per change) and every process's CPU (per 1,000 changes).
     */
    record Phase(String rate, List<Long> lags, String jvm, ProcessCpu.Cost cpu) {
        private static final long SLICE_MS = 10_000;

        static Phase run(PacedWriter writer, double rate, LagTracker tracker, int seconds, Supplier<Bench.JvmWork> jvmWork,
                         ProcessCpu processes) throws Exception {
            Bench.JvmWork jvm = jvmWork.get();
            ProcessCpu.Reading cpuBefore = processes.read();
            long changes = writer.changes();
            long txns = writer.transactions();
            long fromMs = System.currentTimeMillis();
            writer.rate(rate);
            Thread.sleep(seconds * 1000L);
            long toMs = System.currentTimeMillis();
            writer.rate(0);
            double achieved = (writer.changes() - changes) * 1000.0 / (toMs - fromMs);
            double txnRate = (writer.transactions() - txns) * 1000.0 / (toMs - fromMs);
            boolean all = tracker.awaitAllSeen(300_000);
            // Until every change was seen: the CPU a CDC spends on the phase's changes, however late it gets to them.
            ProcessCpu.Reading cpuAfter = processes.read();
            long phaseChanges = writer.changes() - changes;
            String unseen = all ? "" : ", " + tracker.pending() + " transactions NOT SEEN after 5 min";
            StringBuilder slices = new StringBuilder();
            for (long slice = fromMs; slice < toMs; slice += SLICE_MS) {
                List<Long> lags = tracker.lagsCommittedBetween(slice, Math.min(toMs, slice + SLICE_MS));
                if (lags.isEmpty()) {
                    continue; // the last few milliseconds past the whole slices, with no commit in them
                }
                slices.append(String.format("%n    %3d s: p50 %,d ms, p99 %,d ms", (slice - fromMs) / 1000, Bench.percentile(lags, 50),
                        Bench.percentile(lags, 99)));
            }
            return new Phase(String.format("%,.0f changes/s in %,.0f txns/s for %d s%s; lag every %d s:%s", achieved, txnRate, seconds,
                    unseen, SLICE_MS / 1000, slices), tracker.lagsCommittedBetween(fromMs, toMs),
                    jvmWork.get().since(jvm, phaseChanges), cpuAfter.since(cpuBefore, phaseChanges, "changes"));
        }
    }

    private static String arg(String[] args, int i, String fallback) {
        return args.length > i ? args[i] : fallback;
    }
}
