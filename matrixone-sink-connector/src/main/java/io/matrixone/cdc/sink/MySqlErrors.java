package io.matrixone.cdc.sink;

import io.matrixone.cdc.common.MatrixOneErrors;
import java.sql.SQLException;
import java.util.Set;

/** Which MySQL / MariaDB failures are worth retrying: the transaction can succeed when run again. */
final class MySqlErrors {

    /**
     * 1213 deadlock (InnoDB rolled the transaction back), 1205 lock wait timeout, 1053 server shutting down,
     * 1927 connection killed (MariaDB), 1040 too many connections, 1158-1161 network read/write errors and
     * timeouts, 2006 server gone away, 2013 lost connection, 4031 disconnected by the server (MySQL 8).
     */
    static final Set<Integer> RETRIABLE_CODES = Set.of(1213, 1205, 1053, 1927, 1040, 1158, 1159, 1160, 1161, 2006, 2013, 4031);

    private MySqlErrors() {
    }

    /** The codes above anywhere in the cause chain, or a lost connection as MatrixOne's check sees it (SQLSTATE 08...). */
    static boolean isRetriable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && RETRIABLE_CODES.contains(sql.getErrorCode())) {
                return true;
            }
        }
        // The transport failures are the same whatever server speaks the protocol; MatrixOne's own codes never
        // come from MySQL.
        return MatrixOneErrors.isRetriable(error);
    }

    static String describe(SQLException e) {
        return "MySQL error " + e.getErrorCode() + " (SQLSTATE " + e.getSQLState() + "): " + e.getMessage();
    }
}
