package io.matrixone.cdc.common;

import java.util.Map;
import org.apache.kafka.connect.storage.StringConverter;

/**
 * The Kafka client settings mo-cdc's connectors run fastest with, as connector-level overrides (KIP-458; Connect
 * allows them by default since Kafka 3.0), their header converter, and the record format of mo-cdc's tasks. mo-cdc
 * puts them in every task it creates; config/*.properties carry the same lines for connectors made by hand.
 */
public final class ClientTuning {

    /**
     * The source's {@code envelope} in the tasks mo-cdc creates (task create --envelope): flat rows. A Debezium envelope
     * carries the row's schema twice and a source block, about three times a flat record's bytes, and the worker
     * writes, compresses, copies and parses every byte: in bench-pipeline (worker at 512 MiB, 400,000 rows, two pairs
     * of runs) flat records cut the allocation per copied row from 21 KB to 14 and the worker's CPU by a quarter, and
     * the copy ran 12-27% faster (1,000,000 rows, twenty-third session: 1.02x-1.18x the built-in CDC's rate against
     * 0.86x). The streaming lag that looked three times as long after a flat copy was the benchmark's poller, whose
     * scans of the freshly copied target table were slow until MatrixOne merged its objects (README, Benchmarks). The
     * connector's own default stays the Debezium envelope, the format other consumers of a hand-made pipeline expect.
     */
    public static final String ENVELOPE = "flat";

    /**
     * mo-cdc's record headers are text (table names, a source time). Connect's default SimpleHeaderConverter parses
     * each header of each record as a possible number, list or map before the sink sees it (9% of the sink task's CPU
     * in a copy's profile); StringConverter writes the same bytes and reads them back as the text they are.
     */
    private static final String HEADER_CONVERTER = "header.converter";

    /**
     * The source's producer. Records in JSON with embedded schemas repeat the same schema text in every record: lz4
     * shrinks them several times over, so a snapshot no longer waits for space in the producer's buffer (where thread
     * dumps found it), and larger batches with a few milliseconds of linger go out in fewer requests.
     */
    public static final Map<String, String> SOURCE = Map.of(
            HEADER_CONVERTER, StringConverter.class.getName(),
            "producer.override.compression.type", "lz4",
            "producer.override.linger.ms", "5",
            "producer.override.batch.size", "262144");

    /**
     * The sink's consumer. Each put() is one transaction on the target, and MatrixOne writes a 3,000-row statement
     * about 2.5 times faster per row than a 500-row one (Kafka's default max.poll.records): a snapshot copied in
     * 500-row puts ran at a third of the built-in CDC's rate.
     */
    public static final Map<String, String> SINK = Map.of(
            HEADER_CONVERTER, StringConverter.class.getName(),
            "consumer.override.max.poll.records", "6000");

    private ClientTuning() {
    }
}
