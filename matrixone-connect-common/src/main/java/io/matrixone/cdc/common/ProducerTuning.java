package io.matrixone.cdc.common;

import java.util.Map;

/**
 * The Kafka producer settings a source connector's records travel fastest with, as connector-level overrides
 * (KIP-458; Connect allows them by default since Kafka 3.0). Records in JSON with embedded schemas repeat the same
 * schema text in every record: lz4 shrinks them several times over, so a snapshot is no longer held up waiting for
 * space in the producer's buffer (the snapshot's bottleneck in thread dumps), and larger batches with a few
 * milliseconds of linger send them in fewer requests.
 */
public final class ProducerTuning {

    public static final Map<String, String> OVERRIDES = Map.of(
            "producer.override.compression.type", "lz4",
            "producer.override.linger.ms", "5",
            "producer.override.batch.size", "262144");

    private ProducerTuning() {
    }
}
