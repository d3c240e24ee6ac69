package io.matrixone.cdc.source;

import io.matrixone.cdc.common.AppliedPositions;
import io.matrixone.cdc.common.TableId;
import io.matrixone.cdc.source.MatrixOneSourceConfig.Level;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Which tables a configuration captures, resolved against the server. */
final class TableScope {

    /** MatrixOne's own databases: never captured (nor this project's own: its state, a sink's applied positions). */
    private static final Set<String> SYSTEM_DATABASES = Set.of("mo_catalog", "information_schema", "system",
            "system_metrics", "mysql", "mo_task", "mo_debug");

    private TableScope() {
    }

    static List<TableId> resolve(Connection conn, MatrixOneSourceConfig config) throws SQLException {
        List<TableId> tables = new ArrayList<>();
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
                        + "ORDER BY table_schema, table_name")) {
            while (rs.next()) {
                TableId table = new TableId(rs.getString(1), rs.getString(2));
                if (inScope(table, config)) {
                    tables.add(table);
                }
            }
        }
        return tables;
    }

    static boolean inScope(TableId table, MatrixOneSourceConfig config) {
        if (SYSTEM_DATABASES.contains(table.database()) || table.table().startsWith("__mo_")
                || table.database().equals(config.stateDatabase()) || table.database().equals(AppliedPositions.DEFAULT_DATABASE)) {
            return false;
        }
        if (config.exclude() != null && config.exclude().matcher(table.toString()).matches()) {
            return false;
        }
        return config.level() == Level.ACCOUNT ? true : config.tables().includes(table);
    }

    /** For error messages: the scope in words. */
    static String describe(MatrixOneSourceConfig config) {
        return "level=" + config.level().name().toLowerCase(Locale.ROOT) + ", tables='" + config.tables() + "'"
                + (config.exclude() == null ? "" : ", exclude='" + config.exclude().pattern() + "'");
    }
}
