package io.matrixone.cdc.cli;

import io.matrixone.cdc.cli.runtime.EmbeddedRuntime;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the Connect cluster is: --connect-url, or the embedded runtime on 127.0.0.1:8083. */
final class ConnectTarget {

    static final String DEFAULT_URL = "http://127.0.0.1:" + EmbeddedRuntime.DEFAULT_REST_PORT;

    @Option(names = "--connect-url", description = "Kafka Connect REST URL. Default: the embedded runtime on "
            + DEFAULT_URL + ", started by 'task create' when nothing answers there.")
    String connectUrl;

    @Option(names = "--data-dir", description = "State of the embedded runtime (Kafka logs, Connect topics). "
            + "Default: ${DEFAULT-VALUE}", defaultValue = "${env:MO_CDC_HOME:-${sys:user.home}/.mo-cdc}")
    Path dataDir;

    /** A client for a Connect that answers; starts the embedded runtime when allowed and needed. */
    ConnectRestClient connect(boolean startEmbedded) {
        if (connectUrl != null) {
            ConnectRestClient client = new ConnectRestClient(connectUrl);
            if (!client.reachable()) {
                throw new CliException("cannot reach Kafka Connect at " + connectUrl);
            }
            return client;
        }
        ConnectRestClient client = new ConnectRestClient(DEFAULT_URL);
        if (client.reachable()) {
            return client;
        }
        if (!startEmbedded) {
            throw new CliException("no Kafka Connect answers at " + DEFAULT_URL + ": give --connect-url, or create a task "
                    + "to start the embedded runtime (or: mo-cdc runtime start)");
        }
        new EmbeddedRuntime(dataDir).start(System.err);
        return client;
    }
}
