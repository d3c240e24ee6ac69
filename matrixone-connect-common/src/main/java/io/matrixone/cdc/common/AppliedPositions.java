package io.matrixone.cdc.common;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How far the target is: the sink keeps, per connector and source table, in {@code <applied database>.applied_position}
 * on the target and in the same transaction as the rows, the source time up to which the target table is complete
 * ({@code applied_ts}: the end of the last window, snapshot or table event applied whole) and whether rows past it
 * are applied too ({@code partial}: a window applied part way). {@code kafka_offset} grows with every write, so a
 * reader that sees the same row before and after reading the table knows no write came in between.
 * Plain MySQL-dialect SQL: MatrixOne and MySQL targets alike.
 */
public final class AppliedPositions {

    /** The sink setting naming the database (declared by the sink connector, read by mo-cdc). */
    public static final String DATABASE_CONFIG = "applied.database";
    public static final String DEFAULT_DATABASE = "mo_cdc_sink";
    static final String TABLE = "applied_position";

    /** One table's position; {@code appliedTs} 0 when only part of its first snapshot is applied. */
    public record Position(String sourceTable, String targetTable, long appliedTs, boolean partial, String topic,
                           int partition, long kafkaOffset) {
    }

    private AppliedPositions() {
    }

    public static void createTable(Connection conn, String database) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute("CREATE DATABASE IF NOT EXISTS " + Identifiers.quote(database));
            st.execute("CREATE TABLE IF NOT EXISTS " + table(database) + " (connector VARCHAR(255) NOT NULL,"
                    + " source_table VARCHAR(512) NOT NULL, target_table VARCHAR(512) NOT NULL, applied_ts BIGINT NOT NULL,"
                    + " `partial` BOOL NOT NULL, kafka_topic VARCHAR(255) NOT NULL, kafka_partition INT NOT NULL,"
                    + " kafka_offset BIGINT NOT NULL, updated_at DATETIME(6) NOT NULL, PRIMARY KEY (connector, source_table))");
        }
    }

    /**
     * Records tables' positions; runs in the caller's transaction, beside the rows they describe. A partial position
     * keeps the table's applied time as it was (the rows past it are not a whole window yet) and only says so.
     */
    public static void save(Connection conn, String database, String connector, Collection<Position> positions) throws SQLException {
        List<Position> complete = positions.stream().filter(p -> !p.partial()).toList();
        List<Position> partial = positions.stream().filter(Position::partial).toList();
        if (!complete.isEmpty()) {
            insert(conn, "REPLACE INTO " + table(database), "", connector, complete);
        }
        if (!partial.isEmpty()) {
            insert(conn, "INSERT INTO " + table(database), " ON DUPLICATE KEY UPDATE `partial` = VALUES(`partial`),"
                    + " kafka_topic = VALUES(kafka_topic), kafka_partition = VALUES(kafka_partition),"
                    + " kafka_offset = VALUES(kafka_offset), updated_at = VALUES(updated_at)", connector, partial);
        }
    }

    private static void insert(Connection conn, String head, String tail, String connector, List<Position> positions)
            throws SQLException {
        String row = "(?, ?, ?, ?, ?, ?, ?, ?, utc_timestamp(6))";
        try (PreparedStatement st = conn.prepareStatement(head + " VALUES " + String.join(", ", Collections.nCopies(positions.size(), row))
                + tail)) {
            int i = 0;
            for (Position position : positions) {
                st.setString(++i, connector);
                st.setString(++i, position.sourceTable());
                st.setString(++i, position.targetTable());
                st.setLong(++i, position.appliedTs());
                st.setBoolean(++i, position.partial());
                st.setString(++i, position.topic());
                st.setInt(++i, position.partition());
                st.setLong(++i, position.kafkaOffset());
            }
            st.executeUpdate();
        }
    }

    /** The connector's positions by source table ({@code db.table}), in name order; empty when none is kept yet. */
    public static Map<String, Position> of(Connection conn, String database, String connector) throws SQLException {
        return of(conn, database, connector, null);
    }

    /** Same, as they were at {@code atTs} (MatrixOne time travel; null: as they are). */
    public static Map<String, Position> of(Connection conn, String database, String connector, Long atTs) throws SQLException {
        Map<String, Position> positions = new LinkedHashMap<>();
        try (PreparedStatement st = conn.prepareStatement("SELECT source_table, target_table, applied_ts, `partial`, kafka_topic,"
                + " kafka_partition, kafka_offset FROM " + new TableId(database, TABLE).quotedAt(atTs)
                + " WHERE connector = ? ORDER BY source_table")) {
            st.setString(1, connector);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    positions.put(rs.getString(1), new Position(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getBoolean(4),
                            rs.getString(5), rs.getInt(6), rs.getLong(7)));
                }
            }
        } catch (SQLException e) {
            if (MatrixOneErrors.isNoSuchTable(e)) {
                return positions; // nothing applied yet
            }
            throw e;
        }
        return positions;
    }

    /** Forgets a connector's positions, so a task created again under the same name starts with none. */
    public static void clear(Connection conn, String database, String connector) throws SQLException {
        try (PreparedStatement st = conn.prepareStatement("DELETE FROM " + table(database) + " WHERE connector = ?")) {
            st.setString(1, connector);
            st.executeUpdate();
        } catch (SQLException e) {
            if (!MatrixOneErrors.isNoSuchTable(e)) {
                throw e;
            }
        }
    }

    private static String table(String database) {
        return new TableId(database, TABLE).quoted();
    }
}
