package io.matrixone.cdc.sink;

import io.matrixone.cdc.common.TableId;
import io.matrixone.cdc.sink.MatrixOneSinkConfig.InsertMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;

/**
 * Writes a set of changes in one transaction: per table, tuple-IN deletes, then multi-row upserts, each
 * statement kept under {@code max.statement.bytes} (many upserts of a table through a staging table instead, see
 * {@link StagedUpserts}); then one commit. Idempotent by key, so a redelivery
 * after a crash writes the same rows again.
 */
final class BatchWriter {

    private final SinkDialect dialect;
    private final InsertMode mode;
    private final int maxStatementBytes;
    /** Upper bound on rows in one statement, whatever their size, to keep statements quick to parse. */
    private final int maxRowsPerStatement;

    static final int MAX_PARAMETERS = 65_535;
    private final TableManager tables;
    /** Large upserts through a staging table (MatrixOne), or null. */
    private final StagedUpserts staged;

    BatchWriter(SinkDialect dialect, InsertMode mode, int maxStatementBytes, int maxRowsPerStatement, TableManager tables,
                StagedUpserts staged) {
        this.dialect = dialect;
        this.mode = mode;
        this.maxStatementBytes = maxStatementBytes;
        this.maxRowsPerStatement = maxRowsPerStatement;
        this.tables = tables;
        this.staged = staged;
    }

    /** Groups by table, keeping the order in which tables first appear. */
    static Map<TableId, TableBatch> group(List<RowChange> changes) {
        Map<TableId, TableBatch> batches = new LinkedHashMap<>();
        for (RowChange change : changes) {
            batches.computeIfAbsent(change.table(), TableBatch::new).add(change);
        }
        return batches;
    }

    /** Writes and commits; on any failure rolls back and rethrows. Leaves the connection in manual-commit mode. */
    void write(Connection conn, List<RowChange> changes) throws SQLException {
        write(conn, changes, tx -> { });
    }

    /** Same, with {@code alsoInTransaction} done after the rows and before the commit. */
    void write(Connection conn, List<RowChange> changes, TargetWork alsoInTransaction) throws SQLException {
        Map<TableId, TableBatch> batches = group(changes);
        // DDL first and outside the transaction: MatrixOne (and MySQL) commit DDL on their own.
        for (TableBatch batch : batches.values()) {
            for (RowChange upsert : batch.upserts()) {
                tables.ensure(conn, batch.table(), upsert.row().schema(), upsert.keyFields(), upsert.record());
            }
        }
        // A delete for a table that does not exist (yet) leaves the target as wanted: the row is absent.
        List<TableId> missing = new ArrayList<>();
        for (TableBatch batch : batches.values()) {
            if (batch.upserts().isEmpty() && !tables.exists(conn, batch.table())) {
                missing.add(batch.table());
            }
        }
        if (conn.getAutoCommit()) {
            conn.setAutoCommit(false); // the task keeps its connection in this mode: no round trip per batch
        }
        try {
            for (TableBatch batch : batches.values()) {
                if (missing.contains(batch.table())) {
                    continue;
                }
                writeDeletes(conn, batch);
                writeUpserts(conn, batch);
            }
            alsoInTransaction.run(conn);
            conn.commit();
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(conn, e);
            throw e;
        }
    }

    private void writeDeletes(Connection conn, TableBatch batch) throws SQLException {
        List<RowChange> deletes = batch.deletes();
        if (deletes.isEmpty()) {
            return;
        }
        List<String> keyColumns = names(deletes.get(0).keyFields());
        int fixedBytes = utf8Length(dialect.delete(batch.table(), keyColumns, 0));
        for (List<RowChange> chunk : chunks(deletes, true, fixedBytes)) {
            try (PreparedStatement st = conn.prepareStatement(dialect.delete(batch.table(), keyColumns, chunk.size()))) {
                int index = 1;
                for (RowChange change : chunk) {
                    for (int i = 0; i < change.keyFields().size(); i++) {
                        st.setObject(index++, dialect.toJdbc(change.keyFields().get(i).schema(), change.keyValues().get(i)));
                    }
                }
                st.executeUpdate();
            }
        }
    }

