package io.matrixone.cdc.cli.runtime;

import io.matrixone.cdc.cli.CliException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** The embedded runtime's listeners, all on 127.0.0.1: Connect's REST API, the Kafka broker, the KRaft controller. */
public record RuntimePorts(int rest, int kafka, int controller) {

    public static final RuntimePorts DEFAULT = new RuntimePorts(8083, 9092, 9093);

    public String restUrl() {
        return "http://127.0.0.1:" + rest;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + kafka;
    }

    /** Fails, in one line naming the port and the setting that moves it, when another process holds one of them. */
    void checkFree() {
        checkFree(rest, "Connect's REST API", "--rest-port / MO_CDC_REST_PORT");
        checkFree(kafka, "Kafka", "--kafka-port / MO_CDC_KAFKA_PORT");
        checkFree(controller, "the KRaft controller", "--controller-port / MO_CDC_CONTROLLER_PORT");
    }

    private static void checkFree(int port, String what, String setting) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", port));
        } catch (IOException e) {
            throw new CliException("cannot start the embedded runtime: 127.0.0.1:" + port + " (" + what + ") is taken by another "
                    + "process; free it or choose another port with " + setting);
        }
    }
}
