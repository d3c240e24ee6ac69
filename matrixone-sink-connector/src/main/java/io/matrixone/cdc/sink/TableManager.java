package io.matrixone.cdc.sink;

import io.matrixone.cdc.common.ChangeEvent;
import io.matrixone.cdc.common.DeclaredTypes;
import io.matrixone.cdc.common.TableId;
import io.matrixone.cdc.sink.MatrixOneSinkConfig.DropBehavior;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Knows the target tables' columns and keys, and makes a table follow the records' schema: creates a
 * missing table, and with auto.evolve adds new columns, changes a column whose declared source type changed in the
 * records (not one the target was made with another type),
 * drops columns records carried and no longer do (column.drop.behavior), and re-creates an empty table whose primary
 * key changed. What the records carried is remembered on the target ({@link CarriedColumns}), so a restarted task
 * knows it too. The full comparison runs only when a table's record schema differs from the last one seen.
 * Column names are compared case-insensitively, as MatrixOne does.
 */
final class TableManager {

    private static final Logger LOG = LoggerFactory.getLogger(TableManager.class);

    private final SinkDialect dialect;
    private final boolean autoCreate;
    private final boolean autoEvolve;
    private final DropBehavior columnDrop;
    private final CarriedColumns memory;
    private final Map<TableId, Target> known = new HashMap<>();

    /** A target table as last read: its columns (lower-case name to declared type) and primary key. */
    private static final class Target {
        final Map<String, String> columns;
        final List<String> primaryKey;
        /** The row schema the table was last checked against in this task (the fast path). */
        Schema checked;
        /** The columns records carried and the source time from which they had that shape; null when none yet. */
        CarriedColumns.Shape carried;

        Target(Map<String, String> columns, List<String> primaryKey, CarriedColumns.Shape carried) {
            this.columns = columns;
            this.primaryKey = primaryKey;
            this.carried = carried;
        }

        long since() {
            return carried == null ? 0 : carried.since();
        }
    }

    TableManager(SinkDialect dialect, boolean autoCreate, boolean autoEvolve, DropBehavior columnDrop, CarriedColumns memory) {
        this.dialect = dialect;
        this.autoCreate = autoCreate;
        this.autoEvolve = autoEvolve;
        this.columnDrop = columnDrop;
        this.memory = memory;
    }

    /**
     * Makes sure {@code table} exists and fits {@code rowSchema}, the schema of {@code record}'s row, read at the
     * source at the record's source time; runs DDL outside the batch transaction. A row older than the schema the table last
     * followed (a redelivery across a schema change) changes nothing: it is written with the columns the table
     * has (see {@link #writable}), and the newer rows after it carry the table's current shape.
     */
    void ensure(Connection conn, TableId table, Schema rowSchema, List<Field> keyFields, SinkRecord record) throws SQLException {
        Target target = known.get(table);
        if (target != null && (target.checked == rowSchema || rowSchema.equals(target.checked))) {
            return; // the usual case, once per row: looked at before anything else is read from the record
        }
        if (target == null) {
            target = read(conn, table);
            if (target != null) {
                known.put(table, target);
            }
        }
        long sourceTime = ChangeReader.sourceTimeNanos(record);
        if (target != null && sourceTime < target.since()) {
            return;
        }
        if (target == null) {
            if (!autoCreate) {
                throw new RecordConversionException("target table " + table + " does not exist and auto.create=false");
            }
            create(conn, table, rowSchema.fields(), keyFields);
            target = read(conn, table);
            target.carried = null; // a table made now: nothing of an older one's memory applies
        }
        target = evolve(conn, table, target, rowSchema, keyFields);
        target.checked = rowSchema;
        remember(conn, table, target, rowSchema, sourceTime);
        known.put(table, target);
    }

    /** Saves the records' shape when it is new: the columns by name with their source types. */
    private void remember(Connection conn, TableId table, Target target, Schema rowSchema, long sourceTime) throws SQLException {
        Map<String, CarriedColumns.Column> columns = new LinkedHashMap<>();
        for (Field field : rowSchema.fields()) {
            columns.put(lower(field.name()), new CarriedColumns.Column(field.name(), sourceType(field)));
        }
        if (target.carried == null || !target.carried.columns().equals(columns)) {
            target.carried = new CarriedColumns.Shape(columns, Math.max(target.since(), sourceTime));
            memory.save(conn, table, target.carried);
        }
    }

