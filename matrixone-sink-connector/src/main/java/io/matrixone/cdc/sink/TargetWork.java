package io.matrixone.cdc.sink;

import java.sql.Connection;
import java.sql.SQLException;

/** Work on the target's connection: retried as a whole on retriable errors, or done inside a write's transaction. */
interface TargetWork {
    void run(Connection conn) throws SQLException;
}
