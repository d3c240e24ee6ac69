package io.matrixone.cdc.source;

import io.matrixone.cdc.common.ServerFence;
import io.matrixone.cdc.common.SnapshotProgress;
import io.matrixone.cdc.common.SourceStateTables;
import io.matrixone.cdc.common.TableId;
import io.matrixone.cdc.common.TableStates;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The connector's own tables on the source, in {@code state.database} (never captured):
 * <ul>
 *   <li>{@code fence}: one row per task, rewritten before windows are read (see {@link ReadHorizon}, {@link ServerFence});</li>
 *   <li>{@code snapshot_start}: the time T0 a table's snapshot reads at, written before its first record
 *   is emitted. Connect commits offsets some time after records are sent, so a worker that dies early in
 *   a snapshot can leave rows in Kafka (and in the target) but no offset. Snapshotting again at a new T0
 *   would never retract the rows deleted in between; snapshotting again at the same T0 and streaming from
 *   there does.</li>
 *   <li>{@code window_end}: the end of every window that delivered changes, written before its records are handed
 *   to Connect. Windows are as long as the horizon allows, so a replay after a crash must not read one longer
 *   window across a point where the first run already delivered rows: folded into one net diff, a change made
 *   and undone across that point (an update, a delete after an insert) would never reach the sink. A restored
 *   stream ends its windows at these points until it has passed them; they are deleted once Connect has
 *   committed a checkpoint past them.</li>
 *   <li>{@code window_log}: the same for the tables a task reads often, without a write of their own: a task whose
 *   streaming tables are active fences by appending the horizon and those tables' captures here instead of
 *   rewriting its fence row. A busy table's window then ends at a logged horizon and needs no save (one commit per
 *   window was a third of a busy lane's time); a replay cuts at every logged horizon that lists its table (a cut
 *   where the first run delivered nothing is harmless). Append-only, no key to check; a task deletes its rows once
 *   no table of its needs them ({@link ReadHorizon}).</li>
 * </ul>
 * and {@link SnapshotProgress}'s and {@link TableStates}' tables, which mo-cdc reads to show each table's
 * snapshot progress and state.
 * All are written in autocommit mode: the fence's commit is what makes it a fence. mo-cdc task create and drop forget a
 * task's rows ({@link SourceStateTables#forget}): every key starts with the connector's name.
 */
final class SourceState {

    private final TableId fence;
    private final TableId snapshotStart;
    private final TableId windowEnd;
    private final TableId windowLog;

    SourceState(String database) {
        this.fence = new TableId(database, SourceStateTables.FENCE);
        this.snapshotStart = new TableId(database, SourceStateTables.SNAPSHOT_START);
        this.windowEnd = new TableId(database, SourceStateTables.WINDOW_END);
        this.windowLog = new TableId(database, SourceStateTables.WINDOW_LOG);
    }

    /** Creates the database and tables when missing; also the check that the source user may write them. */
    void create(Connection conn) throws SQLException {
        try (Statement st = conn.createStatement()) {
            ServerFence.createTable(conn, fence);
            st.execute("CREATE TABLE IF NOT EXISTS " + snapshotStart.quoted()
                    + " (capture VARCHAR(1024) PRIMARY KEY, t0 BIGINT NOT NULL, chosen_at DATETIME(6) NOT NULL)");
            st.execute("CREATE TABLE IF NOT EXISTS " + windowEnd.quoted()
                    + " (capture VARCHAR(1024) NOT NULL, ts BIGINT NOT NULL, PRIMARY KEY (capture, ts))");
            st.execute("CREATE TABLE IF NOT EXISTS " + windowLog.quoted()
                    + " (task VARCHAR(255) NOT NULL, horizon BIGINT NOT NULL, captures TEXT NOT NULL)");
        }
        SnapshotProgress.createTable(conn, database());
        TableStates.createTable(conn, database());
    }

    String database() {
        return fence.database();
    }

    /**
     * Fences (see {@link ServerFence}) and returns the server time W read before the fence's commit. With
     * {@code captures}, the fence's write is their log row: the horizon W - {@code lagNanos} may end a window of each.
     */
    long fence(Connection conn, String task, long lagNanos, Collection<String> captures) throws SQLException {
        if (captures.isEmpty()) {
            return ServerFence.fence(conn, fence, task);
        }
        String listed = Offsets.keyJson(new ArrayList<Object>(captures));
        return ServerFence.fence(conn, (c, serverNow) -> {
            try (PreparedStatement st = c.prepareStatement("INSERT INTO " + windowLog.quoted() + " VALUES (?, ?, ?)")) {
                st.setString(1, task);
                st.setLong(2, serverNow - lagNanos);
                st.setString(3, listed);
                st.executeUpdate();
            }
        });
    }

