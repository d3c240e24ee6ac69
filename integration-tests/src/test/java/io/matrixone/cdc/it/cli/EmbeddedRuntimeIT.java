package io.matrixone.cdc.it.cli;

import static io.matrixone.cdc.testing.Sql.exec;
import static io.matrixone.cdc.testing.Sql.rows;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.matrixone.cdc.common.MatrixOneUri;
import io.matrixone.cdc.it.MoCdcRunner;
import io.matrixone.cdc.it.MoCdcRunner.Result;
import io.matrixone.cdc.testing.CdcDatabases;
import io.matrixone.cdc.testing.MatrixOnePipelineExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The product's default path: no --connect-url, so 'task create' starts the embedded single-node Kafka +
 * Connect as a background process (Kafka's production entry points, connectors loaded from their plugin
 * dirs), the task copies and streams between the real servers, and 'runtime stop' ends the process.
 * The runtime runs on free ports chosen by the test (--rest-port, --kafka-port, --controller-port), so it does not
 * depend on 8083/9092/9093 being free; a port held by another process stops 'task create' with one line naming it.
 */
@ExtendWith(MatrixOnePipelineExtension.class)
class EmbeddedRuntimeIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TASK = "embedded_it";

    private static Path dataDir;
    private static Connection src;
    private static Connection dst;
    private static String db;
    private static String targetDb;
    private static MatrixOneUri source;
    private static MatrixOneUri target;
    private static int restPort;
    private static int kafkaPort;
    private static int controllerPort;

    @BeforeAll
    static void setUp(CdcDatabases dbs) throws Exception {
        try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0); ServerSocket c = new ServerSocket(0)) {
            restPort = a.getLocalPort();
            kafkaPort = b.getLocalPort();
            controllerPort = c.getLocalPort();
        }
        Path plugins = Path.of("..").toAbsolutePath().normalize();
        Path sourcePlugin = plugins.resolve("matrixone-source-connector/target/plugin");
        Path sinkPlugin = plugins.resolve("matrixone-sink-connector/target/plugin");
        assertThat(sourcePlugin).as("connector plugin dirs are built by 'mvn package'").isDirectory();
        assertThat(sinkPlugin).isDirectory();
        System.setProperty("mo.cdc.plugin.path", sourcePlugin + "," + sinkPlugin);
        source = dbs.source;
        target = dbs.target;
        src = dbs.src;
        dst = dbs.dst;
        db = dbs.srcDb;
        targetDb = dbs.dstDb;
        exec(src, "CREATE TABLE " + db + ".t (id INT PRIMARY KEY, v VARCHAR(20))", "INSERT INTO " + db + ".t VALUES (1, 'a'), (2, 'b')");
        dataDir = Files.createTempDirectory("mo-cdc-embedded-it");
    }

    @AfterAll
    static void tearDown() {
        if (dataDir != null) {
            run("runtime", "stop", "--data-dir", dataDir.toString());
        }
    }

    @Test
    void createStartsTheRuntimeWhichKeepsStreamingUntilStopped() throws Exception {
        try (ServerSocket taken = new ServerSocket(kafkaPort, 1, InetAddress.getByName("127.0.0.1"))) {
            Result refused = run("task", "create", "--data-dir", dataDir.toString(), "--task-name", TASK,
                    "--source-uri", uri(source), "--sink-uri", uri(target), "--tables", db + ".t:" + targetDb + ".t");
            assertThat(refused.exit()).isNotZero();
            assertThat(refused.err().strip()).isEqualTo("mo-cdc: cannot start the embedded runtime: 127.0.0.1:" + kafkaPort
                    + " (Kafka) is taken by another process; free it or choose another port with --kafka-port / MO_CDC_KAFKA_PORT");
            assertThat(pid()).isEmpty();
        }
        Result created = run("task", "create", "--data-dir", dataDir.toString(), "--task-name", TASK,
                "--source-uri", uri(source), "--sink-uri", uri(target), "--tables", db + ".t:" + targetDb + ".t");
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.err()).contains("starting embedded Kafka + Connect").contains("task " + TASK + ": running");
        Optional<Long> pid = pid();
        assertThat(pid).as("runtime.pid").isPresent();
        assertThat(ProcessHandle.of(pid.get()).map(ProcessHandle::isAlive)).contains(true);
        assertThat(Files.readString(dataDir.resolve("connect-distributed.properties")))
                .contains("plugin.path=" + System.getProperty("mo.cdc.plugin.path"));
        // The passwords are in a file only its owner reads; Connect's REST API has references to it.
        Path secrets = dataDir.resolve("secrets").resolve(TASK + ".properties");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets))).isEqualTo("rw-------");
        assertThat(Files.readString(secrets)).contains(source.password());
        for (String connector : List.of(TASK + "-source", TASK + "-sink")) {
            String config = get("/connectors/" + connector + "/config") + get("/connectors/" + connector + "/tasks");
            // The password as a URI's or a setting's value: its bare digits ("111") may stand in the random name of
            // the data directory, which the references carry (a CI run failed so: "...embedded-it11139022...").
            assertThat(config).as(connector).contains("${file:" + secrets + ":")
                    .doesNotContain(":" + source.password() + "@").doesNotContain("\"" + source.password() + "\"");
        }

        awaitTarget(List.of(List.of("1", "a"), List.of("2", "b")));
        exec(src, "INSERT INTO " + db + ".t VALUES (3, 'c')", "UPDATE " + db + ".t SET v = 'A' WHERE id = 1",
                "DELETE FROM " + db + ".t WHERE id = 2");
        awaitTarget(List.of(List.of("1", "A"), List.of("3", "c")));

        // A later command finds the runtime on its REST port without --connect-url.
        Result shown = run("task", "show", "--task-name", TASK, "--source-uri", uri(source));
        assertThat(shown.exit()).as(shown.err()).isZero();
        JsonNode task = JSON.readTree(shown.out()).get(0);
        assertThat(task.get("state").asText()).isEqualTo("running");
        assertThat(task.get("workers").asText()).contains("/0\": RUNNING on ").contains(":" + restPort);
        // Several --connect-url: the first worker that answers serves the command.
        String dead = "http://127.0.0.1:1"; // nothing listens there
        Result failover = MoCdcRunner.run("task", "show", "--task-name", TASK, "--connect-url", dead + ",http://127.0.0.1:" + restPort);
        assertThat(failover.exit()).as(failover.err()).isZero();
        assertThat(failover.err()).contains("Kafka Connect not reachable at " + dead + "; using http://127.0.0.1:" + restPort);
        assertThat(JSON.readTree(failover.out()).get(0).get("state").asText()).isEqualTo("running");
        assertThat(task.get("checkpoint").asText()).contains(db + ".t");
        assertThat(shown.out()).doesNotContain(":" + source.password() + "@").contains(":******@");

        // Drop deletes the task's topics too: a task re-created under the same name replays nothing of this one.
        String topic = TASK + "." + db + ".t";
        assertThat(topics()).contains(topic);
        Result dropped = run("task", "drop", "--task-name", TASK);
        assertThat(dropped.exit()).as(dropped.err()).isZero();
        assertThat(dropped.err()).contains("task " + TASK + " dropped").contains("deleted topics " + topic);
        assertThat(secrets).as("the task's secrets go with it").doesNotExist();
        assertThat(topics()).noneMatch(t -> t.startsWith(TASK + ".") || t.equals("__mo_cdc_heartbeat." + TASK));

        exec(src, "DELETE FROM " + db + ".t", "INSERT INTO " + db + ".t VALUES (10, 'new')");
        exec(dst, "DROP TABLE " + targetDb + ".t");
        Result again = run("task", "create", "--data-dir", dataDir.toString(), "--task-name", TASK, "--source-uri", uri(source), "--sink-uri", uri(target),
                "--tables", db + ".t:" + targetDb + ".t");
        assertThat(again.exit()).as(again.err()).isZero();
        // The earlier run's records (1, 2, 3, ...) sit before the new snapshot's in a topic that was not deleted.
        awaitTarget(List.of(List.of("10", "new")));
        Thread.sleep(3000);
        assertThat(targetRows()).as("nothing of the dropped task's run").isEqualTo(List.of(List.of("10", "new")));
        Result droppedAgain = run("task", "drop", "--task-name", TASK);
        assertThat(droppedAgain.exit()).as(droppedAgain.err()).isZero();

        Result stopped = run("runtime", "stop", "--data-dir", dataDir.toString());
        assertThat(stopped.exit()).isZero();
        assertThat(ProcessHandle.of(pid.get()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        Result after = run("task", "list");
        assertThat(after.exit()).isEqualTo(1);
        assertThat(after.err().strip()).startsWith("mo-cdc: no Kafka Connect answers at http://127.0.0.1:" + restPort);
    }

    // ---------------------------------------------------------------- helpers

    /** A mo-cdc command on this test's runtime ports. */
    private static Result run(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--rest-port", String.valueOf(restPort), "--kafka-port", String.valueOf(kafkaPort),
                "--controller-port", String.valueOf(controllerPort)));
        return MoCdcRunner.run(all.toArray(String[]::new));
    }

    /** A GET on the runtime's Connect REST API: the answer's body. */
    private static String get(String path) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + restPort + path)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String uri(MatrixOneUri server) {
        return server.unmasked();
    }

    private static Optional<Long> pid() throws IOException {
        Path file = dataDir.resolve("runtime.pid");
        return Files.exists(file) ? Optional.of(Long.parseLong(Files.readString(file).trim())) : Optional.empty();
    }

    /** The embedded broker's topics. */
    private static java.util.Set<String> topics() throws Exception {
        try (Admin admin = Admin.create(java.util.Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + kafkaPort))) {
            return admin.listTopics().names().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private static List<List<String>> targetRows() {
        try {
            return rows(dst, "SELECT id, v FROM " + targetDb + ".t ORDER BY id");
        } catch (SQLException e) {
            return List.of(); // not created yet
        }
    }

    private static void awaitTarget(List<List<String>> expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline && !targetRows().equals(expected)) {
            Thread.sleep(250);
        }
        assertThat(targetRows()).isEqualTo(expected);
    }
}
