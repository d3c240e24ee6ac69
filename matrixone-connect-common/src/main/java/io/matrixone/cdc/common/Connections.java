package io.matrixone.cdc.common;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;

/** Opens connections to MatrixOne: single ones for checks, pooled ones for tasks. */
public final class Connections {

    private Connections() {
    }

    /** One connection, for validation and one-off statements. */
    public static Connection open(MatrixOneUri uri) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", uri.user());
        props.setProperty("password", uri.password());
        return DriverManager.getConnection(uri.jdbcUrl(), props);
    }

    /** Closes {@code conn} (null: nothing) when it is likely broken anyway: a failure to close is only logged. */
    public static void closeQuietly(Connection conn) {
        try {
            if (conn != null) {
                conn.close();
            }
        } catch (SQLException e) {
            org.slf4j.LoggerFactory.getLogger(Connections.class).debug("closing a broken connection", e);
        }
    }

    /** A small pool for a task; the pool name shows in JMX and thread names. */
    public static HikariDataSource pool(MatrixOneUri uri, String poolName, int maxSize) {
        return pool(uri, poolName, maxSize, Map.of());
    }

    /** The same, with Connector/J settings for this pool's connections only (see {@link JdbcProperties#SINK_STATEMENT_CACHE}). */
    public static HikariDataSource pool(MatrixOneUri uri, String poolName, int maxSize, Map<String, String> driverProperties) {
        HikariConfig config = new HikariConfig();
        driverProperties.forEach(config::addDataSourceProperty);
        config.setJdbcUrl(uri.jdbcUrl());
        config.setUsername(uri.user());
        config.setPassword(uri.password());
        config.setPoolName(poolName);
        config.setMaximumPoolSize(maxSize);
        config.setMinimumIdle(0);
        // A task must start even while MatrixOne is briefly down; it retries on first use.
        config.setInitializationFailTimeout(-1);
        config.setConnectionTimeout(30_000);
        config.setKeepaliveTime(60_000);
        return new HikariDataSource(config);
    }

    /** A one-line reachability check for validators: null when fine, else why not. */
    public static String checkReachable(MatrixOneUri uri) {
        return checkReachable(uri, "MatrixOne");
    }

    /** The same for a server of another kind, named in the message (a MySQL sink: "MySQL"). */
    public static String checkReachable(MatrixOneUri uri, String kind) {
        try (Connection c = open(uri); var st = c.createStatement(); var rs = st.executeQuery("select version()")) {
            rs.next();
            return null;
        } catch (SQLException e) {
            return "cannot connect to " + kind + " at " + uri.masked() + ": " + firstLine(e.getMessage());
        }
    }

    static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
