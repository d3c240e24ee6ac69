package io.matrixone.cdc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** mo_cdc flags to connector configs. */
class TaskDefinitionTest {

    private static TaskCreateOptions parse(String... args) {
        TaskCommands.Create create = new TaskCommands.Create();
        new CommandLine(create).parseArgs(args);
        create.options.check();
        return create.options;
    }

    private static final String[] BASE = {"--task-name", "activity_sync", "--source-uri", "mysql://root:111@127.0.0.1:6001",
            "--sink-uri", "mysql://u:p%40ss@10.0.0.1:6002", "--tables", "production_db.user_activities:analytics_db.analytics_activities"};

    private static String[] with(String... more) {
        String[] all = new String[BASE.length + more.length];
        System.arraycopy(BASE, 0, all, 0, BASE.length);
        System.arraycopy(more, 0, all, BASE.length, more.length);
        return all;
    }

    @Test
    void sourceConfigCarriesTheMoCdcFlags() {
        TaskCreateOptions o = parse(with("--exclude", "db\\.tmp_.*", "--start-ts", "2024-01-01 00:00:00",
                "--end-ts", "2024-01-02 00:00:00"));
        Map<String, String> source = TaskDefinition.source(o, "id-1", "2025-03-28T07:46:06.077697Z");
        assertThat(source).containsEntry("name", "activity_sync-source")
                .containsEntry("connector.class", TaskDefinition.SOURCE_CLASS)
                .containsEntry("connection.uri", "mysql://root:111@127.0.0.1:6001")
                .containsEntry("topic.prefix", "activity_sync")
                .containsEntry("level", "table")
                .containsEntry("tables", "production_db.user_activities:analytics_db.analytics_activities")
                .containsEntry("exclude", "db\\.tmp_.*")
                .containsEntry("start.ts", "2024-01-01 00:00:00")
                .containsEntry("end.ts", "2024-01-02 00:00:00")
                .containsEntry("snapshot.mode", "never")
                .containsEntry("mo.cdc.task.id", "id-1")
                .containsEntry("mo.cdc.task.name", "activity_sync");
    }

    @Test
    void byDefaultAFullCopyComesFirst() {
        assertThat(TaskDefinition.source(parse(BASE), "i", "t")).containsEntry("snapshot.mode", "initial");
    }

    @Test
    void frequencySetsHowOftenTablesWithChangesAreRead() {
        assertThat(TaskDefinition.source(parse(BASE), "i", "t")).doesNotContainKey("busy.poll.interval.ms");
        assertThat(TaskDefinition.source(parse(with("--frequency", "500ms")), "i", "t")).containsEntry("busy.poll.interval.ms", "500");
        assertThat(TaskDefinition.source(parse(with("--frequency", "2s")), "i", "t")).containsEntry("busy.poll.interval.ms", "2000");
        assertThat(TaskDefinition.source(parse(with("--frequency", "5m")), "i", "t")).containsEntry("busy.poll.interval.ms", "300000");
        assertThat(TaskDefinition.source(parse(with("--frequency", "1H")), "i", "t")).containsEntry("busy.poll.interval.ms", "3600000");
        for (String bad : new String[] {"100", "0ms", "-1s", "1.5s", "1d", "ms"}) {
            assertThatThrownBy(() -> parse(with("--frequency", bad))).isInstanceOf(CliException.class)
                    .hasMessageContaining("invalid --frequency '" + bad + "'");
        }
    }

    @Test
    void noFullMeansNoSnapshot() {
        assertThat(TaskDefinition.source(parse(with("--no-full")), "i", "t")).containsEntry("snapshot.mode", "never");
    }

    @Test
    void sinkSubscribesToTheTaskTopicsOnlyAndTakesMaxSqlLength() {
        Map<String, String> sink = TaskDefinition.sink(parse(with("--max-sql-length", "1048576", "--sink-type", "mysql")), "i", "t");
        assertThat(sink).containsEntry("name", "activity_sync-sink")
                .containsEntry("connector.class", TaskDefinition.SINK_CLASS)
                .containsEntry("max.statement.bytes", "1048576")
                .containsEntry("mo.cdc.sink.type", "mysql")
                .containsEntry("sink.dialect", "mysql")
                .containsEntry("consumer.override.max.poll.interval.ms", "900000");
        String regex = sink.get("topics.regex");
        assertThat("activity_sync.production_db.user_activities").matches(regex);
        assertThat("activity_syncX.production_db.user_activities").doesNotMatch(regex);
        assertThat("other.production_db.user_activities").doesNotMatch(regex);
    }

    @Test
    void accountLevelDefaultsToEveryTable() {
        TaskCommands.Create create = new TaskCommands.Create();
        new CommandLine(create).parseArgs("--task-name", "t", "--source-uri", "mysql://a:b@h:1", "--sink-uri", "mysql://a:b@h:2",
                "--level", "account");
        create.options.check();
        assertThat(create.options.tables).isEqualTo("*.*");
    }

    @Test
    void tableLevelNeedsTables() {
        TaskCommands.Create create = new TaskCommands.Create();
        new CommandLine(create).parseArgs("--task-name", "t", "--source-uri", "mysql://a:b@h:1", "--sink-uri", "mysql://a:b@h:2");
        assertThatThrownBy(create.options::check).isInstanceOf(CliException.class).hasMessageContaining("--tables");
    }

    @Test
    void taskNamesThatCannotBeTopicNamesAreRefused() {
        assertThatThrownBy(() -> TaskDefinition.checkName("a b")).hasMessageContaining("--task-name");
        assertThatThrownBy(() -> TaskDefinition.checkName("a/b")).hasMessageContaining("--task-name");
        assertThat(TaskDefinition.checkName("activity_sync-2")).isEqualTo("activity_sync-2");
    }

    @Test
    void recordsAreFlatRowsUnlessDebeziumEnvelopesAreAskedFor() {
        assertThat(TaskDefinition.source(parse(BASE), "i", "t")).containsEntry("envelope", "flat");
        assertThat(TaskDefinition.source(parse(with("--envelope", "Debezium")), "i", "t")).containsEntry("envelope", "debezium");
        TaskCommands.Create create = new TaskCommands.Create();
        new CommandLine(create).parseArgs(with("--envelope", "avro"));
        assertThatThrownBy(create.options::check).isInstanceOf(CliException.class)
                .hasMessage("invalid --envelope 'avro': flat or debezium");
    }

    @Test
    void badLevelIsRefused() {
        TaskCommands.Create create = new TaskCommands.Create();
        new CommandLine(create).parseArgs(with("--level", "cluster"));
        assertThatThrownBy(create.options::check).hasMessage("invalid --level 'cluster': table, database or account");
    }
}
