package io.matrixone.cdc.source;

import static io.matrixone.cdc.testing.Sql.exec;
import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.common.MatrixOneUri;
import io.matrixone.cdc.testing.CdcDatabases;
import io.matrixone.cdc.testing.ConnectClusterHarness;
import io.matrixone.cdc.testing.ConnectJson;
import io.matrixone.cdc.testing.ExactlyOnceWorker;
import io.matrixone.cdc.testing.MatrixOnePipelineExtension;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * KIP-618 exactly-once: with transaction.boundary=connector each window is one Kafka transaction, and a
 * read_committed consumer sees every change exactly once across a stop and resume mid-stream.
 */
@ExtendWith(MatrixOnePipelineExtension.class)
@ExactlyOnceWorker
class MatrixOneSourceExactlyOnceIT {

    private static MatrixOneUri source;
    private static Connection sql;
    private static ConnectClusterHarness connect;
    private static EmbeddedConnectCluster cluster;
    private static String db;

    @BeforeAll
    static void start(CdcDatabases dbs, ConnectClusterHarness harness) {
        source = dbs.source;
        sql = dbs.src;
        db = dbs.srcDb;
        connect = harness;
        cluster = harness.cluster();
    }

    @Test
    void everyChangeExactlyOnceAcrossAStopMidStream() throws Exception {
        exec(sql, "create table " + db + ".eo (id int primary key, v varchar(20))",
                "insert into " + db + ".eo values (1, 'a'), (2, 'b'), (3, 'c')");
        Map<String, String> config = new HashMap<>(ConnectJson.CONVERTER_CONFIG);
        config.put("name", "eos-src");
        config.put("connector.class", MatrixOneSourceConnector.class.getName());
        config.put("tasks.max", "1");
        config.put("connection.uri", source.unmasked());
        config.put("topic.prefix", "eos");
        config.put("tables", db + ".eo");
        config.put("poll.interval.ms", "300");
        config.put("exactly.once.support", "required");
        config.put("transaction.boundary", "connector");
        config.put("topic.creation.default.replication.factor", "1");
        config.put("topic.creation.default.partitions", "1");
        cluster.configureConnector("eos-src", config);
        cluster.assertions().assertConnectorAndAtLeastNumTasksAreRunning("eos-src", 1, "source did not start");
        String topic = "eos." + db + ".eo";

        try (KafkaConsumer<byte[], byte[]> consumer = readCommitted(topic)) {
            List<String> seen = new ArrayList<>();
            readUntil(consumer, seen, 3);

            // One statement, one source transaction: all 50 rows become visible together.
            exec(sql, "insert into " + db + ".eo select result, 'bulk' from generate_series(4, 53) g");
            readUntil(consumer, seen, 53);

            cluster.stopConnector("eos-src");
            // The stop request returns before the task has stopped: a task still polling would read the changes
            // below itself, and the resumed task's metrics (checked at the end) would not count them.
            cluster.assertions().assertConnectorIsStopped("eos-src", "source did not stop");
            exec(sql, "insert into " + db + ".eo values (54, 'while stopped')",
                    "update " + db + ".eo set v = 'changed' where id = 1",
                    "delete from " + db + ".eo where id = 2");
            cluster.resumeConnector("eos-src");
            readUntil(consumer, seen, 57);
            // Let a few more windows pass: nothing is delivered twice.
            Thread.sleep(4000);
            readUntil(consumer, seen, 57);

            assertThat(seen).hasSize(57).doesNotHaveDuplicates()
                    .contains("c 54", "u 1", "d 2", "tombstone 2", "c 4", "c 53");
            assertThat(seen.subList(0, 3)).allMatch(e -> e.matches("[rc] [123]"));

            // The task's JMX metrics (the worker runs in this JVM) count what the resumed task read.
            MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
            Set<ObjectName> names = jmx.queryNames(new ObjectName("io.matrixone.cdc:type=source-task-metrics,connector=\"eos-src\",*"), null);
            assertThat(names).hasSize(1);
            ObjectName metrics = names.iterator().next();
            assertThat((Long) jmx.getAttribute(metrics, "StreamInserts")).isGreaterThanOrEqualTo(1);
            assertThat((Long) jmx.getAttribute(metrics, "StreamUpdates")).isGreaterThanOrEqualTo(1);
            assertThat((Long) jmx.getAttribute(metrics, "StreamDeletes")).isGreaterThanOrEqualTo(1);
            assertThat((Long) jmx.getAttribute(metrics, "Windows")).isGreaterThanOrEqualTo(1);
            // Window ends trail the server clock by about a poll interval (an idle table's), never ahead of it.
            assertThat((Long) jmx.getAttribute(metrics, "LagMs")).isBetween(0L, 30_000L);
        }
        cluster.deleteConnector("eos-src");
    }

    private static KafkaConsumer<byte[], byte[]> readCommitted(String topic) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "eos-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return cluster.kafka().createConsumerAndSubscribeTo(props, topic);
    }

    /** Polls (at most 90 s) until {@code seen} holds at least {@code count} events, plus whatever else is committed. */
    private static void readUntil(KafkaConsumer<byte[], byte[]> consumer, List<String> seen, int count) {
        long deadline = System.currentTimeMillis() + 90_000;
        do {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                Struct key = (Struct) ConnectJson.readKey(record.key()).value();
                if (record.value() == null) {
                    seen.add("tombstone " + key.get("id"));
                } else {
                    Struct value = (Struct) ConnectJson.readValue(record.value()).value();
                    seen.add(value.getString("op") + " " + key.get("id"));
                }
            }
        } while (seen.size() < count && System.currentTimeMillis() < deadline);
        assertThat(seen.size()).as("events read so far: %s", seen).isGreaterThanOrEqualTo(count);
    }
}
