package io.matrixone.cdc.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import io.matrixone.cdc.common.ConnectionConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigTransformer;
import org.apache.kafka.common.config.provider.FileConfigProvider;

/**
 * Keeps a task's server URIs (passwords included) out of Connect's plain sight. Connect returns a connector's config
 * from its REST API and keeps it in its config topic; so the URIs go into a properties file only its owner can read,
 * {@code <secrets dir>/<task>.properties}, and the connector configs carry references to it,
 * {@code ${file:<path>:source.uri}}, that the workers' {@link FileConfigProvider} resolves when they hand the config to
 * the connectors (Connect writes the references, not the values, back into task configs). The workers must declare
 * the provider ({@code config.providers=file}; the embedded runtime does, docs/cli.md shows it for a cluster).
 */
final class TaskSecrets {

    /** The config provider name in the references: workers declare it under this name. */
    static final String PROVIDER = "file";
    static final String SOURCE_URI = "source.uri";
    static final String SINK_URI = "sink.uri";

    private final Path dir;

    private TaskSecrets(Path dir) {
        this.dir = dir.toAbsolutePath();
    }

    /** Secrets kept in {@code dir}; null means none: the URIs go into the connector configs as they are. */
    static TaskSecrets in(Path dir) {
        return dir == null ? null : new TaskSecrets(dir);
    }

    Path file(String task) {
        return dir.resolve(task + ".properties");
    }

    /** The value a connector config carries for {@code key} of the task: a reference the workers resolve. */
    String reference(String task, String key) {
        return "${" + PROVIDER + ":" + file(task) + ":" + key + "}";
    }

    /** Writes the task's URIs into its file, readable by its owner only (replacing an earlier task's of that name). */
    void store(String task, String sourceUri, String sinkUri) {
        Properties values = new Properties();
        values.setProperty(SOURCE_URI, sourceUri);
        values.setProperty(SINK_URI, sinkUri);
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            // Written under another name first, with its final permissions from the start, then moved into place:
            // the values are never in a file someone else can read, nor half written.
            Path temp = Files.createTempFile(dir, task, ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (OutputStream out = Files.newOutputStream(temp)) {
                values.store(out, "mo-cdc task " + task + ": its server URIs, read by Connect's FileConfigProvider");
            }
            Files.move(temp, file(task), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CliException("cannot write the task's secrets file " + file(task) + ": " + e.getMessage());
        }
    }

    /**
     * Moves the task's URIs out of its connector configs: writes them to the task's file and puts references in their
     * place.
     */
    void moveOut(String task, Map<String, String> sourceConfig, Map<String, String> sinkConfig) {
        store(task, sourceConfig.get(ConnectionConfig.URI), sinkConfig.get(ConnectionConfig.URI));
        sourceConfig.put(ConnectionConfig.URI, reference(task, SOURCE_URI));
        sinkConfig.put(ConnectionConfig.URI, reference(task, SINK_URI));
    }

    /** Deletes the task's file, if any. */
    void delete(String task) {
        deleteFile(file(task));
    }

    /**
     * Deletes the file a connector config's URI reference names, when this machine has it: the task's secrets go
     * with the task, wherever 'task create' put them.
     */
    static void deleteReferenced(Map<String, String> rawConfig) {
        String value = rawConfig.get(ConnectionConfig.URI);
        String prefix = "${" + PROVIDER + ":";
        if (value != null && value.startsWith(prefix) && value.endsWith("}")) {
            String pathAndKey = value.substring(prefix.length(), value.length() - 1);
            int colon = pathAndKey.lastIndexOf(':');
            if (colon > 0) {
                deleteFile(Path.of(pathAndKey.substring(0, colon)));
            }
        }
    }

    private static void deleteFile(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new CliException("cannot delete the task's secrets file " + file + ": " + e.getMessage());
        }
    }

    /**
     * A connector config as its connector sees it: {@code ${file:...}} references replaced by the values they name,
     * when this machine can read the files (the embedded runtime's, or a --secrets-dir shared with the workers).
     * References that cannot be read stay as they are.
     */
    static Map<String, String> resolve(Map<String, String> config) {
        FileConfigProvider files = new FileConfigProvider();
        files.configure(Map.of());
        try {
            Map<String, String> resolved = new HashMap<>(config);
            resolved.putAll(new ConfigTransformer(Map.of(PROVIDER, files)).transform(config).data());
            return resolved;
        } catch (ConfigException unreadable) {
            return config;
        }
    }

    /** Whether a config value is a config provider reference rather than a value. */
    static boolean isReference(String value) {
        return value != null && value.startsWith("${") && value.endsWith("}");
    }
}
