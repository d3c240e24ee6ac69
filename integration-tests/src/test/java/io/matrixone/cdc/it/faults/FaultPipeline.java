package io.matrixone.cdc.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.cli.TableVerifier;
import io.matrixone.cdc.common.AppliedPositions;
import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneUri;
import io.matrixone.cdc.common.SchemaCachingJsonConverter;
import io.matrixone.cdc.common.TableFingerprint;
import io.matrixone.cdc.common.TableId;
import io.matrixone.cdc.testing.PitrDatabase;
import io.matrixone.cdc.testing.PrivateServer;
import io.matrixone.cdc.testing.Sql;
import io.matrixone.cdc.testing.TableComparison;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.ObjectName;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/**
 * What the MatrixOne fault tests share: connector settings, a writer that keeps changing the source table
 * (and rides out the source's own outages), a watch on connector states, and the row-for-row comparison.
 * The table is always {@code (id int primary key, n int, note varchar(40))}.
 */
final class FaultPipeline {

    static final String SOURCE_CLASS = "io.matrixone.cdc.source.MatrixOneSourceConnector";
    static final String SINK_CLASS = "io.matrixone.cdc.sink.MatrixOneSinkConnector";

    private FaultPipeline() {
    }

    /** Creates the table with {@code rows} rows and a PITR for its database (the source reads PITR history). */
    static void createSourceTable(Connection c, String db, int rows) throws SQLException {
        PitrDatabase.create(c, db);
        Sql.exec(c, "create table " + db + ".events (id int primary key, n int, note varchar(40))",
                "insert into " + db + ".events select result, 0, concat('row ', result) from generate_series(1, " + rows + ") g");
    }

    /** What a test does while the private server is down. */
    interface WhileDown {
        void run() throws Exception;
    }

    /**
     * Stops the private server, runs {@code whileDown}, and starts the server again, also when
     * {@code whileDown} fails, so the test always ends with it up. Returns the outage in milliseconds.
     */
    static long outage(PrivateServer server, WhileDown whileDown) throws Exception {
        long down = System.nanoTime();
        server.stop();
        try {
            assertThat(server.answers()).as("the private MatrixOne is down").isFalse();
            whileDown.run();
        } finally {
            server.start();
        }
        long ms = (System.nanoTime() - down) / 1_000_000;
        System.err.printf("MatrixOne outage: %d ms%n", ms);
        return ms;
    }

    /** Runs cleanup statements when the server answers (a failed test may have left it down). */
    static void cleanUp(MatrixOneUri server, String... statements) throws SQLException {
        if (Connections.checkReachable(server) != null) {
            return;
        }
        try (Connection c = Connections.open(server)) {
            Sql.exec(c, statements);
        }
    }

    static Map<String, String> source(MatrixOneUri server, String topicPrefix, String tables) {
        Map<String, String> config = converters();
        config.put("connector.class", SOURCE_CLASS);
        config.put("tasks.max", "1");
        config.put("connection.uri", server.unmasked());
        config.put("topic.prefix", topicPrefix);
        config.put("tables", tables);
        config.put("topic.creation.default.replication.factor", "-1");
        config.put("topic.creation.default.partitions", "1");
        return config;
    }

    /** A sink for every table topic of {@code topicPrefix}, routed by {@code tables} (source:target). */
    static Map<String, String> sink(MatrixOneUri server, String topicPrefix, String tables) {
        Map<String, String> config = converters();
        config.put("connector.class", SINK_CLASS);
        config.put("tasks.max", "1");
        config.put("connection.uri", server.unmasked());
        config.put("topics.regex", java.util.regex.Pattern.quote(topicPrefix + ".") + ".*");
        config.put("consumer.override.metadata.max.age.ms", "2000"); // follow the topic moments after the source makes it
        config.put("tables", tables);
        return config;
    }

