package io.matrixone.cdc.common;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;

/**
 * The source server's clock, the one MatrixOne stamps commits with. A window end is taken from it,
 * never from this machine's clock: a read at a future {MO_TS} answers at once with what is committed
 * now, so an end ahead of the server would skip commits made a moment later.
 */
public final class ServerClock {

    private ServerClock() {
    }

    public static long nowNanos(Connection conn) throws SQLException {
        // As text: Connector/J drops the fraction of utc_timestamp(6) when it reads it as a DATETIME.
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("select cast(utc_timestamp(6) as char)")) {
            rs.next();
            java.time.Instant now = LocalDateTime.parse(rs.getString(1).replace(' ', 'T')).toInstant(java.time.ZoneOffset.UTC);
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }
    }
}
