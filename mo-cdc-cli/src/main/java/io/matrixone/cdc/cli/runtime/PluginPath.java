package io.matrixone.cdc.cli.runtime;

import io.matrixone.cdc.cli.CliException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the embedded Connect worker finds the connectors: the {@code mo.cdc.plugin.path} system property
 * or {@code MO_CDC_PLUGIN_PATH} (comma separated, as Connect's plugin.path), else the exploded Confluent
 * Hub components that {@code mvn package} leaves in each connector module's {@code target/plugin}, found
 * next to this jar's own module in the source tree.
 */
final class PluginPath {

    static final String PROPERTY = "mo.cdc.plugin.path";
    static final String ENV = "MO_CDC_PLUGIN_PATH";
    private static final List<String> CONNECTOR_MODULES = List.of("matrixone-source-connector", "matrixone-sink-connector");

    private PluginPath() {
    }

    static String resolve() {
        String given = System.getProperty(PROPERTY, System.getenv(ENV));
        if (given != null && !given.isBlank()) {
            return given;
        }
        Path root = sourceTreeRoot();
        List<String> dirs = new ArrayList<>();
        for (String module : CONNECTOR_MODULES) {
            Path dir = root == null ? null : root.resolve(module).resolve("target").resolve("plugin");
            if (dir == null || !Files.isDirectory(dir)) {
                throw new CliException("cannot find the " + module + " plugin (target/plugin): build it with 'mvn -DskipTests "
                        + "package' or set " + ENV + " to the connectors' plugin dirs");
            }
            dirs.add(dir.toString());
        }
        return String.join(",", dirs);
    }

    /** The repository root when this class runs from {@code <root>/mo-cdc-cli/target/...}, else null. */
    private static Path sourceTreeRoot() {
        try {
            Path location = Path.of(PluginPath.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path dir = location; dir != null; dir = dir.getParent()) {
                if (Files.isDirectory(dir.resolve(CONNECTOR_MODULES.get(0)))) {
                    return dir;
                }
            }
            return null;
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return null;
        }
    }
}
