package io.matrixone.cdc.cli;

import io.matrixone.cdc.common.AppliedPositions;
import io.matrixone.cdc.common.ConnectionConfig;
import io.matrixone.cdc.common.MatrixOneUri;
import io.matrixone.cdc.common.SnapshotProgress;
import io.matrixone.cdc.common.SourceStateTables;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/**
 * Where a task's state lives, from its two connector configs: the source server and its state database (table
 * states), the target server and its applied-position database. URI references are resolved here when this machine
 * can read them ({@link TaskSecrets}).
 */
record TaskServers(MatrixOneUri source, String stateDatabase, String sourceConnector, MatrixOneUri target, String appliedDatabase,
                   String sinkConnector, boolean targetIsMatrixOne) {

    static TaskServers of(ConnectRestClient connect, String task) {
        return of(TaskConnectors.of(connect, task));
    }

    static TaskServers of(TaskConnectors connectors) {
        Map<String, String> source = TaskSecrets.resolve(connectors.source());
        Map<String, String> sink = TaskSecrets.resolve(connectors.sink());
        return new TaskServers(server(source, "source"), source.getOrDefault(SourceStateTables.DATABASE_CONFIG, SnapshotProgress.DEFAULT_STATE_DATABASE),
                connectors.sourceConnector(), server(sink, "sink"),
                sink.getOrDefault(AppliedPositions.DATABASE_CONFIG, AppliedPositions.DEFAULT_DATABASE), connectors.sinkConnector(),
                "matrixone".equalsIgnoreCase(sink.getOrDefault(TaskDefinition.SINK_DIALECT, "matrixone")));
    }

    private static MatrixOneUri server(Map<String, String> config, String side) {
        try {
            return ConnectionConfig.server(config);
        } catch (ConfigException e) {
            String value = config.get(ConnectionConfig.URI);
            throw new CliException("cannot read the task's " + side + " server: " + (TaskSecrets.isReference(value)
                    ? "its URI is in " + value + ", which this machine cannot read" : e.getMessage()));
        }
    }
}
