package io.matrixone.cdc.source;

import static io.matrixone.cdc.testing.Sql.exec;

import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneUri;
import io.matrixone.cdc.testing.ConnectClusterHarness;
import io.matrixone.cdc.testing.ConnectJson;
import io.matrixone.cdc.testing.Sql;
import io.matrixone.cdc.testing.bench.Bench;
import io.matrixone.cdc.testing.bench.BenchConnectors;
import io.matrixone.cdc.testing.bench.BenchTable;
import io.matrixone.cdc.testing.bench.BuiltinCdc;
import io.matrixone.cdc.testing.bench.LagTracker;
import io.matrixone.cdc.testing.bench.PacedWriter;
import io.matrixone.cdc.testing.bench.TargetPoller;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/**
 * The source connector on the real source MatrixOne through a real Connect worker, beside MatrixOne's
 * built-in CDC ({@code create cdc}) on the same table in the same run:
 * <ol>
 * <li>connector snapshot: rows/s of an N-row table, connector start to the last record read from the topic;
 * <li>built-in CDC full copy of the same table to the target server: task creation to target count = source;
 * <li>built-in CDC streaming at a steady rate ({@link PacedWriter}: inserts, updates, deletes):
 *     lag commit -> row visible on the target ({@link TargetPoller}, every 100 ms);
 * <li>connector streaming (a new connector from a start.ts, no snapshot) at the same rate:
 *     lag commit -> record read from the topic.
 * </ol>
 * Lags are per writer transaction ({@link LagTracker}). Nothing is asserted: it prints figures.
 * Run with scripts/bench-source.sh.
 */
public final class SourceBenchmark {

    private static final long TARGET_POLL_MS = 100;

