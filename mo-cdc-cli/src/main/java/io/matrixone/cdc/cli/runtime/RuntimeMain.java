package io.matrixone.cdc.cli.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.connect.cli.ConnectDistributed;

/**
 * The embedded runtime's process: a KRaft broker+controller ({@code kafka.Kafka}, log dir formatted
 * on first start) and a Connect distributed worker, both from Kafka's production entry points, with
 * the configs in this jar's {@code runtime/} resources and state under the data directory.
 */
public final class RuntimeMain {

    private RuntimeMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]).toAbsolutePath();
        String pluginPath = args[1];
        RuntimePorts ports = args.length > 4
                ? new RuntimePorts(Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]))
                : RuntimePorts.DEFAULT;
        Path serverProperties = writeConfig("runtime/server.properties", dataDir, pluginPath, ports);
        Path workerProperties = writeConfig("runtime/connect-distributed.properties", dataDir, pluginPath, ports);
        // The worker's file config provider is allowed to read there only, and checks that the directory exists.
        Files.createDirectories(EmbeddedRuntime.secretsDir(dataDir),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        if (!Files.exists(dataDir.resolve("kafka").resolve("meta.properties"))) {
            int rc = kafka.tools.StorageTool.execute(new String[] {"format", "--config", serverProperties.toString(),
                    "--cluster-id", Uuid.randomUuid().toString(), "--standalone"}, new PrintStream(System.out, true, StandardCharsets.UTF_8));
            if (rc != 0) {
                throw new IllegalStateException("formatting the Kafka log dir failed (" + rc + ")");
            }
        }
        Thread broker = new Thread(() -> kafka.Kafka.main(new String[] {serverProperties.toString()}), "kafka");
        broker.start();
        waitForPort(ports.kafka());
        ConnectDistributed.main(new String[] {workerProperties.toString()});
    }

    /** Copies a config template, with {DATA_DIR}, {PLUGIN_PATH}, {SECRETS_DIR} and the ports filled in, into the data directory. */
    private static Path writeConfig(String resource, Path dataDir, String pluginPath, RuntimePorts ports) throws IOException {
        try (InputStream in = RuntimeMain.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("missing resource " + resource);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("{DATA_DIR}", dataDir.toString())
                    .replace("{PLUGIN_PATH}", pluginPath)
                    .replace("{SECRETS_DIR}", EmbeddedRuntime.secretsDir(dataDir).toString()).replace("{REST_PORT}", String.valueOf(ports.rest()))
                    .replace("{KAFKA_PORT}", String.valueOf(ports.kafka()))
                    .replace("{CONTROLLER_PORT}", String.valueOf(ports.controller()));
            Path target = dataDir.resolve(Path.of(resource).getFileName());
            Files.createDirectories(dataDir);
            Files.writeString(target, text);
            return target;
        }
    }

    private static void waitForPort(int port) throws InterruptedException {
        for (int i = 0; i < 240; i++) {
            try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(500);
            }
        }
        throw new IllegalStateException("Kafka did not listen on 127.0.0.1:" + port);
    }

}
