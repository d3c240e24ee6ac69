package io.matrixone.cdc.cli.runtime;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the embedded runtime keeps its state and which ports it listens on: the same options on every command. */
public final class RuntimeSettings {

    @Option(names = "--data-dir", description = "State of the embedded runtime (Kafka logs, Connect topics). "
            + "Default: ${DEFAULT-VALUE}", defaultValue = "${env:MO_CDC_HOME:-${sys:user.home}/.mo-cdc}")
    Path dataDir;

    @Option(names = "--rest-port", description = "The embedded runtime's Connect REST port on 127.0.0.1. Default: ${DEFAULT-VALUE}",
            defaultValue = "${env:MO_CDC_REST_PORT:-8083}")
    int restPort;

    @Option(names = "--kafka-port", description = "The embedded runtime's Kafka port on 127.0.0.1. Default: ${DEFAULT-VALUE}",
            defaultValue = "${env:MO_CDC_KAFKA_PORT:-9092}")
    int kafkaPort;

    @Option(names = "--controller-port", description = "The embedded runtime's KRaft controller port on 127.0.0.1. "
            + "Default: ${DEFAULT-VALUE}", defaultValue = "${env:MO_CDC_CONTROLLER_PORT:-9093}")
    int controllerPort;

    public RuntimePorts ports() {
        return new RuntimePorts(restPort, kafkaPort, controllerPort);
    }

    /** Where tasks on the embedded runtime keep their server URIs. */
    public Path secretsDir() {
        return EmbeddedRuntime.secretsDir(dataDir);
    }

    public EmbeddedRuntime runtime() {
        return new EmbeddedRuntime(dataDir, ports());
    }
}