    /** The fields of {@code fields} that the table has a column for (all, unless a row is older than its schema). */
    List<Field> writable(TableId table, List<Field> fields) {
        Target target = known.get(table);
        if (target == null || fields.stream().allMatch(f -> target.columns.containsKey(lower(f.name())))) {
            return fields;
        }
        return fields.stream().filter(f -> target.columns.containsKey(lower(f.name()))).toList();
    }

    private Target evolve(Connection conn, TableId table, Target target, Schema rowSchema, List<Field> keyFields)
            throws SQLException {
        List<Field> fields = rowSchema.fields();
        List<String> key = keyFields.stream().map(f -> lower(f.name())).toList();
        // Re-keyed only after records of this table with another schema were seen: the source changed its key.
        if (target.carried != null && !key.isEmpty() && !target.primaryKey.isEmpty() && !key.equals(target.primaryKey)) {
            return rekey(conn, table, target, fields, keyFields);
        }
        for (Field field : fields) {
            String name = lower(field.name());
            String declared = target.columns.get(name);
            if (declared == null) {
                requireEvolve(table, "has no column '" + field.name() + "'");
                alter(conn, table, "ADD COLUMN " + dialect.quote(field.name()) + " " + dialect.columnType(field.schema(), false));
                target.columns.put(name, sourceType(field));
            } else if (retypedAtSource(target.carried, field)
                    && !DeclaredTypes.same(declared, dialect.columnType(field.schema(), key.contains(name)))) {
                // The dialect's type for the source's new type: for MatrixOne that is the source's type verbatim.
                String type = dialect.columnType(field.schema(), key.contains(name));
                requireEvolve(table, "declares column '" + field.name() + "' as " + declared + ", the source as " + sourceType(field));
                boolean notNull = key.contains(name) || !field.schema().isOptional();
                alter(conn, table, "MODIFY COLUMN " + dialect.quote(field.name()) + " " + type
                        + (notNull ? " NOT NULL" : ""));
                target.columns.put(name, type);
            }
        }
        // Only a column the records carried before and no longer do (dropped or renamed on the source) is dropped:
        // columns of the target that records never carried are someone else's.
        if (columnDrop == DropBehavior.DROP && autoEvolve && target.carried != null) {
            Set<String> carried = new LinkedHashSet<>();
            fields.forEach(f -> carried.add(lower(f.name())));
            for (Map.Entry<String, CarriedColumns.Column> before : target.carried.columns().entrySet()) {
                String column = before.getKey();
                if (!carried.contains(column) && target.columns.containsKey(column) && !target.primaryKey.contains(column)) {
                    alter(conn, table, "DROP COLUMN " + dialect.quote(before.getValue().name()));
                    target.columns.remove(column);
                }
            }
        }
        return target;
    }

    /**
     * The records' primary key is not the target's: the source changed it, and sent a truncate first. An empty
     * target is re-created with the new key; one that holds rows is refused, naming the table.
     */
    private Target rekey(Connection conn, TableId table, Target target, List<Field> fields, List<Field> keyFields)
            throws SQLException {
        requireEvolve(table, "has primary key " + target.primaryKey + ", the records key on "
                + keyFields.stream().map(Field::name).toList());
        if (!isEmpty(conn, table)) {
            throw new RecordConversionException("target table " + table + " has primary key " + target.primaryKey
                    + " and holds rows, but the records now key on " + keyFields.stream().map(Field::name).toList()
                    + ": empty or drop the target table, then restart the sink task");
        }
        LOG.info("Re-creating empty target table {}: its primary key changed to {}", table, keyFields.stream().map(Field::name).toList());
        execute(conn, "DROP TABLE " + dialect.quote(table));
        create(conn, table, fields, keyFields);
        return read(conn, table);
    }

    /** TRUNCATE on the source (or before a new snapshot): the target table empties too, when it exists. */
    void truncate(Connection conn, TableId table) throws SQLException {
        if (exists(conn, table)) {
            LOG.info("Truncating target table {}", table);
            execute(conn, "TRUNCATE TABLE " + dialect.quote(table));
        }
    }

    /** The source table was dropped: with table.drop.behavior=drop, so is the target's. */
    void drop(Connection conn, TableId table) throws SQLException {
        LOG.info("Dropping target table {}: its source table was dropped", table);
        execute(conn, "DROP TABLE IF EXISTS " + dialect.quote(table));
        memory.forget(conn, table);
        known.remove(table);
    }

