package io.matrixone.cdc.cli;

import io.matrixone.cdc.common.ConnectionConfig;
import io.matrixone.cdc.common.ClientTuning;
import io.matrixone.cdc.common.MatrixOneUri;
import io.matrixone.cdc.common.SchemaCachingJsonConverter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * A mo_cdc task as two Kafka Connect connectors: "{@code <task>-source}" reads the source MatrixOne
 * into topics "{@code <task>.<db>.<table>}", "{@code <task>-sink}" writes them to the sink. The
 * task's own facts (id, name, creation time) ride along in both configs under {@code mo.cdc.*}.
 */
public final class TaskDefinition {

    public static final String SOURCE_CLASS = "io.matrixone.cdc.source.MatrixOneSourceConnector";
    public static final String SINK_CLASS = "io.matrixone.cdc.sink.MatrixOneSinkConnector";

    static final String TASK_ID = "mo.cdc.task.id";
    static final String TASK_NAME = "mo.cdc.task.name";
    static final String TASK_CREATED = "mo.cdc.task.created";
    static final String SINK_TYPE = "mo.cdc.sink.type";
    /** The sink connector's sink.dialect setting (MatrixOneSinkConfig.DIALECT; the CLI does not depend on the sink). */
    static final String SINK_DIALECT = "sink.dialect";

    private TaskDefinition() {
    }

    public static String sourceConnector(String task) {
        return task + "-source";
    }

    public static String sinkConnector(String task) {
        return task + "-sink";
    }

    /** Task names become topic and connector names: keep them to what both allow. */
    public static String checkName(String task) {
        if (task == null || !task.matches("[A-Za-z0-9_\\-]{1,200}")) {
            throw new CliException("invalid --task-name '" + task + "': use letters, digits, '_' and '-'");
        }
        return task;
    }

    /**
     * Settings every task's connectors share: converters that keep schemas (JsonConverter's format, written and read
     * without re-serializing each record's schema), and the task's identity.
     */
    private static Map<String, String> common(String task, String id, String created) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("key.converter", SchemaCachingJsonConverter.class.getName());
        config.put("key.converter.schemas.enable", "true");
        config.put("value.converter", SchemaCachingJsonConverter.class.getName());
        config.put("value.converter.schemas.enable", "true");
        config.put("value.converter.decimal.format", "NUMERIC");
        config.put(TASK_ID, id);
        config.put(TASK_NAME, task);
        config.put(TASK_CREATED, created);
        return config;
    }

    static Map<String, String> source(TaskCreateOptions o, String id, String created) {
        Map<String, String> config = common(o.taskName, id, created);
        config.put("name", sourceConnector(o.taskName));
        config.put("connector.class", SOURCE_CLASS);
        config.put("tasks.max", String.valueOf(o.tasks));
        config.put(ConnectionConfig.URI, MatrixOneUri.parse(o.sourceUri).unmasked());
        config.put("topic.prefix", o.taskName);
        config.put("level", o.level.toLowerCase(Locale.ROOT));
        config.put("tables", o.tables);
        config.put("envelope", o.envelope.toLowerCase(Locale.ROOT));
        if (o.exclude != null) {
            config.put("exclude", o.exclude);
        }
        if (o.startTs != null) {
            config.put("start.ts", o.startTs);
        }
        if (o.endTs != null) {
            config.put("end.ts", o.endTs);
        }
        if (o.frequency != null) {
            config.put("busy.poll.interval.ms", String.valueOf(o.frequencyMillis()));
        }
        // mo_cdc: --start-ts and --no-full both mean changes only, no full copy first.
        config.put("snapshot.mode", o.noFull || o.startTs != null ? "never" : "initial");
        config.put("topic.creation.default.replication.factor", "-1");
        config.put("topic.creation.default.partitions", "1");
        config.putAll(ClientTuning.SOURCE);
        return config;
    }

    static Map<String, String> sink(TaskCreateOptions o, String id, String created) {
        Map<String, String> config = common(o.taskName, id, created);
        config.put("name", sinkConnector(o.taskName));
        config.put("connector.class", SINK_CLASS);
        // One topic per table, one partition each: Connect gives each topic to one sink task, so a table's changes are
        // applied in order whatever the number of tasks.
        config.put("tasks.max", String.valueOf(o.tasks));
        config.put(ConnectionConfig.URI, MatrixOneUri.parse(o.sinkUri).unmasked());
        config.put("topics.regex", java.util.regex.Pattern.quote(o.taskName + ".") + ".*");
        // A regex subscription sees new topics only when its metadata refreshes (5 min by default):
        // refresh often so a table's topic is followed moments after the source creates it.
        config.put("consumer.override.metadata.max.age.ms", "2000");
        // The sink retries a target outage inside put() (max.retries with backoff: about 8 minutes by
        // default); the consumer must not be dropped from its group meanwhile (5 minutes by default).
        config.put("consumer.override.max.poll.interval.ms", "900000");
        config.putAll(ClientTuning.SINK);
        config.put(SINK_TYPE, o.sinkType.toLowerCase(Locale.ROOT));
        // --sink-type picks the sink's dialect: MatrixOne's SQL and types, or MySQL's (MySQL and MariaDB).
        config.put(SINK_DIALECT, o.sinkType.toLowerCase(Locale.ROOT));
        if (o.maxSqlLength != null) {
            config.put("max.statement.bytes", String.valueOf(o.maxSqlLength));
        }
        return config;
    }

    static String newId() {
        return UUID.randomUUID().toString();
    }

    static String now() {
        return Instant.now().toString();
    }
}