    private static Map<String, String> converters() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("key.converter", SchemaCachingJsonConverter.class.getName());
        config.put("value.converter", SchemaCachingJsonConverter.class.getName());
        config.put("value.converter.decimal.format", "NUMERIC");
        return config;
    }

    /** {@code count:checksum} over every column (TableFingerprint's rule), or a text starting with "unreadable". */
    static String checksum(MatrixOneUri server, String table) {
        try (Connection c = Connections.open(server)) {
            TableFingerprint.Fingerprint fingerprint = TableFingerprint.of(c, TableId.parse(table), null);
            return fingerprint == null ? "unreadable: no table " + table : fingerprint.rows() + ":" + fingerprint.checksum();
        } catch (SQLException e) {
            return "unreadable: " + e.getMessage();
        }
    }

    static long rowCount(MatrixOneUri server, String table) {
        try (Connection c = Connections.open(server)) {
            TableFingerprint.Fingerprint fingerprint = TableFingerprint.of(c, TableId.parse(table), null);
            return fingerprint == null ? -1 : fingerprint.rows();
        } catch (SQLException e) {
            return -1;
        }
    }

    /**
     * The final check of {@code mo-cdc task verify}, for connectors made by hand: the target table equals the source
     * table as it was at the target's applied position, kept by sink connector {@code sinkConnector};
     * {@code matrixOneTarget}: read the target at one {MO_TS} (else between two reads of the position).
     */
    static void assertVerified(MatrixOneUri source, MatrixOneUri target, boolean matrixOneTarget, String sinkConnector,
                               String sourceTable) throws Exception {
        try (Connection src = Connections.open(source); Connection dst = Connections.open(target)) {
            TableVerifier.Outcome outcome = new TableVerifier(src, dst, matrixOneTarget, AppliedPositions.DEFAULT_DATABASE, sinkConnector, 10)
                    .verify(sourceTable, Duration.ofSeconds(60).toNanos());
            System.err.printf("verify %s by %s: %s, %s%n", sourceTable, sinkConnector, outcome.result(), outcome.detail());
            assertThat(outcome.result()).as("%s verified at its applied position: %s", sourceTable, outcome.detail())
                    .isEqualTo(TableVerifier.Result.EQUAL);
        }
    }

    /** Waits until the target table equals the source table, columns and rows, else fails showing both. */
    static void awaitSameRows(MatrixOneUri source, String sourceTable, MatrixOneUri target, String targetTable, Duration timeout)
            throws InterruptedException {
        TableComparison.awaitEqual(source, TableId.parse(sourceTable), target, TableId.parse(targetTable), timeout);
    }

    /**
     * A temporary data directory for mo-cdc's embedded runtime, whose worker loads the connectors from the plugin
     * directories 'mvn package' builds.
     */
    static Path embeddedRuntimeDir(String prefix) throws java.io.IOException {
        Path modules = Path.of("..").toAbsolutePath().normalize();
        System.setProperty("mo.cdc.plugin.path", modules.resolve("matrixone-source-connector/target/plugin") + ","
                + modules.resolve("matrixone-sink-connector/target/plugin"));
        return Files.createTempDirectory(prefix);
    }

    static void awaitRows(MatrixOneUri server, String table, long atLeast, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (rowCount(server, table) < atLeast) {
            assertThat(System.nanoTime()).as("%s has %d rows within %s", table, atLeast, timeout).isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    /** A long attribute of one of the connectors' task MBeans ({@code sink-task-metrics}, {@code source-task-metrics}). */
    static long metric(String type, String connector, String attribute) throws Exception {
        ObjectName name = new ObjectName("io.matrixone.cdc:type=" + type + ",connector=" + ObjectName.quote(connector)
                + ",task=" + ObjectName.quote("0"));
        return (Long) ManagementFactory.getPlatformMBeanServer().getAttribute(name, attribute);
    }

    /**
     * Inserts, updates and deletes on the source table in small transactions until closed. A failed
     * statement (the server is down) is counted and the writer reconnects and carries on.
     */
    static final class Writer implements AutoCloseable {

        private final MatrixOneUri server;
        private final String table;
        private final AtomicBoolean writing = new AtomicBoolean(true);
        private final AtomicInteger writes = new AtomicInteger();
        private final AtomicInteger failures = new AtomicInteger();
        private final AtomicReference<Throwable> crash = new AtomicReference<>();
        private final Thread thread;
        private int next;

        Writer(MatrixOneUri server, String table, int firstNewId) {
            this.server = server;
            this.table = table;
            this.next = firstNewId;
            this.thread = new Thread(this::run, "writer " + table);
            thread.start();
        }

        private void run() {
            Random random = new Random(42);
            Connection c = null;
            try {
                while (writing.get()) {
                    try {
                        if (c == null) {
                            c = Connections.open(server);
                        }
                        int id = next++;
                        Sql.exec(c, "insert into " + table + " values (" + id + ", 0, 'new " + id + "')",
                                "update " + table + " set n = n + 1, note = 'upd' where id = " + (1 + random.nextInt(id)),
                                "delete from " + table + " where id = " + (1 + random.nextInt(id)));
                        writes.addAndGet(3);
                        Thread.sleep(20);
                    } catch (SQLException e) {
                        failures.incrementAndGet();
                        close(c);
                        c = null;
                        Thread.sleep(500);
                    }
                }
            } catch (Throwable e) {
                crash.set(e);
            } finally {
                close(c);
            }
        }

        private static void close(Connection c) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (SQLException ignored) {
                // a broken connection
            }
        }

        /** Statements committed so far. */
        int writes() {
            return writes.get();
        }

        /** Rounds that failed (server unreachable) and were abandoned. */
        int failures() {
            return failures.get();
        }

        @Override
        public void close() throws InterruptedException {
            writing.set(false);
            thread.join();
            assertThat(crash.get()).as("writer crashed").isNull();
        }
    }

    /** Polls the connectors' states every half second and keeps every FAILED state seen, with its trace. */
    static final class StateWatch implements AutoCloseable {

        private final EmbeddedConnectCluster cluster;
        private final List<String> connectors;
        private final List<String> failures = new CopyOnWriteArrayList<>();
        private final AtomicBoolean watching = new AtomicBoolean(true);
        private final Thread thread;

        StateWatch(EmbeddedConnectCluster cluster, String... connectors) {
            this.cluster = cluster;
            this.connectors = List.of(connectors);
            this.thread = new Thread(this::run, "state watch");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            while (watching.get()) {
                for (String name : connectors) {
                    try {
                        ConnectorStateInfo status = cluster.connectorStatus(name);
                        if ("FAILED".equals(status.connector().state())) {
                            failures.add(name + ": " + status.connector().trace());
                        }
                        for (ConnectorStateInfo.TaskState task : status.tasks()) {
                            if ("FAILED".equals(task.state())) {
                                failures.add(name + " task " + task.id() + ": " + task.trace());
                            }
                        }
                    } catch (RuntimeException notThereYet) {
                        // created moments ago, or the REST call timed out: look again
                    }
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** Every FAILED state seen so far (connector or task), with its trace. */
        List<String> failures() {
            return new ArrayList<>(failures);
        }

        @Override
        public void close() throws InterruptedException {
            watching.set(false);
            thread.interrupt();
            thread.join();
        }
    }

    /** The first task's state and trace, or empty while the connector has no task yet. */
    static ConnectorStateInfo.TaskState task(EmbeddedConnectCluster cluster, String connector) {
        List<ConnectorStateInfo.TaskState> tasks = cluster.connectorStatus(connector).tasks();
        return tasks.isEmpty() ? null : tasks.get(0);
    }
}
