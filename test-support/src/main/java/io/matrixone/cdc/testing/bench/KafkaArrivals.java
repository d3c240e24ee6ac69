package io.matrixone.cdc.testing.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reports the newest {@code seq} each change record of a mo-cdc topic carries (JSON with schemas, Debezium envelope:
 * {@code payload.after.seq}) to a {@link LagTracker}, with the wall clock at which the consumer received it: the lag
 * from the writer's commit to the record in Kafka, i.e. the source connector's share of the end-to-end lag (the rest
 * is the sink's). One table per tracker index, one topic each; reads from the topic's end.
 */
public final class KafkaArrivals implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    public KafkaArrivals(String bootstrapServers, List<String> topics, LagTracker tracker) {
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.GROUP_ID_CONFIG, "bench-arrivals-" + System.nanoTime()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(topics);
        thread = new Thread(() -> run(topics, tracker), "kafka arrivals");
        thread.setDaemon(true);
        thread.start();
    }

    private void run(List<String> topics, LagTracker tracker) {
        long[] seen = new long[topics.size()];
        try {
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                long now = Bench.wallNanos();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    int table = topics.indexOf(record.topic());
                    seen[table] = Math.max(seen[table], seqOf(record.value()));
                }
                for (int i = 0; i < seen.length; i++) {
                    tracker.observe(i, seen[i], now);
                }
            }
        } catch (WakeupException closing) {
            // close() woke the consumer
        } finally {
            consumer.close();
        }
    }

    /** The record's after.seq, or 0 (a delete, a tombstone, a table event). */
    private static long seqOf(byte[] value) {
        if (value == null) {
            return 0;
        }
        try {
            JsonNode seq = JSON.readTree(value).path("payload").path("after").path("seq");
            return seq.isNumber() ? seq.asLong() : 0;
        } catch (IOException notJson) {
            return 0;
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join();
    }
}