    private void writeUpserts(Connection conn, TableBatch batch) throws SQLException {
        // Rows with the same columns share statements; a schema change mid-batch starts a new group.
        // Rows come in runs of one schema (a whole copy shares one): the writable columns are looked up once per run,
        // not per row, as a lookup lower-cases and hashes every column name.
        Map<List<Field>, List<RowChange>> byColumns = new LinkedHashMap<>();
        Schema runSchema = null;
        List<RowChange> run = null;
        for (RowChange change : batch.upserts()) {
            Schema schema = change.row().schema();
            if (schema != runSchema) {
                runSchema = schema;
                run = byColumns.computeIfAbsent(tables.writable(batch.table(), schema.fields()), k -> new ArrayList<>());
            }
            run.add(change);
        }
        for (Map.Entry<List<Field>, List<RowChange>> group : byColumns.entrySet()) {
            List<Field> fields = group.getKey();
            List<String> columns = names(fields);
            List<String> keyColumns = names(group.getValue().get(0).keyFields());
            if (staged != null && staged.suits(mode, group.getValue())
                    && staged.write(conn, dialect, batch.table(), fields, keyColumns, group.getValue())) {
                continue;
            }
            int fixedBytes = utf8Length(dialect.write(mode, batch.table(), columns, keyColumns, 0));
            for (List<RowChange> chunk : chunks(group.getValue(), false, fixedBytes)) {
                String sql = dialect.write(mode, batch.table(), columns, keyColumns, chunk.size());
                try (PreparedStatement st = conn.prepareStatement(sql)) {
                    int index = 1;
                    for (RowChange change : chunk) {
                        for (Field field : fields) {
                            st.setObject(index++, dialect.toJdbc(field.schema(), change.row().get(field.name())));
                        }
                    }
                    st.executeUpdate();
                }
            }
        }
    }

    /** Splits rows so no statement exceeds the byte limit or the row cap. */
    List<List<RowChange>> chunks(List<RowChange> rows, boolean keysOnly, int fixedBytes) {
        int paramsPerRow = Math.max(1, keysOnly ? rows.get(0).keyFields().size() : rows.get(0).row().schema().fields().size());
        // The MySQL protocol counts a server-side prepared statement's parameters in 16 bits; the sink binds
        // client-side, but a connection.url may turn server-side statements on: stay below 65,535 either way.
        int maxRows = Math.max(1, Math.min(maxRowsPerStatement, MAX_PARAMETERS / paramsPerRow));
        // Below the server's packet limit too (the MySQL dialect reads it from the server; MatrixOne's is above any setting).
        int maxBytes = dialect.maxStatementBytes(maxStatementBytes);
        List<List<RowChange>> chunks = new ArrayList<>();
        List<RowChange> current = new ArrayList<>();
        long bytes = fixedBytes; // the statement's text without rows (ON DUPLICATE KEY UPDATE can be long)
        for (RowChange row : rows) {
            long size = keysOnly ? estimate(row.keyValues()) : estimateRow(row);
            if (!current.isEmpty() && (bytes + size > maxBytes || current.size() >= maxRows)) {
                chunks.add(current);
                current = new ArrayList<>();
                bytes = fixedBytes;
            }
            current.add(row);
            bytes += size;
        }
        if (!current.isEmpty()) {
            chunks.add(current);
        }
        return chunks;
    }

    private static long estimateRow(RowChange row) {
        long size = 4;
        for (Field field : row.row().schema().fields()) {
            size += estimate(row.row().get(field));
        }
        return size;
    }

    /** Bytes a row of values adds to the SQL text once Connector/J has quoted and escaped it. */
    private static long estimate(List<Object> values) {
        long size = 4;
        for (Object value : values) {
            size += estimate(value);
        }
        return size;
    }

    private static long estimate(Object value) {
        if (value instanceof String s) {
            return 2L * s.length() + 4;
        } else if (value instanceof byte[] b) {
            return 2L * b.length + 12;
        } else if (value instanceof java.nio.ByteBuffer b) {
            return 2L * b.remaining() + 12;
        } else if (value instanceof List<?> l) {
            return 24L * l.size() + 4;
        }
        return 28;
    }

    private static int utf8Length(String sql) {
        return sql.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    private static List<String> names(List<Field> fields) {
        return fields.stream().map(Field::name).toList();
    }

    private static void rollbackQuietly(Connection conn, Exception cause) {
        try {
            conn.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