    private SourceBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long rows = Long.parseLong(arg(args, 0, "1000000"));
        double rate = Double.parseDouble(arg(args, 1, "2000"));
        int seconds = Integer.parseInt(arg(args, 2, "60"));
        MatrixOneUri source = MatrixOneUri.parse(arg(args, 3, "mysql://root:111@127.0.0.1:6001"));
        MatrixOneUri target = MatrixOneUri.parse(arg(args, 4, "mysql://root:111@127.0.0.1:6002"));
        String db = Sql.uniqueDatabase("srcbench");
        String table = db + ".b";
        String copy = db + "_bi.b";
        System.out.printf("rows=%,d rate=%,.0f changes/s stream=%d s (%s)%n", rows, rate, seconds, Bench.load());
        try (Connection sql = Connections.open(source); ConnectClusterHarness connect = ConnectClusterHarness.start("source-bench", false)) {
            exec(sql, "create database " + db, "create pitr " + db + "_pitr for database " + db + " range 1 'h'");
            long loadStart = System.nanoTime();
            BenchTable.create(sql, table, rows);
            System.out.printf("loaded %,d rows in %.1f s (insert ... select generate_series)%n", rows, (System.nanoTime() - loadStart) / 1e9);
            // The snapshot time is the fenced horizon (server time minus window.lag.ms): wait so the rows are in it.
            Thread.sleep(3000);
            EmbeddedConnectCluster cluster = connect.cluster();

            // 1. connector snapshot
            String topic = "bench." + table;
            cluster.kafka().createTopic(topic, 1);
            long start = System.nanoTime();
            cluster.configureConnector("bench-snapshot", connector(source, "bench", table, Map.of()));
            try (KafkaConsumer<byte[], byte[]> consumer = consumer(cluster, topic)) {
                long read = 0;
                while (read < rows) {
                    read += consumer.poll(Duration.ofMillis(500)).count();
                    if (System.nanoTime() - start > Duration.ofMinutes(30).toNanos()) {
                        throw new IllegalStateException("snapshot read only " + read + " of " + rows + " rows in 30 minutes");
                    }
                }
                double s = (System.nanoTime() - start) / 1e9;
                System.out.printf("connector snapshot: %,d rows in %.1f s = %,.0f rows/s (connector start to last record read; %s)%n",
                        rows, s, rows / s, Bench.load());
            }
            cluster.deleteConnector("bench-snapshot");

            // 2. built-in CDC full copy
            try (Connection dst = Connections.open(target)) {
                exec(dst, "create database " + db + "_bi");
            }
            LagTracker tracker = new LagTracker(1);
            try (PacedWriter writer = new PacedWriter(source, List.of(table), rows, 0, 0, tracker)) {
                try (BuiltinCdc builtin = BuiltinCdc.create(source, target, db.replace("srcbench", "bi"), table + ":" + copy)) {
                    start = System.nanoTime();
                    awaitCount(target, copy, rows, builtin);
                    double s = (System.nanoTime() - start) / 1e9;
                    System.out.printf("built-in CDC full copy: %,d rows in %.1f s = %,.0f rows/s (create cdc to target count = source,"
                            + " polled every 1 s; includes the task's start; %s)%n", rows, s, rows / s, Bench.load());

                    // 3. built-in CDC streaming
                    try (TargetPoller poller = new TargetPoller(target, List.of(copy), TARGET_POLL_MS, tracker)) {
                        Phase phase = Phase.run(writer, rate, tracker, seconds, () -> Thread.sleep(200));
                        System.out.printf("built-in CDC streaming: %s, lag commit -> row visible on target %s (%s)%n",
                                phase.rate(), phase.lags(), Bench.load());
                    }
                    try (Connection src = Connections.open(source); Connection dst = Connections.open(target)) {
                        awaitSame(src, dst, table, copy);
                    }
                }
                // 4. connector streaming from now (no snapshot), same writer, same rate; the built-in task is gone
                long startTs = Sql.serverNowNanos(sql);
                String streamTopic = "stream." + table;
                cluster.kafka().createTopic(streamTopic, 1);
                cluster.configureConnector("bench-stream", connector(source, "stream", table,
                        Map.of("snapshot.mode", "never", "start.ts", Long.toString(startTs))));
                try (KafkaConsumer<byte[], byte[]> consumer = consumer(cluster, streamTopic)) {
                    Phase phase = Phase.run(writer, rate, tracker, seconds, () -> observe(consumer, tracker));
                    System.out.printf("connector streaming: %s, lag commit -> record read from the topic %s "
                            + "(window.size.ms=1000, window.lag.ms=500, poll.interval.ms=1000: the defaults; %s)%n",
                            phase.rate(), phase.lags(), Bench.load());
                }
                cluster.deleteConnector("bench-stream");
            } finally {
                try (Connection dst = Connections.open(target)) {
                    exec(dst, "drop database if exists " + db + "_bi");
                }
            }
        } finally {
            try (Connection sql = Connections.open(source)) {
                exec(sql, "drop pitr if exists " + db + "_pitr", "drop database if exists " + db);
            }
        }
    }

    /** What a phase waits on between writes: reading the topic, or just sleeping while a poller reads. */
    interface Reader {
        void read() throws Exception;
    }

    /** One streaming phase: the writer at its rate for some seconds, then until every transaction was seen. */
    record Phase(String rate, String lags) {
        static Phase run(PacedWriter writer, double rate, LagTracker tracker, int seconds, Reader reader) throws Exception {
            writer.rate(rate);
            long changes = writer.changes();
            long txns = writer.transactions();
            long fromMs = System.currentTimeMillis();
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            while (System.nanoTime() < end) {
                reader.read();
            }
            long toMs = System.currentTimeMillis();
            double achieved = (writer.changes() - changes) * 1000.0 / (toMs - fromMs);
            double txnRate = (writer.transactions() - txns) * 1000.0 / (toMs - fromMs);
            writer.rate(0);
            long drainEnd = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (tracker.pending() > 0 && System.nanoTime() < drainEnd) {
                reader.read();
            }
            String unseen = tracker.pending() > 0 ? ", " + tracker.pending() + " transactions NOT SEEN after 5 min" : "";
            return new Phase(String.format("%,.0f changes/s achieved in %,.0f txns/s for %d s%s", achieved, txnRate, seconds, unseen),
                    Bench.lagSummary(tracker.lagsCommittedBetween(fromMs, toMs)));
        }
    }

    private static void observe(KafkaConsumer<byte[], byte[]> consumer, LagTracker tracker) {
        long max = -1;
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
            if (record.value() != null) {
                max = Math.max(max, ((Struct) ConnectJson.readValue(record.value()).value()).getInt64("seq"));
            }
        }
        if (max >= 0) {
            tracker.observe(0, max, Bench.wallNanos());
        }
    }

    private static void awaitCount(MatrixOneUri target, String table, long rows, BuiltinCdc builtin) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        long count = -1;
        while (count < rows) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(table + " has " + count + " of " + rows + " rows after 30 min: " + builtin.show());
            }
            Thread.sleep(1000);
            try (Connection dst = Connections.open(target)) {
                count = BenchTable.count(dst, table);
            } catch (java.sql.SQLException notYet) {
                count = -1; // the task has not created the table yet
            }
        }
    }

    private static void awaitSame(Connection src, Connection dst, String table, String copy) throws Exception {
        String expected = BenchTable.checksum(src, table);
        String actual = BenchTable.checksum(dst, copy);
        for (int i = 0; i < 60 && !expected.equals(actual); i++) {
            Thread.sleep(1000);
            actual = BenchTable.checksum(dst, copy);
        }
        System.out.printf("built-in CDC copy %s source (count:checksum %s / %s)%n", expected.equals(actual) ? "equals" : "DIFFERS FROM",
                actual, expected);
    }

    private static Map<String, String> connector(MatrixOneUri source, String prefix, String table, Map<String, String> extra) {
        Map<String, String> config = BenchConnectors.source(source, prefix, table);
        config.put("envelope", "flat");
        config.putAll(extra);
        return config;
    }

    private static String arg(String[] args, int i, String fallback) {
        return args.length > i ? args[i] : fallback;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(EmbeddedConnectCluster cluster, String topic) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        return cluster.kafka().createConsumerAndSubscribeTo(props, topic);
    }
}
