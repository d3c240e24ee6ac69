package io.matrixone.cdc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.matrixone.cdc.common.ConnectionConfig;
import io.matrixone.cdc.common.MatrixOneUri;
import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.SnapshotProgress;
import io.matrixone.cdc.common.SourceOffsets;
import io.matrixone.cdc.common.TableStates;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code mo-cdc task show} prints for a task, in mo_cdc's shape and order: task-id, task-name,
 * source-uri, sink-uri (passwords masked), state, err-msg, checkpoint, timestamp.
 */
final class TaskView {

    private static final DateTimeFormatter MO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSSSS '+0000 UTC'")
            .withZone(ZoneOffset.UTC);

    private TaskView() {
    }

    static Map<String, String> of(ConnectRestClient connect, String task) {
        Map<String, String> sourceConfig = TaskSecrets.resolve(connect.config(TaskDefinition.sourceConnector(task)));
        Map<String, String> sinkConfig = TaskSecrets.resolve(connect.config(TaskDefinition.sinkConnector(task)));
        List<JsonNode> statuses = List.of(connect.status(TaskDefinition.sourceConnector(task)),
                connect.status(TaskDefinition.sinkConnector(task)));
        Map<String, String> view = new LinkedHashMap<>();
        view.put("task-id", sourceConfig.getOrDefault(TaskDefinition.TASK_ID, ""));
        view.put("task-name", task);
        view.put("source-uri", maskedUri(sourceConfig));
        view.put("sink-uri", maskedUri(sinkConfig));
        view.put("state", state(statuses));
        view.put("err-msg", error(statuses));
        view.put("checkpoint", checkpoint(connect.offsets(TaskDefinition.sourceConnector(task))));
        String created = sourceConfig.get(TaskDefinition.TASK_CREATED);
        view.put("timestamp", created == null ? "" : MO_TIME.format(Instant.parse(created)));
        return view;
    }

    /**
     * Each table's capture state, as the source connector keeps it on the source ({@link TableStates}), in the
     * checkpoint's text shape: {@code "db.t": capturing}, or {@code stopped: <reason>} for a table that cannot be
     * captured while the others go on. Says so when the source cannot be read.
     */
    static String tables(ConnectRestClient connect, String task) {
        Map<String, String> sourceConfig = TaskSecrets.resolve(connect.config(TaskDefinition.sourceConnector(task)));
        String uri = sourceConfig.get(ConnectionConfig.URI);
        if (uri == null || TaskSecrets.isReference(uri)) {
            return "";
        }
        String database = sourceConfig.getOrDefault("state.database", SnapshotProgress.DEFAULT_STATE_DATABASE);
        try (Connection conn = Connections.open(MatrixOneUri.parse(uri))) {
            StringBuilder text = new StringBuilder("{\n");
            TableStates.of(conn, database, TaskDefinition.sourceConnector(task)).forEach((table, state) ->
                    text.append("  \"").append(table).append("\": ").append(state).append(",\n"));
            return text.append('}').toString();
        } catch (SQLException | RuntimeException e) {
            return "unknown: the source cannot be read (" + e.getMessage() + ")";
        }
    }

    /**
     * Where each connector task runs and its state, in the checkpoint's text shape:
     * {@code "<task>-source/0": RUNNING on 127.0.0.1:8083}. On a cluster of several workers this shows how Connect
     * spread the tasks, and where a failed one ran.
     */
    static String workers(ConnectRestClient connect, String task) {
        StringBuilder text = new StringBuilder("{\n");
        for (String connector : List.of(TaskDefinition.sourceConnector(task), TaskDefinition.sinkConnector(task))) {
            for (JsonNode t : connect.status(connector).path("tasks")) {
                text.append("  \"").append(connector).append('/').append(t.path("id").asText()).append("\": ")
                        .append(t.path("state").asText()).append(" on ").append(t.path("worker_id").asText()).append(",\n");
            }
        }
        return text.append('}').toString();
    }

    /** The config's server with its password masked; a reference this machine could not resolve as it is. */
    static String maskedUri(Map<String, String> config) {
        String uri = config.get(ConnectionConfig.URI);
        if (TaskSecrets.isReference(uri)) {
            return uri;
        }
        return uri == null ? MatrixOneUri.maskPassword(config.getOrDefault(ConnectionConfig.URL, "")) : MatrixOneUri.parse(uri).masked();
    }

    /** running when every connector and task runs; failed when any failed; paused when any is paused or stopped. */
    static String state(List<JsonNode> statuses) {
        List<String> states = new ArrayList<>();
        for (JsonNode status : statuses) {
            states.add(status.path("connector").path("state").asText());
            status.path("tasks").forEach(t -> states.add(t.path("state").asText()));
        }
        if (states.contains("FAILED")) {
            return "failed";
        }
        if (states.contains("PAUSED") || states.contains("STOPPED")) {
            return "paused";
        }
        if (states.stream().allMatch("RUNNING"::equals) && statuses.stream().allMatch(s -> s.path("tasks").size() > 0)) {
            return "running";
        }
        return "starting";
    }

    /** The first failure, on one line: the exception message without its stack. */
    static String error(List<JsonNode> statuses) {
        for (JsonNode status : statuses) {
            if ("FAILED".equals(status.path("connector").path("state").asText())) {
                return summarize(status.path("connector").path("trace").asText());
            }
            for (JsonNode task : status.path("tasks")) {
                if ("FAILED".equals(task.path("state").asText())) {
                    return summarize(task.path("trace").asText());
                }
            }
        }
        return "";
    }

    /** The deepest "Caused by" of a Java trace (where the real reason is), else its first line; passwords masked. */
    static String summarize(String trace) {
        String reason = ConnectRestClient.firstLine(trace);
        for (String line : trace.split("\n")) {
            if (line.startsWith("Caused by: ")) {
                reason = line.substring("Caused by: ".length()).trim();
            }
        }
        int colon = reason.indexOf(": ");
        if (colon > 0 && reason.substring(0, colon).matches("[\\w.$]+(Exception|Error)")) {
            reason = reason.substring(colon + 2);
        }
        return reason.replaceAll("(mysql://[^:/@\\s]+:)[^@\\s]*@", "$1" + MatrixOneUri.MASK + "@");
    }

    /** mo_cdc's checkpoint text: one line per table with its committed source time. */
    static String checkpoint(JsonNode offsets) {
        Map<String, String> tables = new TreeMap<>();
        for (JsonNode item : offsets.path("offsets")) {
            JsonNode partition = item.path("partition");
            JsonNode offset = item.path("offset");
            String table = partition.path(SourceOffsets.PARTITION_DB).asText() + "." + partition.path(SourceOffsets.PARTITION_TABLE).asText();
            long ts = offset.path(SourceOffsets.TS).asLong();
            String phase = offset.path(SourceOffsets.PHASE).asText();
            String when = MO_TIME.format(Instant.ofEpochSecond(0, ts));
            tables.put(table, SourceOffsets.PHASE_STREAM.equals(phase) ? when : when + " (" + phase + ")");
        }
        StringBuilder text = new StringBuilder("{\n");
        tables.forEach((table, when) -> text.append("  \"").append(table).append("\": ").append(when).append(",\n"));
        return text.append('}').toString();
    }
}
