package io.matrixone.cdc.it.bench;

import static io.matrixone.cdc.testing.Sql.exec;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/**
 * Many tables, few of them busy: N tables at level database, all idle, then B of them sharing a steady rate of
 * inserts, updates and deletes, for mo-cdc's pipeline (source -> Kafka -> sink, the connectors' defaults) and for
 * MatrixOne's built-in CDC, one after the other in one run. Prints:
 * <ul>
 * <li>the source server's CPU time (its mo-service process, /proc) over an idle interval with no CDC, with
 *     mo-cdc capturing and with the built-in CDC capturing: the extra cost of idle tables;
 * <li>the busy tables' lag, writer's commit -> row visible on the target, p50/p99; for mo-cdc also its source's
 *     share, commit -> record in Kafka; then, after a pause of {@link #PAUSE_MS}, the lag of their next changes;
 * <li>for mo-cdc, the lag of one busy table alone (another table of the same task, right after), at goal 2's 2,000
 *     changes/s (issue 11: the one-table figure goal 4 holds the busy tables' lag to) and at the busy tables' own rate,
 *     from the same run.
 * </ul>
 * Asserts nothing. Run with scripts/bench-tables.sh.
 */
public final class ManyTablesBenchmark {

    private static final long TARGET_POLL_MS = 100;
    private static final long ROWS_EACH = 1000;
    /** The first part of the busy interval, reported apart: the busy tables wake up from a long idle time. */
    private static final long WAKE_UP_MS = 10_000;
    /**
     * How much longer the busy tables' interval runs before its measured part than the one-table intervals after it.
     * The busy interval is the first time the worker's JVM streams: its JIT compilers used 0.27-0.40 of this 2-core
     * machine's cores in the first 20 s there and about 0.13 after (the compiler threads' CPU from /proc, 10-s samples,
     * twenty-fourth session), on a machine the busy tables keep saturated, while the one-table reference, measured right
     * after, found the code compiled. A worker in production compiled it long ago.
     */
    private static final long JIT_WARM_UP_MS = 20_000;
    /**
     * How long the busy tables pause after their interval before they are written again for {@link #WAKE_UP_MS}: a
     * writer's next batch after a short break, when a table is still active but read less often (mo-cdc: every ~1 s).
     */
    private static final long PAUSE_MS = 15_000;
    /** Goal 2's one table: 2,000 changes/s (bench-pipeline.sh), the one-table figure goal 4 compares with. */
    private static final double GOAL_2_RATE = 2000;

    private final int tableCount;
    private final int busyCount;
    private final double rate;
    private final int seconds;
    /** mo-cdc runs once per entry: the source's and the sink's tasks.max (as mo-cdc task create --tasks sets them). */
    private final List<Integer> taskCounts;
    private final MatrixOneUri source = MatrixOneUri.parse(System.getProperty("source.uri", "mysql://root:111@127.0.0.1:6001"));
    private final MatrixOneUri target = MatrixOneUri.parse(System.getProperty("target.uri", "mysql://root:111@127.0.0.1:6002"));
    private final ProcessCpu sourceCpu = new ProcessCpu().with("source server", ProcessCpu.serverPid("source.pid.file", "source"));
    private final String db = Sql.uniqueDatabase("tablesbench");
    private final List<String> tables = new ArrayList<>();

    private ManyTablesBenchmark(String[] args) {
        tableCount = Integer.parseInt(arg(args, 0, "200"));
        busyCount = Integer.parseInt(arg(args, 1, "10"));
        rate = Double.parseDouble(arg(args, 2, "1000"));
        seconds = Integer.parseInt(arg(args, 3, "30"));
        taskCounts = java.util.Arrays.stream(arg(args, 4, "1").split(",")).map(Integer::parseInt).toList();
        if (tableCount < busyCount + 2) {
            // Two tables besides the busy ones are written alone after them (goal 4's one-table figures).
            throw new IllegalArgumentException("tables (" + tableCount + ") must be at least busy-tables + 2 ("
                    + (busyCount + 2) + "): two more tables are written alone after the busy ones");
        }
        for (int i = 1; i <= tableCount; i++) {
            tables.add(db + ".t" + i);
        }
    }

