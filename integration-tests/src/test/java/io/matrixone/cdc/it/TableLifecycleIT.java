package io.matrixone.cdc.it;

import static io.matrixone.cdc.testing.Sql.exec;
import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.common.ChangeEvent;
import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.SnapshotProgress;
import io.matrixone.cdc.common.TableId;
import io.matrixone.cdc.common.TableStates;
import io.matrixone.cdc.testing.CdcDatabases;
import io.matrixone.cdc.testing.ConnectClusterHarness;
import io.matrixone.cdc.testing.RowWriter;
import io.matrixone.cdc.testing.Sql;
import io.matrixone.cdc.testing.TableComparison;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import io.matrixone.cdc.testing.MatrixOnePipelineExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tables are created, truncated, altered in every common way, renamed and dropped on the source while a task
 * runs at level database and writers keep changing them. Every test ends with each target table equal to its
 * source table: the same columns, the same rows (count and checksum over every column). Real MatrixOne source
 * and target, real Kafka and Connect.
 */
@ExtendWith(MatrixOnePipelineExtension.class)
class TableLifecycleIT {

    private static final Duration SYNC = Duration.ofSeconds(120);
    private static final String COLUMNS = "(id int primary key, n int, note varchar(40))";

    private ConnectClusterHarness connect;

    @BeforeEach
    void connect(ConnectClusterHarness harness) {
        connect = harness;
    }

    @Test
    void aTableCreatedWhileTheTaskRunsIsCapturedFromItsCreation(CdcDatabases dbs) throws Exception {
        createTable(dbs, "a", 200);
        Pipeline pipeline = new Pipeline(dbs, "newtable", Map.of());
        try (RowWriter a = new RowWriter(dbs.source, dbs.srcDb + ".a", 201)) {
            pipeline.awaitRows("a", 200);
            // Rows written right after the CREATE, before the table monitor has seen the table, must arrive too.
            exec(dbs.src, "create table " + dbs.srcDb + ".b " + COLUMNS, "insert into " + dbs.srcDb + ".b (id, n) values (1, 1), (2, 2)");
            try (RowWriter b = new RowWriter(dbs.source, dbs.srcDb + ".b", 3)) {
                Thread.sleep(8000);
            }
        }
        pipeline.awaitEqual("a");
        pipeline.awaitEqual("b");
        assertThat(pipeline.tableStates()).containsEntry(dbs.srcDb + ".a", TableStates.CAPTURING)
                .containsEntry(dbs.srcDb + ".b", TableStates.CAPTURING);
        pipeline.assertRunning();
        pipeline.delete();
    }

    @Test
    void truncateEmptiesTheTargetThroughATruncateEventAndStreamingGoesOn(CdcDatabases dbs) throws Exception {
        createTable(dbs, "a", 1000);
        Pipeline pipeline = new Pipeline(dbs, "truncate", Map.of());
        try (RowWriter a = new RowWriter(dbs.source, dbs.srcDb + ".a", 1001)) {
            pipeline.awaitRows("a", 1000);
            Thread.sleep(2000);
            exec(dbs.src, "truncate table " + dbs.srcDb + ".a");
            Thread.sleep(5000);
        }
        pipeline.awaitEqual("a");
        List<ConsumerRecord<byte[], byte[]>> truncates = pipeline.tableEvents("a", ChangeEvent.TABLE_TRUNCATED);
        assertThat(truncates).as("truncate events on the table's topic").hasSize(1);
        assertThat(truncates.get(0).key()).as("Debezium's truncate has no key").isNull();
        assertThat(new String(truncates.get(0).value(), StandardCharsets.UTF_8)).contains("\"op\":\"t\"");
        pipeline.assertRunning();
        pipeline.delete();
    }

