package io.matrixone.cdc.testing;

import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneUri;

/**
 * The real MariaDB server the {@code --sink-type mysql} tests write to, started by {@code scripts/mariadb.sh start}:
 * 127.0.0.1:3307, root/111 (settings {@code mo.mariadb.host}, {@code mo.mariadb.port}, ... or {@code MO_MARIADB_PORT}
 * ...). MariaDB speaks the MySQL protocol, so the same {@link MatrixOneUri} and JDBC driver reach it.
 *
 * <p>When it does not answer the test is skipped with a message, or fails with {@code mo.required=true}, like the
 * MatrixOne tests.
 */
public final class MariaDbTestServer {

    private MariaDbTestServer() {
    }

    public static MatrixOneUri target() {
        String host = MatrixOneTestServers.setting("mo.mariadb.host", "127.0.0.1");
        String port = MatrixOneTestServers.setting("mo.mariadb.port", "3307");
        String user = MatrixOneTestServers.setting("mo.mariadb.user", "root");
        String password = MatrixOneTestServers.setting("mo.mariadb.password", "111");
        MatrixOneUri uri = MatrixOneUri.parse("mysql://" + user + ":" + password + "@" + host + ":" + port);
        String problem = Connections.checkReachable(uri, "MariaDB");
        if (problem != null) {
            MatrixOneTestServers.unavailable("MariaDB server not reachable (install mariadb-server and start it with "
                    + "scripts/mariadb.sh start): " + problem);
        }
        return uri;
    }
}