    /** True when the table exists; what is learned is kept like {@link #ensure}. */
    boolean exists(Connection conn, TableId table) throws SQLException {
        if (known.containsKey(table)) {
            return true;
        }
        Target target = read(conn, table);
        if (target == null) {
            return false;
        }
        known.put(table, target);
        return true;
    }

    /** Forget what is known, e.g. after a failure that may have come from a table changed elsewhere. */
    void forget(TableId table) {
        known.remove(table);
    }

    private void requireEvolve(TableId table, String what) {
        if (!autoEvolve) {
            throw new RecordConversionException("target table " + table + " " + what + " and auto.evolve=false");
        }
    }

    private void alter(Connection conn, TableId table, String change) throws SQLException {
        String ddl = "ALTER TABLE " + dialect.quote(table) + " " + change;
        LOG.info("Evolving target table: {}", ddl);
        execute(conn, ddl);
    }

    private void create(Connection conn, TableId table, List<Field> rowFields, List<Field> keyFields) throws SQLException {
        if (rowFields.isEmpty()) {
            throw new RecordConversionException("cannot create " + table + " from a record without row fields");
        }
        Set<String> keyNames = new LinkedHashSet<>();
        keyFields.forEach(f -> keyNames.add(f.name()));
        List<String> body = new ArrayList<>();
        for (Field field : rowFields) {
            boolean key = keyNames.contains(field.name());
            body.add(dialect.quote(field.name()) + " " + dialect.columnType(field.schema(), key)
                    + (key || !field.schema().isOptional() ? " NOT NULL" : ""));
        }
        for (String key : keyNames) {
            if (rowFields.stream().noneMatch(f -> f.name().equals(key))) {
                throw new RecordConversionException("key field '" + key + "' is not a column of the row for " + table);
            }
        }
        if (!keyNames.isEmpty()) {
            StringJoiner pk = new StringJoiner(", ", "PRIMARY KEY (", ")");
            keyNames.forEach(k -> pk.add(dialect.quote(k)));
            body.add(pk.toString());
        }
        execute(conn, "CREATE DATABASE IF NOT EXISTS " + dialect.quote(table.database()));
        String ddl = dialect.createTable(table, body);
        LOG.info("Creating missing target table: {}", ddl);
        execute(conn, ddl);
    }

    /** The table's columns and key, or null when it does not exist. */
    private Target read(Connection conn, TableId table) throws SQLException {
        Map<String, String> columns = new LinkedHashMap<>();
        try (PreparedStatement st = conn.prepareStatement("SELECT column_name, data_type, column_type FROM information_schema.columns "
                + "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position")) {
            st.setString(1, table.database());
            st.setString(2, table.table());
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    if (!rs.getString(1).startsWith("__mo_")) { // MatrixOne's hidden columns (composite keys)
                        columns.put(lower(rs.getString(1)), DeclaredTypes.of(rs.getString(2), rs.getString(3)));
                    }
                }
            }
        }
        if (columns.isEmpty()) {
            return null;
        }
        List<String> key = new ArrayList<>();
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SHOW INDEX FROM " + dialect.quote(table))) {
            while (rs.next()) {
                if ("PRIMARY".equalsIgnoreCase(rs.getString("Key_name"))) {
                    key.add(lower(rs.getString("Column_name")));
                }
            }
        }
        return new Target(columns, key, memory.load(conn, table));
    }

    private boolean isEmpty(Connection conn, TableId table) throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT 1 FROM " + dialect.quote(table) + " LIMIT 1")) {
            return !rs.next();
        }
    }

    /**
     * Whether the source changed the field's declared type since the records this table last followed: only a
     * change seen in the records re-types a target column, never a target that was made with another type.
     */
    private static boolean retypedAtSource(CarriedColumns.Shape previous, Field field) {
        if (previous == null || sourceType(field) == null) {
            return false;
        }
        CarriedColumns.Column before = previous.columns().get(lower(field.name()));
        return before != null && before.sourceType() != null && !DeclaredTypes.same(before.sourceType(), sourceType(field));
    }

    /** The MatrixOne type the source declared for the field, or null when the record does not say. */
    private static String sourceType(Field field) {
        Map<String, String> params = field.schema().parameters();
        return params == null ? null : params.get(ChangeEvent.COLUMN_TYPE_PARAM);
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
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