    @Test
    void everyKindOfAlterTableIsFollowedWithNoChangeLost(CdcDatabases dbs) throws Exception {
        createTable(dbs, "a", 500);
        Pipeline pipeline = new Pipeline(dbs, "alter", Map.of());
        String a = dbs.srcDb + ".a";
        try (RowWriter writer = new RowWriter(dbs.source, a, 501)) {
            pipeline.awaitRows("a", 500);
            for (String change : List.of(
                    "alter table " + a + " add column extra int default 7",
                    "alter table " + a + " modify column note varchar(100)",
                    "alter table " + a + " alter column extra set default 9",
                    "create index n_idx on " + a + " (n)",
                    "drop index n_idx on " + a,
                    "alter table " + a + " rename column note to remark",
                    "alter table " + a + " drop column extra",
                    "alter table " + a + " add column stamp datetime(6) default '2026-01-01 00:00:00'")) {
                Thread.sleep(2500);
                exec(dbs.src, change);
            }
            Thread.sleep(3000);
        }
        pipeline.awaitEqual("a");
        assertThat(pipeline.metric("Resnapshots")).as("new snapshots taken for ALTERs").isPositive();
        pipeline.assertRunning();
        pipeline.delete();
    }

    /**
     * Tables with no change since their snapshot are idle from the start, and with window.max.ms=100 each of their
     * reads (every poll.interval.ms) first checks its whole span in one short diff and passes it in one step when it
     * is empty. That step must stop one nanosecond before a table change, as windows do: a TRUNCATE (a diff across it
     * is silently wrong), an ADD COLUMN (refused across it) and a DROP each end such a span here, with changes after
     * them in the same span.
     */
    @Test
    void anIdleTablesQuietSpanEndsAtATableChangeAndTheChangesAfterItArrive(CdcDatabases dbs) throws Exception {
        for (String table : List.of("a", "b", "c")) {
            createTable(dbs, table, 300);
        }
        Pipeline pipeline = new Pipeline(dbs, "idlespan", Map.of("window.max.ms", "100"), Map.of());
        for (String table : List.of("a", "b", "c")) {
            pipeline.awaitRows(table, 300);
        }
        long windowsBefore = pipeline.metric("Windows");
        Thread.sleep(3000); // a few idle reads, each span longer than window.max.ms
        assertThat(pipeline.metric("Windows") - windowsBefore)
                .as("windows of the 3 idle tables in 3 s: about one per read (every second) in one step, not one per 100 ms")
                .isLessThan(45);
        String a = dbs.srcDb + ".a";
        String b = dbs.srcDb + ".b";
        exec(dbs.src, "truncate table " + a,
                "insert into " + a + " select result, 1, concat('after ', result) from generate_series(1001, 1100) g",
                "update " + a + " set n = 2 where id <= 1010");
        exec(dbs.src, "alter table " + b + " add column extra int default 5",
                "update " + b + " set n = n + 1, extra = 6 where id <= 50", "delete from " + b + " where id > 250");
        exec(dbs.src, "drop table " + dbs.srcDb + ".c");
        pipeline.awaitEqual("a");
        pipeline.awaitEqual("b");
        pipeline.awaitState(dbs.srcDb + ".c", TableStates.DROPPED);
        assertThat(pipeline.tableEvents("a", ChangeEvent.TABLE_TRUNCATED)).as("truncate events of a").hasSize(1);
        pipeline.assertRunning();
        pipeline.delete();
    }

    @Test
    void aChangedPrimaryKeyReplacesTheTargetTable(CdcDatabases dbs) throws Exception {
        createTable(dbs, "a", 300);
        Pipeline pipeline = new Pipeline(dbs, "rekey", Map.of());
        String a = dbs.srcDb + ".a";
        try (RowWriter writer = new RowWriter(dbs.source, a, 301)) {
            pipeline.awaitRows("a", 300);
            Thread.sleep(2000);
            writer.pause();
            exec(dbs.src, "alter table " + a + " drop primary key, add primary key (id, n)");
            writer.resume();
            Thread.sleep(4000);
        }
        pipeline.awaitEqual("a");
        assertThat(Sql.rows(dbs.dst, "show index from " + dbs.dstDb + ".a").stream()
                .filter(r -> r.get(2).equalsIgnoreCase("PRIMARY")).map(r -> r.get(4).toLowerCase()).toList())
                .as("target primary key").containsExactly("id", "n");
        pipeline.assertRunning();
        pipeline.delete();
    }

