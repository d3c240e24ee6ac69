package io.matrixone.cdc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.matrixone.cdc.common.AppliedPositions;
import io.matrixone.cdc.common.ConnectionConfig;
import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneUri;
import io.matrixone.cdc.common.ServerClock;
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
        return of(connect, TaskConnectors.of(connect, task));
    }

    static Map<String, String> of(ConnectRestClient connect, TaskConnectors connectors) {
        String task = connectors.task();
        Map<String, String> sourceConfig = TaskSecrets.resolve(connectors.source());
        Map<String, String> sinkConfig = TaskSecrets.resolve(connectors.sink());
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
    static String tables(TaskConnectors connectors) {
        try {
            TaskServers servers = TaskServers.of(connectors);
            try (Connection conn = Connections.open(servers.source())) {
                Map<String, String> states = new TreeMap<>();
                TableStates.of(conn, servers.stateDatabase(), servers.sourceConnector()).forEach((table, state) ->
                        states.put(table, state.toString()));
                return perTable(states);
            }
        } catch (SQLException | RuntimeException e) {
            return "unknown: the source cannot be read (" + e.getMessage() + ")";
        }
    }

    /**
     * mo_cdc's meaning of the checkpoint: how far the target is. The source connector's committed offsets (how far
     * changes reached Kafka) move to {@code kafka-checkpoint}; {@code checkpoint} becomes each table's applied
     * position, the source time up to which the target table is complete (kept by the sink on the target, in the
     * transaction of the rows), and {@code lag} the source server's time minus it.
     *
     * <p>An idle table's applied position is that of its last change, though the target is complete up to the
     * source's checkpoint when the sink has applied everything in the table's topic. Read in this order, that is
     * exact: the committed checkpoint C (every record of the table up to C is in Kafka then), the topic's end offset
     * E, then the applied position: applied up to offset E - 1, whole, means complete up to C. Needs the brokers
     * ({@code bootstrap}); without them the applied position is shown as it is.
     */
    static void putAppliedPositions(Map<String, String> view, ConnectRestClient connect, TaskConnectors connectors, String bootstrap) {
        view.put("kafka-checkpoint", view.get("checkpoint"));
        try {
            TaskServers servers = TaskServers.of(connectors);
            Map<String, Long> committed = committedStreamTimes(connect.offsets(servers.sourceConnector()));
            TaskTopics topics = TaskTopics.of(connectors.task(), connectors.source());
            Map<String, Long> ends = endOffsets(topics, bootstrap, committed.keySet());
            Map<String, AppliedPositions.Position> positions;
            try (Connection target = Connections.open(servers.target())) {
                positions = AppliedPositions.of(target, servers.appliedDatabase(), servers.sinkConnector());
            }
            long serverNow;
            try (Connection source = Connections.open(servers.source())) {
                serverNow = ServerClock.nowNanos(source);
            }
            Map<String, String> applied = new TreeMap<>();
            Map<String, String> lag = new TreeMap<>();
            for (String table : union(positions.keySet(), committed.keySet())) {
                AppliedPositions.Position p = positions.get(table);
                Long c = committed.get(table);
                Long end = ends == null ? null : ends.get(topics.topicOf(table));
                long at = p == null ? 0 : p.appliedTs();
                boolean caughtUp = ends != null && (p == null ? end == null || end == 0
                        : !p.partial() && p.topic().equals(topics.topicOf(table)) && end != null && p.kafkaOffset() + 1 >= end);
                if (caughtUp && c != null && c > at) {
                    at = c; // the sink applied the whole topic, which holds everything up to C
                }
                if (at == 0) {
                    applied.put(table, p == null ? "nothing applied yet" : "snapshot in progress");
                    lag.put(table, "unknown");
                } else {
                    applied.put(table, MO_TIME.format(Instant.ofEpochSecond(0, at))
                            + (p != null && p.partial() ? " (part of the next window applied too)" : ""));
                    lag.put(table, Math.max(0, (serverNow - at) / 1_000_000) + " ms");
                }
            }
            view.put("checkpoint", perTable(applied));
            view.put("lag", perTable(lag));
        } catch (SQLException | RuntimeException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            view.put("checkpoint", "unknown: the target's applied positions cannot be read (" + e.getMessage() + ")");
            view.put("lag", "unknown");
        }
    }

    /** The topics' end offsets, or null when the brokers are not known or do not answer (then no idle refinement). */
    private static Map<String, Long> endOffsets(TaskTopics topics, String bootstrap, java.util.Set<String> tables)
            throws InterruptedException {
        if (bootstrap == null) {
            return null;
        }
        try {
            return topics.endOffsets(bootstrap, tables.stream().map(topics::topicOf).toList());
        } catch (CliException unreachable) {
            return null;
        }
    }

    private static java.util.Set<String> union(java.util.Set<String> a, java.util.Set<String> b) {
        java.util.Set<String> all = new java.util.TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    /** Each streaming table's committed source time (a table still in its snapshot has none). */
    static Map<String, Long> committedStreamTimes(JsonNode offsets) {
        Map<String, Long> times = new TreeMap<>();
        for (JsonNode item : offsets.path("offsets")) {
            JsonNode partition = item.path("partition");
            JsonNode offset = item.path("offset");
            if (SourceOffsets.PHASE_STREAM.equals(offset.path(SourceOffsets.PHASE).asText())) {
                times.put(partition.path(SourceOffsets.PARTITION_DB).asText() + "." + partition.path(SourceOffsets.PARTITION_TABLE).asText(),
                        offset.path(SourceOffsets.TS).asLong());
            }
        }
        return times;
    }

    /** A time as mo_cdc prints it. */
    static String moTime(Instant time) {
        return MO_TIME.format(time);
    }

    /** The text shape of checkpoint, tables, workers: one {@code "db.t": value} line per table. */
    private static String perTable(Map<String, String> values) {
        StringBuilder text = new StringBuilder("{\n");
        values.forEach((table, value) -> text.append("  \"").append(table).append("\": ").append(value).append(",\n"));
        return text.append('}').toString();
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
        return perTable(tables);
    }
}
