package io.matrixone.cdc.testing.bench;

import io.matrixone.cdc.common.MatrixOneUri;
import io.matrixone.cdc.common.ClientTuning;
import io.matrixone.cdc.testing.ConnectJson;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmarks' connector settings: the connectors' defaults, Connect's JSON converter with schemas, and the
 * Kafka client settings and record format mo-cdc gives the connectors it creates.
 */
public final class BenchConnectors {

    /**
     * A system property of source settings that replace the defaults, {@code key=value,key=value} (BENCH_JAVA_OPTS=
     * -Dbench.source.config=idle.reads.per.second=5): to compare a setting against the default in one session.
     */
    public static final String SOURCE_OVERRIDES = "bench.source.config";
    /** The same for the sink (-Dbench.sink.config=consumer.override.max.poll.records=3000). */
    public static final String SINK_OVERRIDES = "bench.sink.config";

    private BenchConnectors() {
    }

    static Map<String, String> overrides(String property) {
        String text = System.getProperty(property, "");
        Map<String, String> settings = new HashMap<>();
        for (String pair : text.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(property + ": '" + pair + "' is not key=value");
            }
            settings.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return settings;
    }

    /** A source for {@code tables} (comma separated) writing one-partition topics {@code <prefix>.<db>.<table>}. */
    public static Map<String, String> source(MatrixOneUri server, String prefix, String tables) {
        Map<String, String> config = new HashMap<>(ConnectJson.CONVERTER_CONFIG);
        config.putAll(Map.of("connector.class", "io.matrixone.cdc.source.MatrixOneSourceConnector", "tasks.max", "1",
                "connection.uri", server.unmasked(), "topic.prefix", prefix, "tables", tables,
                "topic.creation.default.replication.factor", "1", "topic.creation.default.partitions", "1"));
        config.putAll(ClientTuning.SOURCE);
        config.put("envelope", ClientTuning.ENVELOPE); // as in the tasks mo-cdc creates
        config.putAll(overrides(SOURCE_OVERRIDES));
        return config;
    }

    /** A sink of {@code topics} into the same database and table names on {@code server}. */
    public static Map<String, String> sink(MatrixOneUri server, List<String> topics) {
        return sink(server, topics, 1);
    }

    /** The same with {@code tasks} tasks, unless {@value #SINK_OVERRIDES} sets tasks.max. */
    public static Map<String, String> sink(MatrixOneUri server, List<String> topics, int tasks) {
        Map<String, String> config = new HashMap<>(ConnectJson.CONVERTER_CONFIG);
        config.putAll(Map.of("connector.class", "io.matrixone.cdc.sink.MatrixOneSinkConnector", "tasks.max", String.valueOf(tasks),
                "connection.uri", server.unmasked(), "topics", String.join(",", topics)));
        config.putAll(ClientTuning.SINK);
        config.putAll(overrides(SINK_OVERRIDES));
        return config;
    }
}