    @Test
    void aDroppedTableEndsItsCaptureAloneAndIsCapturedAgainWhenCreatedAgain(CdcDatabases dbs) throws Exception {
        createTable(dbs, "a", 100);
        createTable(dbs, "b", 100);
        Pipeline pipeline = new Pipeline(dbs, "droptable", Map.of());
        String b = dbs.srcDb + ".b";
        String lastOfB;
        try (RowWriter writerA = new RowWriter(dbs.source, dbs.srcDb + ".a", 101)) {
            try (RowWriter writerB = new RowWriter(dbs.source, b, 101)) {
                pipeline.awaitRows("b", 100);
                Thread.sleep(3000);
            }
            lastOfB = TableComparison.fingerprint(dbs.source, TableId.parse(b));
            exec(dbs.src, "drop table " + b);
            pipeline.awaitState(dbs.srcDb + ".b", TableStates.DROPPED);
            // table.drop.behavior=keep (the default): the target keeps the table as it last was.
            assertThat(TableComparison.fingerprint(dbs.target, new TableId(dbs.dstDb, "b"))).isEqualTo(lastOfB);
            pipeline.assertRunning();

            exec(dbs.src, "create table " + b + " " + COLUMNS, "insert into " + b + " (id, n) values (1000, 1), (1001, 2)");
            try (RowWriter writerB = new RowWriter(dbs.source, b, 1002)) {
                Thread.sleep(6000);
            }
        }
        pipeline.awaitEqual("a");
        pipeline.awaitEqual("b");
        pipeline.assertRunning();
        pipeline.delete();
    }

    @Test
    void withTableDropBehaviorDropTheTargetFollowsDropsAndRenames(CdcDatabases dbs) throws Exception {
        createTable(dbs, "a", 100);
        createTable(dbs, "b", 100);
        Pipeline pipeline = new Pipeline(dbs, "dropbehavior", Map.of("table.drop.behavior", "drop"));
        try (RowWriter writerA = new RowWriter(dbs.source, dbs.srcDb + ".a", 101)) {
            pipeline.awaitRows("b", 100);
            exec(dbs.src, "drop table " + dbs.srcDb + ".b");
            exec(dbs.src, "alter table " + dbs.srcDb + ".a rename to c");
            Thread.sleep(3000);
        }
        pipeline.awaitEqual("c");
        pipeline.awaitGone("a");
        pipeline.awaitGone("b");
        pipeline.assertRunning();
        pipeline.delete();
    }

    @Test
    void aTableThatCannotBeCapturedExactlyStopsAloneWithItsReason(CdcDatabases dbs) throws Exception {
        createTable(dbs, "a", 100);
        createTable(dbs, "b", 100);
        Pipeline pipeline = new Pipeline(dbs, "stopped", Map.of());
        try (RowWriter writer = new RowWriter(dbs.source, dbs.srcDb + ".a", 101)) {
            pipeline.awaitRows("b", 100);
            // MatrixOne's DATA BRANCH DIFF returns nothing for a table with an ENUM column: b can no longer be read exactly.
            exec(dbs.src, "alter table " + dbs.srcDb + ".b add column kind enum('x', 'y')");
            pipeline.awaitState(dbs.srcDb + ".b", TableStates.STOPPED);
            Thread.sleep(3000);
        }
        pipeline.awaitEqual("a");
        try (Connection c = Connections.open(dbs.source)) {
            assertThat(TableStates.of(c, SnapshotProgress.DEFAULT_STATE_DATABASE, "stopped-source").get(dbs.srcDb + ".b").reason())
                    .contains("ENUM column(s) [kind]").contains("exclude");
        }
        assertThat(pipeline.metric("StoppedTables")).isEqualTo(1);
        pipeline.assertRunning();
        pipeline.delete();
    }

