package io.matrixone.cdc.cli;

import io.matrixone.cdc.common.TableId;
import io.matrixone.cdc.common.TopicNames;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * The Kafka topics a task's records are in: one per table, {@code <topic.prefix>.<db>.<table>}, and the
 * heartbeat topic {@code <heartbeat.topics.prefix>.<topic.prefix>}. The sink subscribes to
 * {@code <topic.prefix>\..*}, so every topic under the prefix is the task's. {@code task drop} deletes them,
 * or a task re-created under the same name would replay their records into the sink.
 */
final class TaskTopics {

    static final String DEFAULT_HEARTBEAT_PREFIX = "__mo_cdc_heartbeat";
    private static final long TIMEOUT_MS = 30_000;

    private final String prefix;
    private final String heartbeatTopic;

    private TaskTopics(String prefix, String heartbeatTopic) {
        this.prefix = prefix;
        this.heartbeatTopic = heartbeatTopic;
    }

    /** From the source connector's config (empty when the source connector is gone: the defaults mo-cdc sets). */
    static TaskTopics of(String task, Map<String, String> sourceConfig) {
        String prefix = sourceConfig.getOrDefault("topic.prefix", task);
        return new TaskTopics(prefix, sourceConfig.getOrDefault("heartbeat.topics.prefix", DEFAULT_HEARTBEAT_PREFIX) + "." + prefix);
    }

    boolean belongs(String topic) {
        return topic.startsWith(prefix + ".") || topic.equals(heartbeatTopic);
    }

    /** What the topics are called, for messages. */
    String describe() {
        return prefix + ".* and " + heartbeatTopic;
    }

    /** Deletes the task's topics through the brokers at {@code bootstrapServers}; returns their names. */
    List<String> delete(String bootstrapServers) throws InterruptedException {
        String unreachable = unreachable(bootstrapServers);
        if (unreachable != null) {
            throw new CliException("no Kafka broker answers at " + unreachable);
        }
        try (Admin admin = Admin.create(adminProps(bootstrapServers, "mo-cdc-task-drop"))) {
            List<String> topics = mine(admin);
            if (!topics.isEmpty()) {
                admin.deleteTopics(topics).all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
            // Deletion completes in the background: wait until the names are free for a re-created task.
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
            while (!mine(admin).isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new CliException("topics " + mine(admin) + " are still being deleted after " + TIMEOUT_MS / 1000 + "s");
                }
                Thread.sleep(200);
            }
            return topics;
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new CliException(ConnectRestClient.firstLine(cause.getClass().getSimpleName() + ": " + cause.getMessage()));
        }
    }

    /** The topic of a source table ({@code db.table}). */
    String topicOf(String table) {
        return TopicNames.forTable(prefix, TableId.parse(table));
    }

    /** The end offset (next offset to be written) of partition 0 of each topic that exists, through {@code bootstrapServers}. */
    Map<String, Long> endOffsets(String bootstrapServers, Collection<String> topics) throws InterruptedException {
        String unreachable = unreachable(bootstrapServers);
        if (unreachable != null) {
            throw new CliException("no Kafka broker answers at " + unreachable);
        }
        try (Admin admin = Admin.create(adminProps(bootstrapServers, "mo-cdc-task-show"))) {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            topics.stream().filter(existing::contains).forEach(t -> latest.put(new TopicPartition(t, 0), OffsetSpec.latest()));
            Map<String, Long> ends = new HashMap<>();
            admin.listOffsets(latest).all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS)
                    .forEach((partition, info) -> ends.put(partition.topic(), info.offset()));
            return ends;
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new CliException(ConnectRestClient.firstLine(cause.getClass().getSimpleName() + ": " + cause.getMessage()));
        }
    }

    private static Properties adminProps(String bootstrapServers, String clientId) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(TIMEOUT_MS));
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        return props;
    }

    private List<String> mine(Admin admin) throws ExecutionException, InterruptedException, TimeoutException {
        Set<String> names = admin.listTopics().names().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        return names.stream().filter(this::belongs).sorted().toList();
    }

    /** The bootstrap list when no address on it accepts a TCP connection (the Admin client would only retry). */
    private static String unreachable(String bootstrapServers) {
        for (String address : bootstrapServers.split(",")) {
            String hostPort = address.trim().replaceFirst("^[A-Za-z0-9_]+://", "");
            int colon = hostPort.lastIndexOf(':');
            if (colon <= 0) {
                throw new CliException("invalid --bootstrap-servers '" + bootstrapServers + "': use host:port[,host:port]");
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))), 3000);
                return null;
            } catch (NumberFormatException e) {
                throw new CliException("invalid --bootstrap-servers '" + bootstrapServers + "': use host:port[,host:port]");
            } catch (IOException e) {
                // try the next one
            }
        }
        return bootstrapServers;
    }
}
