package io.matrixone.cdc.source;

import io.matrixone.cdc.common.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;

/**
 * A table's identity through time, from MatrixOne's catalog read at a past time
 * ({@code mo_catalog.mo_tables {MO_TS = T}}). TRUNCATE, ALTER TABLE and DROP + CREATE give the name a new
 * {@code rel_id} (or none, while dropped), and DATA BRANCH DIFF across such a change is wrong or refused
 * (docs/matrixone-facts.md). So a window is diffed only where the identity is the same at both ends, and
 * the moment of a change is found by bisection over the catalog's history, to the nanosecond: a fact of
 * history, so a replay after a crash finds the very same moment and reads the very same windows.
 */
final class TableHistory {

    private static final String WHERE = " WHERE reldatabase = ? AND relname = ? AND account_id = current_account_id()";
    private static final String REL_ID_NOW = "SELECT rel_id FROM mo_catalog.mo_tables" + WHERE;

    private TableHistory() {
    }

    /** The table's rel_id at {@code ts}, or null when no table of that name existed then. */
    static Long relIdAt(Connection conn, TableId table, long ts) throws SQLException {
        return relId(conn, table, "SELECT rel_id FROM mo_catalog.mo_tables {MO_TS = " + ts + "}" + WHERE);
    }

    private static Long relId(Connection conn, TableId table, String sql) throws SQLException {
        try (PreparedStatement st = conn.prepareStatement(sql)) {
            st.setString(1, table.database());
            st.setString(2, table.table());
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    /** The table's rel_id now, or null when it does not exist. */
    static Long relIdNow(Connection conn, TableId table) throws SQLException {
        return relId(conn, table, REL_ID_NOW);
    }

    /**
     * The first time in (from, to] at which the table's identity is no longer {@code relId}, given that it was
     * {@code relId} at {@code from} and is something else at {@code to}: the commit time of the DDL.
     */
    static long changedAt(Connection conn, TableId table, Long relId, long from, long to) throws SQLException {
        long same = from;
        long changed = to;
        while (changed - same > 1) {
            long mid = same + (changed - same) / 2;
            if (Objects.equals(relIdAt(conn, table, mid), relId)) {
                same = mid;
            } else {
                changed = mid;
            }
        }
        return changed;
    }
}
