package io.matrixone.cdc.source;

import io.matrixone.cdc.common.TableFingerprint;
import io.matrixone.cdc.common.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads a table's columns and primary key from the server. */
final class SchemaReader {

    private SchemaReader() {
    }

    /** The table's schema, failing when it does not exist. */
    static TableSchema read(Connection conn, TableId table) throws SQLException {
        return find(conn, table).orElseThrow(() -> new SQLException("table " + table + " does not exist"));
    }

    /**
     * The table's schema as it was at {@code ts} (also for a table dropped since), or empty when it did not exist
     * then: MatrixOne's SHOW CREATE TABLE at that time.
     */
    static Optional<TableSchema> readAt(Connection conn, TableId table, long ts) throws SQLException {
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SHOW CREATE TABLE " + table.quoted() + " {MO_TS = " + ts + "}")) {
            return rs.next() ? Optional.of(CreateTableParser.parse(table, rs.getString(2))) : Optional.empty();
        } catch (SQLException e) {
            if (SnapshotReader.missingAt(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The table's schema now, or empty when it does not exist. */
    static Optional<TableSchema> find(Connection conn, TableId table) throws SQLException {
        List<Column> columns = new ArrayList<>();
        try (PreparedStatement st = conn.prepareStatement("SELECT column_name, data_type, column_type, is_nullable "
                + "FROM information_schema.columns WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position")) {
            st.setString(1, table.database());
            st.setString(2, table.table());
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    if (name.startsWith("__mo_")) {
                        continue; // MatrixOne's hidden columns, e.g. the composite-key column __mo_cpkey_col
                    }
                    columns.add(Column.fromInformationSchema(name, rs.getString(2), rs.getString(3), "YES".equalsIgnoreCase(rs.getString(4))));
                }
            }
        }
        if (columns.isEmpty()) {
            return Optional.empty();
        }
        List<Column> key = new ArrayList<>();
        for (String name : TableFingerprint.primaryKey(conn, table)) {
            columns.stream().filter(c -> c.name().equalsIgnoreCase(name)).findFirst().ifPresent(key::add);
        }
        return Optional.of(new TableSchema(table, List.copyOf(columns), List.copyOf(key)));
    }
}
