package io.matrixone.cdc.testing.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 *
 * <p>It runs in the worker's JVM on the same two cores as everything measured, so it reads as little as it can: it
 * skips the record's embedded schema unparsed and streams the payload up to {@code after.seq}. Parsing each whole
 * record into a tree took 30% of the JVM's sampled CPU while ten busy tables ran (JFR, bench-tables.sh).
 */
public final class KafkaArrivals implements AutoCloseable {

    private static final JsonFactory JSON = new JsonFactory();
    /** Where the payload starts in JsonConverter's compact output ({"schema":{...},"payload":{...}}). */
    private static final byte[] PAYLOAD = "\"payload\":".getBytes(StandardCharsets.US_ASCII);

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

    /**
     * The record's after.seq (a Debezium envelope) or seq (envelope=flat: the row itself), or 0 (a delete, a tombstone,
     * a table event).
     */
    static long seqOf(byte[] value) {
        int payload = value == null ? -1 : indexOf(value, PAYLOAD);
        if (payload < 0) {
            return 0;
        }
        int start = payload + PAYLOAD.length;
        try (JsonParser parser = JSON.createParser(value, start, value.length - start)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return 0;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken token = parser.nextToken();
                if (name.equals("seq")) {
                    return token == JsonToken.VALUE_NUMBER_INT ? parser.getLongValue() : 0;
                }
                if (name.equals("after")) {
                    return token == JsonToken.START_OBJECT && enterField(parser, "seq")
                            && parser.currentToken() == JsonToken.VALUE_NUMBER_INT ? parser.getLongValue() : 0;
                }
                parser.skipChildren();
            }
            return 0;
        } catch (IOException notJson) {
            return 0;
        }
    }

    /** Moves the parser, inside an object, to the value of its field {@code name}; false when it has none. */
    private static boolean enterField(JsonParser parser, String name) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            boolean found = name.equals(parser.currentName());
            parser.nextToken();
            if (found) {
                return true;
            }
            parser.skipChildren();
        }
        return false;
    }

    private static int indexOf(byte[] bytes, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= bytes.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (bytes[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join();
    }
}
