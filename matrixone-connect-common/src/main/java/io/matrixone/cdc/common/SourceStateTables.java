package io.matrixone.cdc.common;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;

/**
 * The source connector's tables in its {@code state.database} on the source (what each holds: the source connector's
 * SourceState), named here so that the mo-cdc command line can forget a dropped task's rows without depending on the
 * source connector. Every row belongs to one connector: its key starts with {@code <connector>/} (a task's fence and
 * window log rows {@code <connector>/<task>}, a table's snapshot time and window ends {@code <connector>/<db>.<table>}).
 */
public final class SourceStateTables {

    /** The source connector's setting that names the database. */
    public static final String DATABASE_CONFIG = "state.database";

    public static final String FENCE = "fence";
    public static final String SNAPSHOT_START = "snapshot_start";
    public static final String WINDOW_END = "window_end";
    public static final String WINDOW_LOG = "window_log";

    /** Each table of the state database and its key column (the progress and state tables mo-cdc reads too). */
    private static final Map<String, String> KEY_COLUMNS = Map.of(FENCE, "task", SNAPSHOT_START, "capture",
            WINDOW_END, "capture", WINDOW_LOG, "task", SnapshotProgress.TABLE, "capture", TableStates.TABLE, "capture");

    private SourceStateTables() {
    }

    /**
     * Deletes every row of {@code connector} from the state tables, its snapshot progress and table states too. A task
     * created again under a dropped task's name must start afresh: an old snapshot time would make it snapshot at that
     * time (or fail when the time has left the PITR window), old window ends would cut its windows; left alone the rows
     * of every dropped task pile up. Tables the source never created are passed over.
     */
    public static void forget(Connection conn, String database, String connector) throws SQLException {
        for (Map.Entry<String, String> table : KEY_COLUMNS.entrySet()) {
            // Every key from "connector/" up to, not including, "connector0" ('0' follows '/'): no LIKE escaping needed.
            String sql = "DELETE FROM " + new TableId(database, table.getKey()).quoted() + " WHERE " + table.getValue()
                    + " >= ? AND " + table.getValue() + " < ?";
            try (PreparedStatement st = conn.prepareStatement(sql)) {
                st.setString(1, connector + "/");
                st.setString(2, connector + "0");
                st.executeUpdate();
            } catch (SQLException e) {
                if (!MatrixOneErrors.isNoSuchTable(e)) {
                    throw e;
                }
            }
        }
    }
}
