package io.matrixone.cdc.common;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * Which MatrixOne failures are worth retrying. MatrixOne reports its own errors as SQLSTATE HY000
 * with a MatrixOne error code; connection failures surface as SQLSTATE class 08.
 */
public final class MatrixOneErrors {

    /** Write-write conflict: another transaction changed the same row; the statement can be re-run. */
    public static final int WRITE_WRITE_CONFLICT = 20619;
    /** The server asks the client to retry the transaction. */
    public static final int TXN_NEED_RETRY = 20628;
    /**
     * MatrixOne's generic error code (MySQL's ER_UNKNOWN_ERROR). With the message {@code context canceled} it is
     * a statement or COMMIT cut short because the server is shutting down (seen on every restart): retriable.
     */
    public static final int UNKNOWN_ERROR = 1105;
    /** Time travel read of data already collected: {@code file ... is not found}. */
    public static final int FILE_NOT_FOUND = 20405;

    private static final Set<Integer> RETRIABLE_CODES = Set.of(WRITE_WRITE_CONFLICT, TXN_NEED_RETRY);

    private MatrixOneErrors() {
    }

    /** True for conflicts, retry requests, server shutdowns and lost connections, anywhere in the cause chain. */
    public static boolean isRetriable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLRecoverableException || t instanceof SQLTransientException) {
                return true;
            }
            if (t instanceof SQLException sql) {
                if (RETRIABLE_CODES.contains(sql.getErrorCode()) || isShutdownCancel(sql)) {
                    return true;
                }
                String state = sql.getSQLState();
                if (state != null && state.startsWith("08")) {
                    return true;
                }
            }
            if (t instanceof java.net.SocketException || t instanceof java.io.EOFException
                    || t.getClass().getName().equals("com.mysql.cj.jdbc.exceptions.CommunicationsException")) {
                return true;
            }
        }
        return false;
    }

    /** The table or its database does not exist (MySQL codes 1146 and 1049, which MatrixOne uses too). */
    public static boolean isNoSuchTable(SQLException e) {
        return e.getErrorCode() == 1146 || e.getErrorCode() == 1049;
    }

    private static boolean isShutdownCancel(SQLException e) {
        return e.getErrorCode() == UNKNOWN_ERROR && e.getMessage() != null && e.getMessage().contains("context canceled");
    }

    /** One line, safe for logs and status: error code, SQLSTATE and message. */
    public static String describe(SQLException e) {
        return "MatrixOne error " + e.getErrorCode() + " (SQLSTATE " + e.getSQLState() + "): " + e.getMessage();
    }
}
