package io.matrixone.cdc.common;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The names of the sink's staging tables (its staged upserts on MatrixOne targets, in applied.database), and their
 * removal once their task is gone. A name starts with its connector's part, {@code stage_<crc of the connector>_}, then
 * its task's, target table's and column list's: so {@code mo-cdc task drop} finds a task's tables by name alone, and
 * every task, table and column list has its own.
 */
public final class StagingTables {

    private static final String PREFIX = "stage_";

    private StagingTables() {
    }

    /** The staging table of a sink connector's task for a target table and column list. */
    public static TableId of(String database, String connector, String taskId, TableId target, List<String> columns) {
        List<String> parts = new ArrayList<>(columns.size() + 2);
        parts.add(taskId);
        parts.add(target.toString());
        parts.addAll(columns);
        return new TableId(database, prefix(connector) + crc(parts));
    }

    /** Drops a sink connector's staging tables (the connector deleted first); the names of those it dropped. */
    public static List<String> dropAll(Connection conn, String database, String connector) throws SQLException {
        String prefix = prefix(connector);
        List<String> dropped = new ArrayList<>();
        try (Statement st = conn.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SHOW TABLES FROM " + Identifiers.quote(database))) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                if (table.startsWith(prefix)) {
                    st.execute("DROP TABLE IF EXISTS " + new TableId(database, table).quoted());
                    dropped.add(table);
                }
            }
        } catch (SQLException e) {
            if (!MatrixOneErrors.isNoSuchTable(e)) { // no database: no staging tables
                throw e;
            }
        }
        return dropped;
    }

    /** Ends with an underscore, so that no connector's prefix is the start of another's. */
    private static String prefix(String connector) {
        return PREFIX + crc(List.of(connector)) + "_";
    }

    /** The CRC-32 of the parts, each after a zero byte but the first (so no two lists of parts run together), in hex. */
    private static String crc(List<String> parts) {
        CRC32 crc = new CRC32();
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) {
                crc.update(0);
            }
            crc.update(parts.get(i).getBytes(StandardCharsets.UTF_8));
        }
        return Long.toHexString(crc.getValue());
    }
}
