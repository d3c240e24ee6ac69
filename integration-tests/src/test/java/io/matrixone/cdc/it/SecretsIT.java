package io.matrixone.cdc.it;

import static io.matrixone.cdc.testing.Sql.exec;
import static io.matrixone.cdc.testing.Sql.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneUri;
import io.matrixone.cdc.it.MoCdcRunner.Result;
import io.matrixone.cdc.testing.ConnectClusterHarness;
import io.matrixone.cdc.testing.MatrixOneTestServers;
import io.matrixone.cdc.testing.PitrDatabase;
import io.matrixone.cdc.testing.Sql;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * No password leaks: the source and target are MatrixOne accounts whose admin has a unique password, and everything
 * the Connect worker logs (at INFO, Kafka and Connect included, from its start to its stop), every REST status and
 * failure trace, every config validation answer, and everything {@code mo-cdc} prints is scanned for it, through a
 * working task and the failures users meet: a table that does not exist, an unreachable target, a wrong password, a
 * sink task that fails on a row. And none in what Connect keeps: tasks that mo-cdc creates give their connectors
 * references to a file only its owner reads ({@code --secrets-dir}, resolved by the workers' FileConfigProvider), so
 * the REST config and task-config answers and every byte of Connect's config topic are free of it too; a connector
 * made by hand uses the same kind of reference.
 */
class SecretsIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String SOURCE_CLASS = "io.matrixone.cdc.source.MatrixOneSourceConnector";
    private static final String SINK_CLASS = "io.matrixone.cdc.sink.MatrixOneSinkConnector";
    private static final String CONFIG_TOPIC = "secrets-it-configs";

    private final String password = "Pw" + UUID.randomUUID().toString().replace("-", "").substring(0, 20) + "x9";
    /** A second secret: a wrong password given for a real user must not be echoed either. */
    private final String wrongPassword = "Wr" + UUID.randomUUID().toString().replace("-", "").substring(0, 20) + "q7";
    /** Everything the scan looks at. */
    private final StringBuilder seen = new StringBuilder();

    @Test
    void noPasswordInWorkerLogsRestAnswersValidationOrCliOutput() throws Exception {
        MatrixOneUri sourceRoot = MatrixOneTestServers.source();
        MatrixOneUri targetRoot = MatrixOneTestServers.target();
        String account = Sql.uniqueDatabase("secret");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream out = System.out;
        PrintStream err = System.err;
        Map<Object, Integer> levels = new HashMap<>();
        try (Connection srcRoot = Connections.open(sourceRoot); Connection dstRoot = Connections.open(targetRoot)) {
            String identified = "admin_name 'admin' identified by '" + password + "'";
            exec(srcRoot, "create account " + account + " " + identified);
            exec(dstRoot, "create account " + account + " " + identified);
            MatrixOneUri source = MatrixOneUri.parse("mysql://" + account + "#admin:" + password + "@" + sourceRoot.host() + ":" + sourceRoot.port());
            MatrixOneUri target = MatrixOneUri.parse("mysql://" + account + "#admin:" + password + "@" + targetRoot.host() + ":" + targetRoot.port());
            try {
                // Every line the worker logs, from before it starts until after it stops, goes through here too.
                System.setOut(tee(out, log));
                System.setErr(tee(err, log));
                infoLevelForKafka(levels);
                exercise(source, target);
            } finally {
                System.setOut(out);
                System.setErr(err);
                restoreLevels(levels);
                exec(srcRoot, "drop account if exists " + account);
                exec(dstRoot, "drop account if exists " + account);
            }
        }
        String logged = log.toString(StandardCharsets.UTF_8);
        // The capture works, at INFO, and saw the failures: a scan of nothing would prove nothing.
        assertThat(logged).as("Connect's INFO config dump of the connectors").contains("connection.uri = [hidden]");
        assertThat(logged).as("the failing sink task's error").contains("secret_sink");
        assertThat(seen).as("the failures reached the scanned answers").contains("does not exist").contains(":******@");
        for (String secret : List.of(password, wrongPassword)) {
            assertThat(logged).as("worker and test log").doesNotContain(secret);
            assertThat(seen.toString()).as("REST answers, validation messages, mo-cdc output").doesNotContain(secret);
        }
    }

    private void exercise(MatrixOneUri source, MatrixOneUri target) throws Exception {
        try (Connection src = Connections.open(source); Connection dst = Connections.open(target)) {
            PitrDatabase.create(src, "d");
            exec(src, "create table d.t (id int primary key, v varchar(20))", "insert into d.t values (1, 'one'), (2, 'two')");
            // The trap for the failing sink: v is a number on the target, the rows carry words.
            exec(dst, "create database d", "create table d.bad (id int primary key, v int)");
            try (ConnectClusterHarness connect = ConnectClusterHarness.start("secrets-it", false, 1,
                    Map.of("config.storage.topic", CONFIG_TOPIC))) {
                EmbeddedConnectCluster cluster = connect.cluster();
                String rest = connect.restUrl();

                // A working task, through mo-cdc.
                scan(MoCdcRunner.runOn(rest, "task", "create", "--task-name", "secret_ok", "--source-uri", source.unmasked(),
                        "--sink-uri", target.unmasked(), "--tables", "d.t:d.t", "--wait", "90"));
                awaitRows(dst, "select id, v from d.t order by id", List.of(List.of("1", "one"), List.of("2", "two")));
                scan(MoCdcRunner.runOn(rest, "task", "show", "--task-name", "secret_ok", "--source-uri", source.unmasked()));
                Path secrets = MoCdcRunner.secretsDir().resolve("secret_ok.properties");
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets))).isEqualTo("rw-------");
                for (String connector : List.of("secret_ok-source", "secret_ok-sink")) {
                    String kept = http("GET", rest + "/connectors/" + connector + "/config", null)
                            + http("GET", rest + "/connectors/" + connector + "/tasks", null);
                    assertThat(kept).as(connector + ": config and task configs hold the reference").contains("${file:" + secrets + ":");
                    scan(kept);
                }
                scan(MoCdcRunner.runOn(rest, "task", "list"));

                // Refused by mo-cdc: a table that does not exist, an unreachable target, a wrong password.
                scan(MoCdcRunner.runOn(rest, "task", "create", "--task-name", "secret_missing", "--source-uri", source.unmasked(),
                        "--sink-uri", target.unmasked(), "--tables", "d.missing"));
                scan(MoCdcRunner.runOn(rest, "task", "create", "--task-name", "secret_unreachable", "--source-uri", source.unmasked(),
                        "--sink-uri", target.unmasked().replace(":" + target.port(), ":1"), "--tables", "d.t"));
                scan(MoCdcRunner.runOn(rest, "task", "create", "--task-name", "secret_wrong", "--source-uri",
                        source.unmasked().replace(":" + password + "@", ":" + wrongPassword + "@"), "--sink-uri", target.unmasked(),
                        "--tables", "d.t"));

                // Connect's own validation and creation answers, for the same failures.
                Map<String, String> missing = connector(SOURCE_CLASS, source, "secret_v-source");
                missing.put("topic.prefix", "secret_v");
                missing.put("tables", "d.missing");
                scan(http("PUT", rest + "/connector-plugins/" + SOURCE_CLASS + "/config/validate", missing));
                scan(http("PUT", rest + "/connectors/secret_v-source/config", missing));
                Map<String, String> unreachable = connector(SINK_CLASS, MatrixOneUri.parse(target.unmasked().replace(":" + target.port(), ":1")),
                        "secret_v-sink");
                unreachable.put("topics", "secret_v.d.t");
                scan(http("PUT", rest + "/connector-plugins/" + SINK_CLASS + "/config/validate", unreachable));
                scan(http("PUT", rest + "/connectors/secret_v-sink/config", unreachable));

                // A sink task that fails at run time: its status trace and mo-cdc's err-msg. Made by hand, with its URI in
                // a file of its own, as docs/cli.md shows for connectors made without mo-cdc.
                Path handMade = Files.createTempFile(MoCdcRunner.secretsDir(), "hand-made", ".properties",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(handMade, "target.uri=" + target.unmasked().replace("#", "\\#") + "\n");
                Map<String, String> failing = connector(SINK_CLASS, target, "secret_sink");
                failing.put("connection.uri", "${file:" + handMade + ":target.uri}");
                failing.put("topics", "secret_ok.d.t");
                failing.put("tables", "d.t:d.bad");
                // Connect answers a PUT with the config as given: here, with the reference.
                String created = http("PUT", rest + "/connectors/secret_sink/config", failing);
                assertThat(created).startsWith("201 ").contains("${file:" + handMade + ":target.uri}");
                scan(created);
                cluster.assertions().assertConnectorIsRunningAndTasksHaveFailed("secret_sink", 1, "the trap did not fail the sink");
                scan(http("GET", rest + "/connectors/secret_sink/status", null));
                scan(http("GET", rest + "/connectors?expand=status", null));
                scan(http("GET", rest + "/connectors/secret_ok-source/offsets", null));
                scan(http("GET", rest + "/connectors/secret_ok-source/topics", null));

                Result dropped = MoCdcRunner.runOn(rest, "task", "drop", "--task-name", "secret_ok");
                scan(dropped);
                // With --connect-url and no --bootstrap-servers, drop says the topics stay.
                assertThat(dropped.err()).contains("its topics (secret_ok.* and __mo_cdc_heartbeat.secret_ok) were not deleted");
                cluster.deleteConnector("secret_sink");
                assertThat(secrets).as("the task's secrets go with it").doesNotExist();
                scanConfigTopic(connect);
            }
        }
    }

    /** Every byte Connect kept in its config topic: connector configs, task configs, target states. */
    private void scanConfigTopic(ConnectClusterHarness connect) throws Exception {
        StringBuilder topic = new StringBuilder();
        for (ConsumerRecord<byte[], byte[]> record : connect.cluster().kafka().consumeAll(30_000, CONFIG_TOPIC)) {
            topic.append(record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8)).append(' ')
                    .append(record.value() == null ? "" : new String(record.value(), StandardCharsets.UTF_8)).append('\n');
        }
        assertThat(topic).as("the config topic holds the tasks' references").contains("secret_ok-source").contains("${file:");
        scan(topic.toString());
    }

    private static Map<String, String> connector(String connectorClass, MatrixOneUri uri, String name) {
        Map<String, String> config = new HashMap<>();
        config.put("name", name);
        config.put("connector.class", connectorClass);
        config.put("tasks.max", "1");
        config.put("connection.uri", uri.unmasked());
        return config;
    }

    private void scan(Result result) {
        seen.append(result.out()).append('\n').append(result.err()).append('\n');
    }

    private void scan(String text) {
        seen.append(text).append('\n');
    }

    private static String http(String method, String url, Map<String, String> body) throws Exception {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(body));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json").method(method, publisher).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    private static void awaitRows(Connection c, String query, List<List<String>> expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        List<List<String>> actual = List.of();
        while (System.nanoTime() < deadline) {
            try {
                actual = rows(c, query);
            } catch (SQLException e) {
                actual = List.of(); // not created yet
            }
            if (actual.equals(expected)) {
                return;
            }
            Thread.sleep(250);
        }
        assertThat(actual).isEqualTo(expected);
    }

    // ---------------------------------------------------------------- capturing the worker's log

    private static PrintStream tee(PrintStream original, ByteArrayOutputStream copy) {
        return new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                synchronized (copy) {
                    copy.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                original.write(b, off, len);
                synchronized (copy) {
                    copy.write(b, off, len);
                }
            }
        }, true, StandardCharsets.UTF_8);
    }

    /**
     * The tests log Kafka and Connect at WARN (test-support's simplelogger.properties); this test needs INFO, where
     * Connect dumps connector configs. slf4j-simple writes to System.err as it is at each call, and reads a logger's
     * level when the logger is made: loggers made from now on get INFO from system properties, and those made
     * already (by earlier tests in this JVM) are set to INFO here, and set back afterwards.
     */
    private static void infoLevelForKafka(Map<Object, Integer> saved) throws ReflectiveOperationException {
        for (String prefix : List.of("org.apache.kafka", "kafka", "io.matrixone", "com.zaxxer", "com.mysql")) {
            System.setProperty("org.slf4j.simpleLogger.log." + prefix, "info");
        }
        Logger probe = LoggerFactory.getLogger("org.apache.kafka.connect.runtime.Worker");
        Field level = probe.getClass().getDeclaredField("currentLogLevel");
        level.setAccessible(true);
        Field map = LoggerFactory.getILoggerFactory().getClass().getDeclaredField("loggerMap");
        map.setAccessible(true);
        for (Map.Entry<?, ?> entry : ((ConcurrentMap<?, ?>) map.get(LoggerFactory.getILoggerFactory())).entrySet()) {
            String name = (String) entry.getKey();
            if (name.startsWith("org.apache.kafka") || name.startsWith("kafka") || name.startsWith("io.matrixone")) {
                saved.put(entry.getValue(), level.getInt(entry.getValue()));
                level.setInt(entry.getValue(), 20); // SimpleLogger.LOG_LEVEL_INFO
            }
        }
        assertThat(probe.isInfoEnabled()).as("Connect logs at INFO for this test").isTrue();
    }

    private static void restoreLevels(Map<Object, Integer> saved) throws ReflectiveOperationException {
        for (String prefix : List.of("org.apache.kafka", "kafka", "io.matrixone", "com.zaxxer", "com.mysql")) {
            System.clearProperty("org.slf4j.simpleLogger.log." + prefix);
        }
        for (Map.Entry<Object, Integer> entry : saved.entrySet()) {
            Field level = entry.getKey().getClass().getDeclaredField("currentLogLevel");
            level.setAccessible(true);
            level.setInt(entry.getKey(), entry.getValue());
        }
    }
}
