package io.matrixone.cdc.source;

import io.matrixone.cdc.common.TableId;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;

/**
 * How far back a table's history can be trusted, from the PITRs that cover it. SHOW RECOVERY_WINDOW
 * ignores account-level PITRs and tables created after a database PITR (see docs/matrixone-facts.md),
 * so the window is computed from SHOW PITR: it starts at the later of the PITR's creation and
 * now minus its range, for the longest-reaching PITR at cluster, account, database or table level.
 */
final class PitrWindow {

    private static final DateTimeFormatter CREATED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /** @param startNanos earliest trustworthy time; @param pitrName the PITR that gives it */
    record Coverage(long startNanos, String pitrName, String range) {
    }

    private PitrWindow() {
    }

    /** The coverage of {@code table} at server time {@code nowNanos}, or empty when no PITR covers it. */
    static Optional<Coverage> of(Connection conn, TableId table, long nowNanos) throws SQLException {
        Coverage best = null;
        long sessionOffsetNanos = sessionOffsetNanos(conn);
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("show pitr")) {
            while (rs.next()) {
                String level = rs.getString("PITR_LEVEL").toLowerCase(Locale.ROOT);
                String db = rs.getString("DATABASE_NAME");
                String tbl = rs.getString("TABLE_NAME");
                boolean covers = switch (level) {
                    case "cluster", "account" -> true;
                    case "database" -> table.database().equalsIgnoreCase(db);
                    case "table" -> table.database().equalsIgnoreCase(db) && table.table().equalsIgnoreCase(tbl);
                    default -> false;
                };
                if (!covers) {
                    continue;
                }
                // CREATED_TIME has whole seconds: add one so the window never claims a moment before creation.
                // CREATED_TIME is in the session time zone (proved: after set time_zone='+08:00' the same PITR shows
                // 8 hours later), so convert it to UTC before comparing with the UTC server clock.
                long created = Timestamps.toNanos(LocalDateTime.parse(rs.getString("CREATED_TIME"), CREATED))
                        - sessionOffsetNanos + 1_000_000_000L;
                long length = rs.getLong("PITR_LENGTH");
                String unit = rs.getString("PITR_UNIT").toLowerCase(Locale.ROOT);
                long start = Math.max(created, nowNanos - rangeNanos(length, unit));
                if (best == null || start < best.startNanos()) {
                    best = new Coverage(start, rs.getString("PITR_NAME"), length + " '" + unit + "'");
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** The session time zone's offset from UTC, rounded to whole minutes (the two clocks are read in one statement). */
    private static long sessionOffsetNanos(Connection conn) throws SQLException {
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("select timestampdiff(second, utc_timestamp(), now())")) {
            rs.next();
            return Math.round(rs.getLong(1) / 60.0) * 60L * 1_000_000_000L;
        }
    }

    static long rangeNanos(long length, String unit) {
        long hours = switch (unit) {
            case "h" -> length;
            case "d" -> length * 24;
            case "mo" -> length * 24 * 30;
            case "y" -> length * 24 * 365;
            default -> throw new IllegalArgumentException("unknown PITR unit " + unit);
        };
        return hours * 3_600_000_000_000L;
    }

    /** The statement that gives a table a PITR, for error messages. */
    static String howToCreate(TableId table) {
        return "create pitr pitr_cdc for account range 2 'h' (or: create pitr pitr_" + RecordFactory.avroName(table.database())
                + " for database " + table.database() + " range 2 'h')";
    }
}
