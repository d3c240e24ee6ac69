package io.matrixone.cdc.source;

import io.matrixone.cdc.common.TableId;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
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

    /** One PITR as SHOW PITR lists it: its scope, and its creation (UTC) and range in nanoseconds. */
    private record Pitr(String name, String level, String database, String table, long createdNanos, long rangeNanos,
                        String range) {
        boolean covers(TableId id) {
            return switch (level) {
                case "cluster", "account" -> true;
                case "database" -> id.database().equalsIgnoreCase(database);
                case "table" -> id.database().equalsIgnoreCase(database) && id.table().equalsIgnoreCase(table);
                default -> false;
            };
        }
    }

    private final List<Pitr> pitrs;

    private PitrWindow(List<Pitr> pitrs) {
        this.pitrs = pitrs;
    }

    /**
     * Every PITR the source user sees, read once: a task asks for each of its tables from this list (PITRs change
     * rarely, and SHOW PITR per table and poll was a statement per table per second on the source).
     */
    static PitrWindow read(Connection conn) throws SQLException {
        List<Pitr> pitrs = new ArrayList<>();
        long sessionOffsetNanos = sessionOffsetNanos(conn);
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("show pitr")) {
            while (rs.next()) {
                // CREATED_TIME has whole seconds: add one so the window never claims a moment before creation.
                // CREATED_TIME is in the session time zone (proved: after set time_zone='+08:00' the same PITR shows
                // 8 hours later), so convert it to UTC before comparing with the UTC server clock.
                long created = Timestamps.toNanos(LocalDateTime.parse(rs.getString("CREATED_TIME"), CREATED))
                        - sessionOffsetNanos + 1_000_000_000L;
                long length = rs.getLong("PITR_LENGTH");
                String unit = rs.getString("PITR_UNIT").toLowerCase(Locale.ROOT);
                pitrs.add(new Pitr(rs.getString("PITR_NAME"), rs.getString("PITR_LEVEL").toLowerCase(Locale.ROOT),
                        rs.getString("DATABASE_NAME"), rs.getString("TABLE_NAME"), created, rangeNanos(length, unit),
                        length + " '" + unit + "'"));
            }
        }
        return new PitrWindow(pitrs);
    }

    /** The longest-reaching coverage of {@code table} at server time {@code nowNanos}, or empty. */
    Optional<Coverage> coverage(TableId table, long nowNanos) {
        Coverage best = null;
        for (Pitr pitr : pitrs) {
            if (pitr.covers(table)) {
                long start = Math.max(pitr.createdNanos(), nowNanos - pitr.rangeNanos());
                if (best == null || start < best.startNanos()) {
                    best = new Coverage(start, pitr.name(), pitr.range());
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