    public static void main(String[] args) throws Exception {
        ManyTablesBenchmark benchmark;
        try {
            benchmark = new ManyTablesBenchmark(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench-tables: " + e.getMessage());
            System.exit(2);
            return;
        }
        benchmark.run();
    }

    private void run() throws Exception {
        System.out.printf("%d tables x %,d rows at level database, %d of them busy sharing %,.0f changes/s; idle and busy intervals"
                + " of %d s; source server CPU from /proc (%s)%n", tableCount, ROWS_EACH, busyCount, rate, seconds, Bench.load());
        List<String> busy = tables.subList(0, busyCount);
        try (Connection src = Connections.open(source); Connection dst = Connections.open(target)) {
            PitrDatabase.create(src, db);
            exec(dst, "create database " + db, "create database " + db + "_bi");
            for (String table : tables) {
                BenchTable.create(src, table, ROWS_EACH);
            }
            double noCdc = idleCpuSeconds();
            System.out.printf("no CDC: source server CPU %.1f s per %d s idle (%s)%n", noCdc, seconds, Bench.load());
            LagTracker tracker = new LagTracker(busyCount);
            try (PacedWriter writer = new PacedWriter(source, busy, ROWS_EACH, 0, 0, tracker)) {
                Map<Integer, Result> mo = new java.util.LinkedHashMap<>();
                for (int tasks : taskCounts) {
                    exec(dst, "drop database if exists " + db, "create database " + db);
                    mo.put(tasks, moCdc(dst, writer, tracker, busy, tasks));
                }
                Result builtin = builtinCdc(dst, writer, tracker, busy);
                System.out.println("SUMMARY (" + Bench.load() + ")");
                System.out.printf("  source server CPU for %d idle tables, over no CDC, per %d s: built-in %+.1f s%n",
                        tableCount, seconds, builtin.idleCpu() - noCdc);
                mo.forEach((tasks, result) -> System.out.printf("    mo-cdc, %d task(s): %+.1f s (%.2fx)%n", tasks,
                        result.idleCpu() - noCdc, (result.idleCpu() - noCdc) / (builtin.idleCpu() - noCdc)));
                System.out.printf("  %d busy tables sharing %,.0f changes/s, lag commit -> target: built-in %s%n", busyCount, rate,
                        builtin.lag());
                mo.forEach((tasks, result) -> System.out.printf("    mo-cdc, %d task(s): %s%n", tasks, result.lag()));
            }
        } finally {
            try (Connection src = Connections.open(source); Connection dst = Connections.open(target)) {
                PitrDatabase.drop(src, db);
                exec(dst, "drop database if exists " + db, "drop database if exists " + db + "_bi");
            }
        }
    }

    /** The source server's CPU over an idle interval while a CDC captures, and the busy tables' lag. */
    record Result(double idleCpu, String lag) {
    }

    /** A lag phase's figures: the summary line, and the p50 of its measured part, which began this far into it. */
    record Lag(String summary, long p50Measured, long measuredFromSeconds) {
    }

    /** One interval of writing: its bounds (epoch ms), the rate achieved, and ", N txns NOT SEEN ..." or "". */
    private record Interval(long fromMs, long toMs, double achieved, String unseen) {
    }

    private Result moCdc(Connection dst, PacedWriter writer, LagTracker tracker, List<String> busy, int tasks) throws Exception {
        try (ConnectClusterHarness connect = ConnectClusterHarness.start("tables-bench-" + tasks, false)) {
            EmbeddedConnectCluster cluster = connect.cluster();
            String prefix = "many" + tasks;
            List<String> topics = tables.stream().map(t -> prefix + "." + t).toList();
            topics.forEach(topic -> cluster.kafka().createTopic(topic, 1));
            long began = System.nanoTime();
            Map<String, String> sourceConfig = BenchConnectors.source(source, prefix, db + ".*");
            sourceConfig.put("level", "database");
            sourceConfig.put("tasks.max", String.valueOf(tasks));
            cluster.configureConnector(prefix + "-source", sourceConfig);
            Map<String, String> sinkConfig = BenchConnectors.sink(target, topics, tasks);
            if (!sinkConfig.get("tasks.max").equals(String.valueOf(tasks))) {
                System.out.printf("mo-cdc, %d task(s): the sink's tasks.max is %s (-Dbench.sink.config)%n", tasks, sinkConfig.get("tasks.max"));
            }
            cluster.configureConnector(prefix + "-sink", sinkConfig);
            awaitCopied(dst, db);
            System.out.printf("mo-cdc, %d task(s): %d tables copied in %.1f s%n", tasks, tableCount, (System.nanoTime() - began) / 1e9);
            double idle = idleCpuSeconds();
            System.out.printf("mo-cdc, %d task(s) capturing: source server CPU %.1f s per %d s idle (%s)%n", tasks, idle, seconds,
                    Bench.load());
            // The source's share of the lag: commit -> record in Kafka (the rest is the sink's).
            LagTracker inKafka = new LagTracker(busy.size());
            tracker.alsoTo(inKafka);
            String lag;
            try (KafkaArrivals arrivals = new KafkaArrivals(cluster.kafka().bootstrapServers(),
                    busy.stream().map(t -> prefix + "." + t).toList(), inKafka)) {
                Lag shared = busyLag(writer, tracker, busy, inKafka, rate, JIT_WARM_UP_MS);
                System.out.printf("mo-cdc, %d task(s): busy tables' lag %s (%s)%n", tasks, shared.summary(), Bench.load());
                String afterPause = afterPauseLag(writer, tracker, busy, inKafka);
                System.out.printf("mo-cdc, %d task(s): busy tables' lag %s (%s)%n", tasks, afterPause, Bench.load());
                StringBuilder against = new StringBuilder(shared.summary()).append("\n      ").append(afterPause);
                int next = busy.size();
                for (double aloneRate : List.of(GOAL_2_RATE, rate)) {
                    Lag alone = oneTableLag(tables.get(next++), aloneRate, cluster.kafka().bootstrapServers(), prefix);
                    System.out.printf("mo-cdc, %d task(s): one busy table alone at %,.0f changes/s: %s (%s)%n", tasks, aloneRate,
                            alone.summary(), Bench.load());
                    against.append(String.format("%n      against one busy table alone at %,.0f changes/s (same task, right after),"
                                    + " p50 %d ms (busy, from %d s on) / %d ms (alone, from %d s on) = %.2fx%s", aloneRate,
                            shared.p50Measured(), shared.measuredFromSeconds(), alone.p50Measured(), alone.measuredFromSeconds(),
                            shared.p50Measured() / (double) Math.max(1, alone.p50Measured()),
                            aloneRate == GOAL_2_RATE ? " (goal 4: at most 1.5x goal 2's one-table figure)" : ""));
                }
                lag = against.toString();
            } finally {
                tracker.alsoTo(null);
            }
            return new Result(idle, lag);
        }
    }

    private Result builtinCdc(Connection dst, PacedWriter writer, LagTracker tracker, List<String> busy) throws Exception {
        List<String> copies = busy.stream().map(t -> t.replace(db + ".", db + "_bi.")).toList();
        String mapping = tables.stream().map(t -> t + ":" + t.replace(db + ".", db + "_bi.")).collect(Collectors.joining(","));
        try (BuiltinCdc builtin = BuiltinCdc.create(source, target, db.replace("tablesbench", "bi"), mapping)) {
            long began = System.nanoTime();
            awaitCopied(dst, db + "_bi");
            System.out.printf("built-in CDC: %d tables copied in %.1f s%n", tableCount, (System.nanoTime() - began) / 1e9);
            double idle = idleCpuSeconds();
            System.out.printf("built-in CDC capturing: source server CPU %.1f s per %d s idle (%s)%n", idle, seconds, Bench.load());
            String lag = busyLag(writer, tracker, copies, null, rate, JIT_WARM_UP_MS).summary();
            System.out.printf("built-in CDC: busy tables' lag %s (%s)%n", lag, Bench.load());
            String afterPause = afterPauseLag(writer, tracker, copies, null);
            System.out.printf("built-in CDC: busy tables' lag %s (%s)%n", afterPause, Bench.load());
            lag += "\n      " + afterPause;
            return new Result(idle, lag);
        }
    }

    /**
     * The writer at {@code changesPerSecond} for the interval, {@code warmUpMs} longer; lag of its transactions to
     * {@code copies} on the target, and to Kafka when {@code inKafka} is given: over the first {@link #WAKE_UP_MS}, and
     * from {@link #WAKE_UP_MS} + {@code warmUpMs} on (the measured part).
     */
    private Lag busyLag(PacedWriter writer, LagTracker tracker, List<String> copies, LagTracker inKafka,
                        double changesPerSecond, long warmUpMs) throws Exception {
        Interval written = writeFor(writer, tracker, copies, changesPerSecond, seconds * 1000L + warmUpMs);
        long fromMs = written.fromMs();
        long toMs = written.toMs();
        // The busy tables were idle through the CPU interval before: their first changes wait for the next idle
        // read. Said apart from the lag once they are busy.
        long wokenMs = Math.min(toMs, fromMs + WAKE_UP_MS);
        long measuredMs = Math.min(toMs, wokenMs + warmUpMs);
        List<Long> measured = tracker.lagsCommittedBetween(measuredMs, toMs);
        long measuredFrom = (measuredMs - fromMs + 500) / 1000;
        return new Lag(String.format("%s at %,.0f changes/s achieved%s%n      first %d s (tables busy again after idling): %s;"
                        + " from %d s on: %s%s", Bench.lagSummary(tracker.lagsCommittedBetween(fromMs, toMs)), written.achieved(),
                written.unseen(), WAKE_UP_MS / 1000,
                Bench.lagSummary(tracker.lagsCommittedBetween(fromMs, wokenMs)), measuredFrom,
                Bench.lagSummary(measured),
                inKafka == null ? "" : String.format("%n      of which commit -> record in Kafka, from %d s on: %s",
                        measuredFrom, Bench.lagSummary(inKafka.lagsCommittedBetween(measuredMs, toMs)))),
                Bench.percentile(measured, 50), measuredFrom);
    }

    /**
     * The busy tables quiet for {@link #PAUSE_MS}, then written again for {@link #WAKE_UP_MS}: the lag of that time, and
     * to Kafka when {@code inKafka} is given.
     */
    private String afterPauseLag(PacedWriter writer, LagTracker tracker, List<String> copies, LagTracker inKafka) throws Exception {
        Thread.sleep(PAUSE_MS);
        Interval written = writeFor(writer, tracker, copies, rate, WAKE_UP_MS);
        return String.format("after a %d-s pause, first %d s: %s%s%s", PAUSE_MS / 1000, WAKE_UP_MS / 1000,
                Bench.lagSummary(tracker.lagsCommittedBetween(written.fromMs(), written.toMs())), written.unseen(),
                inKafka == null ? "" : " (commit -> record in Kafka: "
                        + Bench.lagSummary(inKafka.lagsCommittedBetween(written.fromMs(), written.toMs())) + ")");
    }

    /**
     * The writer at {@code changesPerSecond} for {@code ms} while {@code copies} are polled on the target, then a wait
     * (at most 5 min) until every transaction written is seen there: the interval's bounds, the rate achieved, and
     * what was never seen.
     */
    private Interval writeFor(PacedWriter writer, LagTracker tracker, List<String> copies, double changesPerSecond, long ms)
            throws Exception {
        try (TargetPoller poller = new TargetPoller(target, copies, ROWS_EACH, TARGET_POLL_MS, tracker)) {
            long changes = writer.changes();
            long fromMs = System.currentTimeMillis();
            writer.rate(changesPerSecond);
            Thread.sleep(ms);
            long toMs = System.currentTimeMillis();
            writer.rate(0);
            double achieved = (writer.changes() - changes) * 1000.0 / (toMs - fromMs);
            boolean all = tracker.awaitAllSeen(300_000);
            return new Interval(fromMs, toMs, achieved, all ? "" : ", " + tracker.pending() + " txns NOT SEEN after 5 min");
        }
    }

    /**
     * {@code table} alone at {@code changesPerSecond} (idle until now, so its first {@link #WAKE_UP_MS} are said apart as
     * for the busy tables), its rows' lag commit -> target, and commit -> record in Kafka: goal 4 compares the busy
     * tables with this, and the split says whether the source's or the sink's share is what differs.
     */
    private Lag oneTableLag(String table, double changesPerSecond, String bootstrapServers, String prefix) throws Exception {
        LagTracker alone = new LagTracker(1);
        LagTracker inKafka = new LagTracker(1);
        alone.alsoTo(inKafka);
        try (PacedWriter writer = new PacedWriter(source, List.of(table), ROWS_EACH, 0, 0, alone);
             KafkaArrivals arrivals = new KafkaArrivals(bootstrapServers, List.of(prefix + "." + table), inKafka)) {
            return busyLag(writer, alone, List.of(table), inKafka, changesPerSecond, 0);
        }
    }

    /** The source server's CPU seconds over one idle interval. */
    private double idleCpuSeconds() throws InterruptedException {
        Thread.sleep(5000); // let what came before settle
        ProcessCpu.Reading before = sourceCpu.read();
        Thread.sleep(seconds * 1000L);
        return sourceCpu.read().since(before, 0, "rows").totalSeconds();
    }

    /** Waits until every table of {@code copyDb} holds its rows. */
    private void awaitCopied(Connection dst, String copyDb) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
        for (String table : tables) {
            String copy = table.replace(db + ".", copyDb + ".");
            while (true) {
                try {
                    if (BenchTable.count(dst, copy) >= ROWS_EACH) {
                        break;
                    }
                } catch (SQLException notYet) {
                    // not created yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(copy + " not copied after 20 min");
                }
                Thread.sleep(500);
            }
        }
    }

    private static String arg(String[] args, int i, String fallback) {
        return args.length > i ? args[i] : fallback;
    }
}