    // ---------------------------------------------------------------- helpers

    private static void createTable(CdcDatabases dbs, String table, int rows) throws Exception {
        exec(dbs.src, "create table " + dbs.srcDb + "." + table + " " + COLUMNS,
                "insert into " + dbs.srcDb + "." + table + " select result, 0, concat('row ', result) from generate_series(1, " + rows + ") g");
    }

    /** A source over every table of the source database and a sink into the target database. */
    private final class Pipeline {
        private final CdcDatabases dbs;
        private final String name;

        Pipeline(CdcDatabases dbs, String name, Map<String, String> sinkSettings) {
            this(dbs, name, Map.of(), sinkSettings);
        }

        Pipeline(CdcDatabases dbs, String name, Map<String, String> sourceSettings, Map<String, String> sinkSettings) {
            this.dbs = dbs;
            this.name = name;
            Map<String, String> source = new HashMap<>(sourceSettings);
            source.put("connector.class", "io.matrixone.cdc.source.MatrixOneSourceConnector");
            source.put("tasks.max", "1");
            source.put("connection.uri", dbs.source.unmasked());
            source.put("topic.prefix", name);
            source.put("level", "database");
            source.put("tables", dbs.srcDb + ".*:" + dbs.dstDb);
            source.put("table.monitor.interval.ms", "1000");
            source.put("topic.creation.default.replication.factor", "1");
            source.put("topic.creation.default.partitions", "1");
            connect.cluster().configureConnector(name + "-source", source);
            Map<String, String> sink = new HashMap<>(sinkSettings);
            sink.put("connector.class", "io.matrixone.cdc.sink.MatrixOneSinkConnector");
            sink.put("tasks.max", "1");
            sink.put("connection.uri", dbs.target.unmasked());
            sink.put("topics.regex", Pattern.quote(name + ".") + ".*");
            sink.put("consumer.override.metadata.max.age.ms", "1000"); // new tables' topics are found in a second
            connect.cluster().configureConnector(name + "-sink", sink);
        }

        void awaitRows(String table, long atLeast) throws InterruptedException {
            long deadline = System.nanoTime() + SYNC.toNanos();
            while (count(table) < atLeast) {
                assertThat(System.nanoTime()).as("target %s has %d rows", table, atLeast).isLessThan(deadline);
                Thread.sleep(500);
            }
        }

        private long count(String table) {
            try (Connection c = Connections.open(dbs.target)) {
                return Long.parseLong(Sql.scalar(c, "select count(*) from " + dbs.dstDb + "." + table));
            } catch (Exception e) {
                return -1;
            }
        }

        void awaitEqual(String table) throws InterruptedException {
            try {
                TableComparison.awaitEqual(dbs.source, new TableId(dbs.srcDb, table), dbs.target, new TableId(dbs.dstDb, table), SYNC);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nthe topic's records of those keys and its table events:"
                        + recordsOfDifferingKeys(table, e.getMessage()), e);
            }
        }

        void awaitGone(String table) throws InterruptedException {
            long deadline = System.nanoTime() + SYNC.toNanos();
            while (count(table) >= 0) {
                assertThat(System.nanoTime()).as("target %s dropped", table).isLessThan(deadline);
                Thread.sleep(500);
            }
        }

        void awaitState(String table, String state) throws Exception {
            long deadline = System.nanoTime() + SYNC.toNanos();
            while (!state.equals(tableStates().get(table))) {
                assertThat(System.nanoTime()).as("%s is %s; states %s", table, state, tableStates()).isLessThan(deadline);
                Thread.sleep(500);
            }
        }

        /** Each table's state as mo-cdc task show reads it: table name to state. */
        Map<String, String> tableStates() throws Exception {
            Map<String, String> states = new HashMap<>();
            try (Connection c = Connections.open(dbs.source)) {
                TableStates.of(c, SnapshotProgress.DEFAULT_STATE_DATABASE, name + "-source").forEach((t, s) -> states.put(t, s.state()));
            }
            return states;
        }

