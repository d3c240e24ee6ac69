package io.matrixone.cdc.testing;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.connect.runtime.distributed.DistributedConfig;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/**
 * A real single-broker KRaft Kafka and real distributed Connect workers with REST, in this JVM,
 * with this project's connectors on the classpath (Kafka's {@link EmbeddedConnectCluster}).
 */
public final class ConnectClusterHarness implements AutoCloseable {

    private final EmbeddedConnectCluster cluster;

    private ConnectClusterHarness(EmbeddedConnectCluster cluster) {
        this.cluster = cluster;
    }

    /** Starts a cluster of one worker; {@code exactlyOnce} turns on KIP-618 exactly-once source support. */
    public static ConnectClusterHarness start(String name, boolean exactlyOnce) {
        return start(name, exactlyOnce, 1, Map.of());
    }

    /** Starts a cluster of {@code workers} workers, with {@code extraWorkerProps} on top of the defaults. */
    public static ConnectClusterHarness start(String name, boolean exactlyOnce, int workers, Map<String, String> extraWorkerProps) {
        Map<String, String> workerProps = workerProps(exactlyOnce);
        workerProps.putAll(extraWorkerProps);
        Properties brokerProps = brokerProps(exactlyOnce);
        EmbeddedConnectCluster cluster = new EmbeddedConnectCluster.Builder()
                .name(name)
                .numWorkers(workers)
                .numBrokers(1)
                .workerProps(workerProps)
                .brokerProps(brokerProps)
                .build();
        cluster.start();
        return new ConnectClusterHarness(cluster);
    }

    /** The broker settings every test and benchmark broker gets: topics are made on purpose, never by accident. */
    public static Properties brokerProps(boolean exactlyOnce) {
        Properties brokerProps = new Properties();
        brokerProps.put("auto.create.topics.enable", "false");
        if (exactlyOnce) {
            brokerProps.put("transaction.state.log.replication.factor", "1");
            brokerProps.put("transaction.state.log.min.isr", "1");
        }
        return brokerProps;
    }

    /** The worker settings every test and benchmark worker gets, on top of Connect's defaults. */
    public static Map<String, String> workerProps(boolean exactlyOnce) {
        Map<String, String> workerProps = new HashMap<>();
        workerProps.put(DistributedConfig.OFFSET_COMMIT_INTERVAL_MS_CONFIG, "1000");
        workerProps.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        workerProps.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        workerProps.put("listeners", "http://127.0.0.1:0");
        // mo-cdc keeps task passwords in files and gives the connectors ${file:<path>:<key>} references (--secrets-dir).
        workerProps.put("config.providers", "file");
        workerProps.put("config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider");
        if (exactlyOnce) {
            workerProps.put(DistributedConfig.EXACTLY_ONCE_SOURCE_SUPPORT_CONFIG, "enabled");
        }
        return workerProps;
    }

    public EmbeddedConnectCluster cluster() {
        return cluster;
    }

    /** Base URL of the worker's REST API, e.g. {@code http://127.0.0.1:41234/}. */
    public String restUrl() {
        return cluster.endpointForResource("").replaceAll("/+$", "");
    }

    @Override
    public void close() {
        cluster.stop();
    }
}
