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
 *
 * <p>The tests' own connections (through these URIs) give up on a statement after {@link #TEST_SOCKET_TIMEOUT_MS}:
 * a server that stops answering once hung a writer, and with it the whole CI run, in a socket read forever. The
 * connectors under test get the URIs' {@code mysql://} form (no such setting), so they run as users run them.
 */
public final class MatrixOneTestServers {

    /** Longer than any statement a test runs (a whole-table comparison takes seconds). */
    static final int TEST_SOCKET_TIMEOUT_MS = 300_000;

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
        MatrixOneUri uri = MatrixOneUri.fromJdbcUrl("jdbc:mysql://" + host + ":" + port + "/?socketTimeout="
                + TEST_SOCKET_TIMEOUT_MS, user, password);
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
