package io.matrixone.cdc.testing;

import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneUri;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Assumptions;

/**
 * The two real MatrixOne servers the integration tests use: a source and a target, both on
 * loopback, started by {@code scripts/matrixone.sh start}. Host, port, user and password come from
 * system properties or environment variables ({@code mo.source.port} / {@code MO_SOURCE_PORT} ...),
 * defaulting to the script's (127.0.0.1:6001 and :6002, root/111).
 *
 * <p>When a server does not answer, the test is skipped with a message unless
 * {@code mo.required=true} (set by {@code .ci/run} whenever it started the servers), where it fails.
 */
public final class MatrixOneTestServers {

    private MatrixOneTestServers() {
    }

    public static MatrixOneUri source() {
        return uri("source", 6001);
    }

    public static MatrixOneUri target() {
        return uri("target", 6002);
    }

    private static MatrixOneUri uri(String role, int defaultPort) {
        String host = setting("mo." + role + ".host", "127.0.0.1");
        String port = setting("mo." + role + ".port", String.valueOf(defaultPort));
        String user = setting("mo." + role + ".user", "root");
        String password = setting("mo." + role + ".password", "111");
        MatrixOneUri uri = MatrixOneUri.parse("mysql://" + user + ":" + password + "@" + host + ":" + port);
        String problem = Connections.checkReachable(uri);
        if (problem != null) {
            unavailable("MatrixOne " + role + " server not reachable (start it with scripts/matrixone.sh start): " + problem);
        }
        return uri;
    }

    /** Skips the test with this message, or fails it when {@code mo.required=true}. */
    static void unavailable(String message) {
        if (Boolean.parseBoolean(setting("mo.required", "false"))) {
            throw new IllegalStateException(message);
        }
        Assumptions.abort(message);
    }

    static String setting(String property, String fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(property.toUpperCase().replace('.', '_'));
        }
        return value == null || value.isBlank() ? fallback : value;
    }

    public static Connection connect(MatrixOneUri uri) throws SQLException {
        return Connections.open(uri);
    }
}
