package io.matrixone.cdc.common;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The newest time a MatrixOne connection can read at ({@code {MO_TS}}) and see every commit stamped before it.
 *
 * <p>A time-travel read does not wait for commits still on their way to the CN: a read at the server's "now" can
 * miss a commit stamped a moment before and see it a moment later (docs/matrixone-facts.md, fenced windows). So take
 * the server's clock W, then commit a write: its commit is stamped after W (a transaction commits after its
 * snapshot, taken after W), and MatrixOne starts the session's next statement only once its CN has applied the log
 * up to that commit. From then on, on this connection, reads at W or earlier miss nothing and never change.
 * The write is one row per key in a small table of the caller's own; the connection must be in autocommit mode:
 * the commit is what makes the fence.
 */
public final class ServerFence {

    private ServerFence() {
    }

    /** Creates the fence table (and its database) when missing. */
    public static void createTable(Connection conn, TableId table) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute("CREATE DATABASE IF NOT EXISTS " + Identifiers.quote(table.database()));
            st.execute("CREATE TABLE IF NOT EXISTS " + table.quoted()
                    + " (task VARCHAR(255) PRIMARY KEY, horizon BIGINT NOT NULL, fenced_at DATETIME(6) NOT NULL)");
        }
    }

    /** A fence's write, committed once W is read: any autocommit write will do, given W. */
    @FunctionalInterface
    public interface Write {
        void commit(Connection conn, long serverNowNanos) throws SQLException;
    }

    /** Fences: returns W, the server time up to which this connection's time-travel reads are now complete. */
    public static long fence(Connection conn, TableId table, String key) throws SQLException {
        return fence(conn, (c, serverNow) -> write(c, table, key, serverNow));
    }

    /** Fences with a write of the caller's own (it may record W, or what depends on it); returns W. */
    public static long fence(Connection conn, Write write) throws SQLException {
        long serverNow = ServerClock.nowNanos(conn);
        write.commit(conn, serverNow);
        return serverNow;
    }

    /** Commits the fence row alone (a check that the user may write the table). */
    public static void write(Connection conn, TableId table, String key, long horizonNanos) throws SQLException {
        try (PreparedStatement st = conn.prepareStatement("REPLACE INTO " + table.quoted() + " VALUES (?, ?, utc_timestamp(6))")) {
            st.setString(1, key);
            st.setLong(2, horizonNanos);
            st.executeUpdate();
        }
    }
}
