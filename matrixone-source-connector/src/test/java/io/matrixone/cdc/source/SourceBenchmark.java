package io.matrixone.cdc.source;

import static io.matrixone.cdc.testing.Sql.exec;

import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneUri;
import io.matrixone.cdc.testing.ConnectClusterHarness;
import io.matrixone.cdc.testing.ConnectJson;
import io.matrixone.cdc.testing.Sql;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
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
 * Source throughput and latency on the real source MatrixOne through a real Connect worker:
 * snapshot rows/s for N rows, then streaming lag (row committed by the client -> record read from the
 * topic) p50/p99 for single-row inserts at a steady rate. Run with scripts/bench-source.sh.
 */
public final class SourceBenchmark {

    public static void main(String[] args) throws Exception {
        int rows = Integer.parseInt(args.length > 0 ? args[0] : "100000");
        int streamed = Integer.parseInt(args.length > 1 ? args[1] : "200");
        int perSecond = Integer.parseInt(args.length > 2 ? args[2] : "20");
        MatrixOneUri source = MatrixOneUri.parse(args.length > 3 ? args[3] : "mysql://root:111@127.0.0.1:6001");
        String db = Sql.uniqueDatabase("srcbench");
        try (Connection sql = Connections.open(source); ConnectClusterHarness connect = ConnectClusterHarness.start("source-bench", false)) {
            exec(sql, "create database " + db, "create pitr " + db + "_pitr for database " + db + " range 1 'h'",
                    "create table " + db + ".b (id bigint primary key, v varchar(100), created_ns bigint)");
            for (int from = 1; from <= rows; from += 100_000) {
                int to = Math.min(rows, from + 99_999);
                exec(sql, "insert into " + db + ".b select result, concat('value ', result), 0 from generate_series(" + from + ", " + to + ") g");
            }
            // Snapshot time is the server clock minus the 1 s window lag: wait so the rows are in the snapshot (op r),
            // not read by the first DATA BRANCH DIFF window.
            Thread.sleep(3000);
            EmbeddedConnectCluster cluster = connect.cluster();
            Map<String, String> config = new HashMap<>(ConnectJson.CONVERTER_CONFIG);
            config.put("connector.class", MatrixOneSourceConnector.class.getName());
            config.put("tasks.max", "1");
            config.put("connection.uri", source.unmasked());
            config.put("topic.prefix", "bench");
            config.put("tables", db + ".b");
            config.put("poll.interval.ms", "200");
            config.put("envelope", "flat");
            config.put("topic.creation.default.replication.factor", "1");
            config.put("topic.creation.default.partitions", "1");
            String topic = "bench." + db + ".b";
            long start = System.nanoTime();
            cluster.configureConnector("bench-src", config);
            try (KafkaConsumer<byte[], byte[]> consumer = consumer(cluster, topic)) {
                int read = 0;
                while (read < rows) {
                    read += consumer.poll(Duration.ofMillis(500)).count();
                    if (System.nanoTime() - start > Duration.ofMinutes(30).toNanos()) {
                        throw new IllegalStateException("snapshot read only " + read + " of " + rows + " rows in 30 minutes");
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("snapshot: %d rows in %.1f s = %.0f rows/s (connector start to last record read)%n", rows, seconds, rows / seconds);

                List<Long> lagsMs = new ArrayList<>();
                long interval = 1_000_000_000L / perSecond;
                long next = System.nanoTime();
                for (int i = 1; i <= streamed; i++) {
                    exec(sql, "insert into " + db + ".b values (" + (rows + i) + ", 'streamed', " + nowNanos() + ")");
                    next += interval;
                    while (System.nanoTime() < next) {
                        collect(consumer.poll(Duration.ofMillis(Math.max(1, (next - System.nanoTime()) / 1_000_000))), lagsMs);
                    }
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (lagsMs.size() < streamed && System.nanoTime() < deadline) {
                    collect(consumer.poll(Duration.ofMillis(200)), lagsMs);
                }
                Collections.sort(lagsMs);
                System.out.printf("streaming: %d single-row inserts at %d/s, lag commit -> topic p50 %d ms, p99 %d ms, max %d ms "
                                + "(poll.interval.ms=200, window lag 1000 ms)%n", lagsMs.size(), perSecond,
                        percentile(lagsMs, 50), percentile(lagsMs, 99), lagsMs.get(lagsMs.size() - 1));
            }
            cluster.deleteConnector("bench-src");
        } finally {
            try (Connection sql = Connections.open(source)) {
                exec(sql, "drop pitr if exists " + db + "_pitr", "drop database if exists " + db);
            }
        }
    }

    private static void collect(Iterable<ConsumerRecord<byte[], byte[]>> records, List<Long> lagsMs) {
        long now = nowNanos();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            if (record.value() != null) {
                Struct row = (Struct) ConnectJson.readValue(record.value()).value();
                long created = row.getInt64("created_ns");
                if (created > 0) {
                    lagsMs.add((now - created) / 1_000_000L);
                }
            }
        }
    }

    private static long percentile(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static long nowNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private static KafkaConsumer<byte[], byte[]> consumer(EmbeddedConnectCluster cluster, String topic) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        return cluster.kafka().createConsumerAndSubscribeTo(props, topic);
    }
}
