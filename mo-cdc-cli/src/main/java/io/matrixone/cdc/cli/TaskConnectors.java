package io.matrixone.cdc.cli;

import java.util.Map;

/**
 * A task's two connector configs as Connect keeps them (URI references unresolved), read once per command: what
 * {@link TaskView}, {@link TaskServers} and {@link TaskTopics} work from.
 */
record TaskConnectors(String task, Map<String, String> source, Map<String, String> sink) {

    static TaskConnectors of(ConnectRestClient connect, String task) {
        return new TaskConnectors(task, connect.config(TaskDefinition.sourceConnector(task)),
                connect.config(TaskDefinition.sinkConnector(task)));
    }

    String sourceConnector() {
        return TaskDefinition.sourceConnector(task);
    }

    String sinkConnector() {
        return TaskDefinition.sinkConnector(task);
    }
}