    /** The logged horizons after {@code ts} that list {@code capture}, in time order (see window_log). */
    NavigableSet<Long> loggedEndsAfter(Connection conn, String capture, long ts) throws SQLException {
        NavigableSet<Long> ends = new TreeSet<>();
        try (PreparedStatement st = conn.prepareStatement("SELECT horizon, captures FROM " + windowLog.quoted()
                + " WHERE horizon > ?")) {
            st.setLong(1, ts);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    if (Offsets.parseKeyJson(rs.getString(2)).contains(capture)) {
                        ends.add(rs.getLong(1));
                    }
                }
            }
        }
        return ends;
    }

    /**
     * Deletes a task's log rows before {@code horizon}: no table of the task needs them any more. Also those its lanes
     * logged under keys of their own ("task/lane", all between "task/" and "task0") before they shared its fences.
     */
    void forgetLoggedEndsBefore(Connection conn, String task, long horizon) throws SQLException {
        try (PreparedStatement st = conn.prepareStatement("DELETE FROM " + windowLog.quoted()
                + " WHERE (task = ? OR (task >= ? AND task < ?)) AND horizon < ?")) {
            st.setString(1, task);
            st.setString(2, task + "/");
            st.setString(3, task + "0");
            st.setLong(4, horizon);
            st.executeUpdate();
        }
    }

    /** Commits a fence row without a clock read: the check that the source user may write the state database. */
    void checkWritable(Connection conn) throws SQLException {
        ServerFence.write(conn, fence, "validate", 0);
    }

    Optional<Long> snapshotStart(Connection conn, String capture) throws SQLException {
        try (PreparedStatement st = conn.prepareStatement("SELECT t0 FROM " + snapshotStart.quoted() + " WHERE capture = ?")) {
            st.setString(1, capture);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    void saveSnapshotStart(Connection conn, String capture, long t0) throws SQLException {
        replace(conn, snapshotStart, capture, t0);
    }

    /** Once a checkpoint past the snapshot is committed, T0 is no longer needed. */
    void forgetSnapshotStart(Connection conn, String capture) throws SQLException {
        try (PreparedStatement st = conn.prepareStatement("DELETE FROM " + snapshotStart.quoted() + " WHERE capture = ?")) {
            st.setString(1, capture);
            st.executeUpdate();
        }
    }

    /** Saves the end of a window whose changes are about to be delivered. */
    void saveWindowEnd(Connection conn, String capture, long ts) throws SQLException {
        saveWindowEnds(conn, capture, List.of(ts));
    }

    /** Saves window ends of one capture in one statement. */
    void saveWindowEnds(Connection conn, String capture, Collection<Long> ends) throws SQLException {
        String values = String.join(", ", Collections.nCopies(ends.size(), "(?, ?)"));
        try (PreparedStatement st = conn.prepareStatement("REPLACE INTO " + windowEnd.quoted() + " VALUES " + values)) {
            int i = 1;
            for (long ts : ends) {
                st.setString(i++, capture);
                st.setLong(i++, ts);
            }
            st.executeUpdate();
        }
    }

    /** The ends of windows that delivered changes after {@code ts}, in time order. */
    NavigableSet<Long> windowEndsAfter(Connection conn, String capture, long ts) throws SQLException {
        NavigableSet<Long> ends = new TreeSet<>();
        try (PreparedStatement st = conn.prepareStatement("SELECT ts FROM " + windowEnd.quoted()
                + " WHERE capture = ? AND ts > ?")) {
            st.setString(1, capture);
            st.setLong(2, ts);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    ends.add(rs.getLong(1));
                }
            }
        }
        return ends;
    }

    /** Once a checkpoint at {@code ts} is committed, no replay starts before it. */
    void forgetWindowEndsUpTo(Connection conn, String capture, long ts) throws SQLException {
        try (PreparedStatement st = conn.prepareStatement("DELETE FROM " + windowEnd.quoted() + " WHERE capture = ? AND ts <= ?")) {
            st.setString(1, capture);
            st.setLong(2, ts);
            st.executeUpdate();
        }
    }

    private static void replace(Connection conn, TableId table, String key, long nanos) throws SQLException {
        try (PreparedStatement st = conn.prepareStatement("REPLACE INTO " + table.quoted() + " VALUES (?, ?, utc_timestamp(6))")) {
            st.setString(1, key);
            st.setLong(2, nanos);
            st.executeUpdate();
        }
    }
}
