package io.matrixone.cdc.cli;

import io.matrixone.cdc.cli.runtime.RuntimeSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where the Connect cluster is: --connect-url (one or more workers of one cluster), or the embedded runtime on
 * 127.0.0.1 (port 8083 unless --rest-port says otherwise).
 */
final class ConnectTarget {

    @Option(names = "--connect-url", split = ",", description = "Kafka Connect REST URL(s) of one cluster, comma separated: "
            + "the first worker that answers is used, so the command goes on when one is down. Default: the embedded runtime, "
            + "started by 'task create' when nothing answers on its REST port.")
    List<String> connectUrls;

    @Option(names = "--secrets-dir", defaultValue = "${env:MO_CDC_SECRETS_DIR}", description = "With --connect-url: a "
            + "directory the Connect workers read with their FileConfigProvider (config.providers=file), where 'task create' "
            + "keeps the task's server URIs in a file only its owner can read; the connectors get references to it, so no "
            + "password is in Connect's REST answers or config topic. Without it, on an existing cluster, the URIs go into the "
            + "connector configs as given. The embedded runtime always uses its own (<data-dir>/secrets).")
    Path secretsDir;

    @Option(names = "--bootstrap-servers", description = "Kafka brokers of the Connect cluster (host:port,...): 'task drop' "
            + "deletes the task's topics through them, 'task show' and 'list' read how far the sink has read each table's topic "
            + "(so an idle table's checkpoint is exact). Default: the embedded runtime's Kafka when no --connect-url is given; "
            + "with --connect-url and without this, drop leaves the topics and says so.")
    String bootstrapServers;

    @Mixin
    RuntimeSettings runtime;

    /** Whether the cluster is the embedded runtime (no --connect-url). */
    boolean embedded() {
        return connectUrls == null || connectUrls.isEmpty();
    }

    /** A client for a Connect that answers; starts the embedded runtime when allowed and needed. */
    ConnectRestClient connect(boolean startEmbedded) {
        if (!embedded()) {
            List<String> unreachable = new ArrayList<>();
            for (String url : connectUrls) {
                ConnectRestClient client = new ConnectRestClient(url.trim());
                if (client.reachable()) {
                    if (!unreachable.isEmpty()) {
                        System.err.println("Kafka Connect not reachable at " + String.join(", ", unreachable) + "; using " + url.trim());
                    }
                    return client;
                }
                unreachable.add(url.trim());
            }
            throw new CliException("cannot reach Kafka Connect at " + String.join(" or ", unreachable));
        }
        String url = runtime.ports().restUrl();
        ConnectRestClient client = new ConnectRestClient(url);
        if (client.reachable()) {
            return client;
        }
        if (!startEmbedded) {
            throw new CliException("no Kafka Connect answers at " + url + ": give --connect-url, or create a task "
                    + "to start the embedded runtime (or: mo-cdc runtime start)");
        }
        runtime.runtime().start(System.err);
        return client;
    }

    /**
     * Where the task's URIs are kept: --secrets-dir, else the embedded runtime's directory when the cluster is the
     * embedded runtime; null on an existing cluster without --secrets-dir.
     */
    TaskSecrets secrets() {
        if (secretsDir != null) {
            return TaskSecrets.in(secretsDir);
        }
        return embedded() ? TaskSecrets.in(runtime.secretsDir()) : null;
    }

    /** --bootstrap-servers, else the embedded runtime's Kafka when the cluster is the embedded runtime; else null. */
    String bootstrapServers() {
        if (bootstrapServers != null) {
            return bootstrapServers;
        }
        return embedded() ? runtime.ports().bootstrapServers() : null;
    }
}