        long metric(String attribute) throws Exception {
            javax.management.ObjectName mbean = new javax.management.ObjectName("io.matrixone.cdc:type=source-task-metrics,connector="
                    + javax.management.ObjectName.quote(name + "-source") + ",task=" + javax.management.ObjectName.quote("0"));
            return (Long) java.lang.management.ManagementFactory.getPlatformMBeanServer().getAttribute(mbean, attribute);
        }

        void assertRunning() {
            for (String connector : List.of(name + "-source", name + "-sink")) {
                ConnectorStateInfo status = connect.cluster().connectorStatus(connector);
                assertThat(status.connector().state()).as(connector).isEqualTo("RUNNING");
                for (ConnectorStateInfo.TaskState task : status.tasks()) {
                    assertThat(task.state()).as(connector + " task: " + task.trace()).isEqualTo("RUNNING");
                }
            }
        }

        /** Every record of the table's topic carrying the table event header with this value. */
        List<ConsumerRecord<byte[], byte[]>> tableEvents(String table, String event) {
            return records(table).stream().filter(record -> {
                Header header = record.headers().lastHeader(ChangeEvent.TABLE_EVENT_HEADER);
                return header != null && event.equals(new String(header.value(), StandardCharsets.UTF_8));
            }).toList();
        }

        /** Every record of the table's topic, in order. */
        List<ConsumerRecord<byte[], byte[]>> records(String table) {
            Map<String, Object> props = Map.of("bootstrap.servers", connect.cluster().kafka().bootstrapServers(),
                    "key.deserializer", ByteArrayDeserializer.class, "value.deserializer", ByteArrayDeserializer.class);
            List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
                TopicPartition partition = new TopicPartition(name + "." + dbs.srcDb + "." + table, 0);
                consumer.assign(List.of(partition));
                consumer.seekToBeginning(List.of(partition));
                long end = consumer.endOffsets(List.of(partition)).get(partition);
                while (consumer.position(partition) < end) {
                    consumer.poll(Duration.ofSeconds(1)).forEach(found::add);
                }
            }
            return found;
        }

        /**
         * What the table's topic carried for the keys a failed comparison names (its op, source time and row), so a
         * divergence that no rerun reproduces leaves its evidence in the failure message.
         */
        String recordsOfDifferingKeys(String table, String failure) {
            java.util.regex.Matcher keys = Pattern.compile("\\(id=(-?\\d+)\\) (?:missing on the target|only on the target|differs)")
                    .matcher(failure);
            List<String> wanted = new ArrayList<>();
            while (keys.find() && wanted.size() < 3) {
                wanted.add("\"payload\":{\"id\":" + keys.group(1) + "}");
            }
            StringBuilder out = new StringBuilder();
            int lines = 0;
            for (ConsumerRecord<byte[], byte[]> record : records(table)) {
                String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
                Header event = record.headers().lastHeader(ChangeEvent.TABLE_EVENT_HEADER);
                if ((event != null || wanted.stream().anyMatch(key::contains)) && lines++ < 40) {
                    String value = record.value() == null ? "null (tombstone)" : new String(record.value(), StandardCharsets.UTF_8);
                    int payload = value.indexOf("\"payload\"");
                    out.append("\n  @").append(record.offset()).append(' ')
                            .append(event != null ? "table event " + new String(event.value(), StandardCharsets.UTF_8) + " " : "")
                            .append(key.substring(Math.max(0, key.indexOf("\"payload\"")))).append(" -> ")
                            .append(payload < 0 ? value : value.substring(payload, Math.min(value.length(), payload + 250)));
                }
            }
            return out.toString();
        }

        void delete() {
            connect.cluster().deleteConnector(name + "-source");
            connect.cluster().deleteConnector(name + "-sink");
        }
    }
}
