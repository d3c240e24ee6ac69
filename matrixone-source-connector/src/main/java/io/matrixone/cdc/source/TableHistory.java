package io.matrixone.cdc.source;

import io.matrixone.cdc.common.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A table's identity through time, from MatrixOne's catalog read at a past time
 * ({@code mo_catalog.mo_tables {MO_TS = T}}). TRUNCATE, most ALTER TABLEs and DROP + CREATE give the name a
 * new {@code rel_id} (or none, while dropped); in-place ALTERs (rename or widen a column, add or drop an index,
 * a comment) keep it and raise {@code rel_version}. DATA BRANCH DIFF across a new rel_id is wrong or refused,
 * and across some in-place changes refused (docs/matrixone-facts.md). So a window is diffed only where the
 * identity is the same at both ends, and the moment of a change is found by bisection over the catalog's
 * history, to the nanosecond: a fact of history, so a replay after a crash finds the very same moment and
 * reads the very same windows.
 */
final class TableHistory {

    /** What the name denotes: the table (rel_id) and its schema version within it. */
    record Identity(long relId, long version) {
        boolean sameTable(Identity other) {
            return other != null && relId == other.relId;
        }
    }

    private static final String WHERE = " WHERE reldatabase = ? AND relname = ? AND account_id = current_account_id()";
    private static final String COLUMNS = "SELECT rel_id, rel_version FROM mo_catalog.mo_tables";

    private TableHistory() {
    }

    /** The table's identity at {@code ts}, or null when no table of that name existed then. */
    static Identity at(Connection conn, TableId table, long ts) throws SQLException {
        return identity(conn, table, COLUMNS + " {MO_TS = " + ts + "}" + WHERE);
    }

    /**
     * The identities at {@code ts} of every table in {@code databases}, in one catalog read: what a task checks for
     * all of its tables at the horizon each round.
     */
    static Map<TableId, Identity> allAt(Connection conn, Collection<String> databases, long ts) throws SQLException {
        Map<TableId, Identity> identities = new HashMap<>();
        if (databases.isEmpty()) {
            return identities;
        }
        String sql = "SELECT reldatabase, relname, rel_id, rel_version FROM mo_catalog.mo_tables {MO_TS = " + ts + "}"
                + " WHERE account_id = current_account_id() AND reldatabase IN ("
                + String.join(", ", Collections.nCopies(databases.size(), "?")) + ")";
        try (PreparedStatement st = conn.prepareStatement(sql)) {
            int i = 1;
            for (String database : databases) {
                st.setString(i++, database);
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    identities.put(new TableId(rs.getString(1), rs.getString(2)), new Identity(rs.getLong(3), rs.getLong(4)));
                }
            }
        }
        return identities;
    }

    /** The table's identity now, or null when it does not exist. */
    static Identity now(Connection conn, TableId table) throws SQLException {
        return identity(conn, table, COLUMNS + WHERE);
    }

    private static Identity identity(Connection conn, TableId table, String sql) throws SQLException {
        try (PreparedStatement st = conn.prepareStatement(sql)) {
            st.setString(1, table.database());
            st.setString(2, table.table());
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? new Identity(rs.getLong(1), rs.getLong(2)) : null;
            }
        }
    }

    /**
     * The first time in (from, to] at which the table's identity is no longer {@code identity}, given that it
     * was {@code identity} at {@code from} and is something else at {@code to}: the commit time of the DDL.
     * The times a name holds one identity are one interval (rel_ids are never reused, versions only grow).
     */
    static long changedAt(Connection conn, TableId table, Identity identity, long from, long to) throws SQLException {
        long same = from;
        long changed = to;
        while (changed - same > 1) {
            long mid = same + (changed - same) / 2;
            if (Objects.equals(at(conn, table, mid), identity)) {
                same = mid;
            } else {
                changed = mid;
            }
        }
        return changed;
    }
}
