package io.matrixone.cdc.testing.bench;

import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneUri;
import io.matrixone.cdc.testing.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * A task of MatrixOne's built-in CDC ({@code create cdc ... 'matrixone' ...} run on the source server),
 * copying tables to the target server; {@link #close()} drops it.
 */
public final class BuiltinCdc implements AutoCloseable {

    private final MatrixOneUri source;
    private final String name;

    private BuiltinCdc(MatrixOneUri source, String name) {
        this.source = source;
        this.name = name;
    }

    /** Creates task {@code name} for {@code mapping} ({@code db.t:db2.t2,...}); the target databases must exist. */
    public static BuiltinCdc create(MatrixOneUri source, MatrixOneUri target, String name, String mapping) throws SQLException {
        try (Connection c = Connections.open(source)) {
            Sql.exec(c, "create cdc " + name + " '" + uri(source) + "' 'matrixone' '" + uri(target) + "' '" + mapping
                    + "' {'Level'='table'}");
        }
        return new BuiltinCdc(source, name);
    }

    private static String uri(MatrixOneUri uri) {
        return "mysql://" + uri.user() + ":" + uri.password() + "@" + uri.host() + ":" + uri.port();
    }

    /** The task's state, error and checkpoint as {@code show cdc task} prints them. */
    public String show() throws SQLException {
        try (Connection c = Connections.open(source)) {
            List<List<String>> rows = Sql.rows(c, "show cdc task " + name);
            return rows.isEmpty() ? "(no task)" : "state=" + rows.get(0).get(4) + " err=" + rows.get(0).get(5)
                    + " checkpoint=" + rows.get(0).get(6).replaceAll("\\s+", " ");
        }
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = Connections.open(source)) {
            Sql.exec(c, "drop cdc task " + name);
        }
    }
}
