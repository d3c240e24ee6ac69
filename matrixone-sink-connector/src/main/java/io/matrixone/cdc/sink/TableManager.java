package io.matrixone.cdc.sink;

import io.matrixone.cdc.common.Identifiers;
import io.matrixone.cdc.common.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.apache.kafka.connect.data.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Knows the target tables' columns, creates a missing table and adds missing columns when allowed.
 * Column names are compared case-insensitively, as MatrixOne does.
 */
final class TableManager {

    private static final Logger LOG = LoggerFactory.getLogger(TableManager.class);

    private final boolean autoCreate;
    private final boolean autoEvolve;
    private final Map<TableId, Set<String>> columns = new HashMap<>();

    TableManager(boolean autoCreate, boolean autoEvolve) {
        this.autoCreate = autoCreate;
        this.autoEvolve = autoEvolve;
    }

    /** Makes sure {@code table} exists with every column of {@code rowFields}; runs DDL outside the batch transaction. */
    void ensure(Connection conn, TableId table, List<Field> rowFields, List<Field> keyFields) throws SQLException {
        Set<String> known = columns.get(table);
        if (known == null) {
            known = readColumns(conn, table);
            if (known.isEmpty()) {
                if (!autoCreate) {
                    throw new RecordConversionException("target table " + table + " does not exist and auto.create=false");
                }
                create(conn, table, rowFields, keyFields);
                known = readColumns(conn, table);
            }
            columns.put(table, known);
        }
        for (Field field : rowFields) {
            if (!known.contains(field.name().toLowerCase(Locale.ROOT))) {
                if (!autoEvolve) {
                    throw new RecordConversionException("target table " + table + " has no column '" + field.name()
                            + "' and auto.evolve=false");
                }
                String ddl = "ALTER TABLE " + table.quoted() + " ADD COLUMN " + Identifiers.quote(field.name()) + " "
                        + ColumnTypes.sqlType(field.schema(), false);
                LOG.info("Adding column: {}", ddl);
                execute(conn, ddl);
                known.add(field.name().toLowerCase(Locale.ROOT));
            }
        }
    }

    /** True when the table exists; what is learned is kept like {@link #ensure}. */
    boolean exists(Connection conn, TableId table) throws SQLException {
        if (columns.containsKey(table)) {
            return true;
        }
        Set<String> known = readColumns(conn, table);
        if (known.isEmpty()) {
            return false;
        }
        columns.put(table, known);
        return true;
    }

    /** Forget what is known, e.g. after a failure that may have come from a table changed elsewhere. */
    void forget(TableId table) {
        columns.remove(table);
    }

    private void create(Connection conn, TableId table, List<Field> rowFields, List<Field> keyFields) throws SQLException {
        if (rowFields.isEmpty()) {
            throw new RecordConversionException("cannot create " + table + " from a record without row fields");
        }
        Set<String> keyNames = new LinkedHashSet<>();
        keyFields.forEach(f -> keyNames.add(f.name()));
        StringJoiner body = new StringJoiner(", ");
        for (Field field : rowFields) {
            boolean key = keyNames.contains(field.name());
            body.add(Identifiers.quote(field.name()) + " " + ColumnTypes.sqlType(field.schema(), key)
                    + (key || !field.schema().isOptional() ? " NOT NULL" : ""));
        }
        for (String key : keyNames) {
            if (rowFields.stream().noneMatch(f -> f.name().equals(key))) {
                throw new RecordConversionException("key field '" + key + "' is not a column of the row for " + table);
            }
        }
        if (!keyNames.isEmpty()) {
            StringJoiner pk = new StringJoiner(", ", "PRIMARY KEY (", ")");
            keyNames.forEach(k -> pk.add(Identifiers.quote(k)));
            body.add(pk.toString());
        }
        execute(conn, "CREATE DATABASE IF NOT EXISTS " + Identifiers.quote(table.database()));
        String ddl = "CREATE TABLE IF NOT EXISTS " + table.quoted() + " (" + body + ")";
        LOG.info("Creating missing target table: {}", ddl);
        execute(conn, ddl);
    }

    private static Set<String> readColumns(Connection conn, TableId table) throws SQLException {
        Set<String> names = new LinkedHashSet<>();
        try (PreparedStatement st = conn.prepareStatement(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ?")) {
            st.setString(1, table.database());
            st.setString(2, table.table());
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1).toLowerCase(Locale.ROOT));
                }
            }
        }
        return names;
    }

    private static void execute(Connection conn, String sql) throws SQLException {
        boolean autoCommit = conn.getAutoCommit();
        conn.setAutoCommit(true);
        try (Statement st = conn.createStatement()) {
            st.execute(sql);
        } finally {
            conn.setAutoCommit(autoCommit);
        }
    }
}
