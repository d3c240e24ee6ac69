package io.matrixone.cdc.sink;

import io.matrixone.cdc.common.StagingTables;
import io.matrixone.cdc.common.TableId;
import io.matrixone.cdc.sink.MatrixOneSinkConfig.InsertMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes many rows of one table through a staging table: {@code LOAD DATA LOCAL} of the rows as text into a staging
 * table of this task, one {@code INSERT ... SELECT ... ON DUPLICATE KEY UPDATE} from it into the target, then the
 * staging table emptied, all in the batch's transaction (MatrixOne's DDL too is transactional: the staging table's
 * {@code CREATE TABLE IF NOT EXISTS} commits or rolls back with the rows). Measured on MatrixOne (by hand, 200,000
 * rows): multi-row bound upserts cost the target 44 ms of CPU per 1,000 rows to execute, a LOAD DATA and an INSERT ...
 * SELECT 2 ms. In a whole copy the target's CPU falls less, by about 15% (its work on the new data after the commit
 * is the same either way), and the copy runs about 10% faster (bench-pipeline.sh, warm worker).
 *
 * <p>Why not LOAD DATA into the target itself: MatrixOne's LOAD DATA does not check primary keys (a second load of the
 * same rows doubles them) nor column lengths. Here the INSERT ... SELECT does both, as a bound INSERT does: the staging
 * columns are text, and each value is cast to its target column's type as a bound string is (a string too long, a
 * number out of range fail as they would). A batch holds each key once ({@link TableBatch}), so the order of the
 * SELECT's rows does not matter.
 *
 * <p>The staging tables are ordinary tables in the sink's own database on the target (applied.database), one per
 * task, target table and column list, empty between batches: MatrixOne's temporary tables outlive their session (they
 * stay in mo_tables as {@code __mo_tmp_...}), so a temporary table per connection would leave one behind at every
 * reconnect. Two instances of one task (a zombie during a rebalance) each see only their own uncommitted rows.
 *
 * <p>The rows go through a file in a directory of this task's own ({@link StagingDirectory}), the only place from
 * which the driver lets the server read files ({@code allowLoadLocalInfileInPath}: a server cannot ask for any other
 * file of the worker).
 * Batches with a value that has no exact text ({@link LoadDataCsv}) take the bound statements. If the server refuses
 * LOAD DATA LOCAL itself, this task stops staging (a warning says why) and the batch is written again the usual way.
 */
final class StagedUpserts implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StagedUpserts.class);

    private final int minRows;
    private final String database;
    /** The task the staging tables belong to: its connector's name and its id. */
    private final String connector;
    private final String taskId;
    private final StagingDirectory directory;
    private volatile boolean refused;

    private StagedUpserts(int minRows, String database, String connector, String taskId, StagingDirectory directory) {
        this.minRows = minRows;
        this.database = database;
        this.connector = connector;
        this.taskId = taskId;
        this.directory = directory;
    }

    /**
     * Staging for upserts of at least {@code minRows} rows, in tables of {@code database} that belong to a connector's
     * task, with a private directory for its files; null when {@code minRows} is 0.
     */
    static StagedUpserts create(int minRows, String database, String connector, String taskId) {
        if (minRows <= 0) {
            return null;
        }
        try {
            return new StagedUpserts(minRows, database, connector, taskId,
                    StagingDirectory.create(Path.of(System.getProperty("java.io.tmpdir"))));
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("Upserts are not staged through LOAD DATA: no private directory for its files ({})", e.toString());
            return null;
        }
    }

    /** The Connector/J settings the sink's connections need: LOAD DATA LOCAL from this directory only. */
    Map<String, String> driverProperties() {
        return Map.of("allowLoadLocalInfileInPath", directory.path().toString());
    }

    /** Whether {@code rows} upserts are worth a staging table (and staging is still on). */
    boolean suits(InsertMode mode, List<RowChange> rows) {
        return !refused && mode == InsertMode.UPSERT && rows.size() >= minRows
                && rows.stream().noneMatch(row -> row.keyFields().isEmpty());
    }

    /**
     * Writes {@code rows} into {@code table} through its staging table, in the connection's transaction; false, with
     * nothing sent, when a value has no exact text (the caller writes the rows the usual way).
     */
    boolean write(Connection conn, SinkDialect dialect, TableId table, List<Field> fields, List<String> keyColumns,
                  List<RowChange> rows) throws SQLException {
        StringBuilder csv = new StringBuilder(rows.size() * 64);
        List<Object> values = new ArrayList<>(fields.size());
        for (RowChange row : rows) {
            values.clear();
            for (Field field : fields) {
                values.add(dialect.toJdbc(field.schema(), row.row().get(field.name())));
            }
            if (!LoadDataCsv.appendRow(csv, values)) {
                return false;
            }
        }
        List<String> columns = fields.stream().map(Field::name).toList();
        TableId stage = stageOf(table, columns);
        Path file = writeFile(csv);
        if (file == null) {
            return false;
        }
        try (Statement st = conn.createStatement()) {
            st.execute(SqlStatements.createStage(stage, columns));
            load(st, dialect, file, stage, columns, rows.size());
            st.executeUpdate(SqlStatements.writeFromStage(InsertMode.UPSERT, table, stage, columns, keyColumns));
            st.executeUpdate(SqlStatements.emptyStage(stage));
            LOG.debug("Table {}: {} upserts through {}", table, rows.size(), stage);
        } finally {
            StagingDirectory.deleteQuietly(file);
        }
        return true;
    }

    private void load(Statement st, SinkDialect dialect, Path file, TableId stage, List<String> columns, int rows)
            throws SQLException {
        try {
            st.executeUpdate(SqlStatements.loadStage(file.toString(), stage, columns));
        } catch (SQLException e) {
            if (dialect.isRetriable(e)) {
                throw e; // a lost connection or a conflict: the retry stages again
            }
            refused = true;
            LOG.warn("Upserts are no longer staged through LOAD DATA LOCAL: the target refused it ({}); rows are written "
                    + "with bound INSERT statements instead", e.getMessage());
            throw e;
        }
        // The staging table holds exactly this batch: nothing left from before, no row split or lost in the file.
        try (ResultSet rs = st.executeQuery(SqlStatements.countStage(stage))) {
            rs.next();
            long staged = rs.getLong(1);
            if (staged != rows) {
                throw new SQLException("staging table " + stage + " holds " + staged + " rows after loading " + rows
                        + "; the batch is not written from it");
            }
        }
    }

    /** This task's staging table for a target table and column list ({@link StagingTables}). */
    TableId stageOf(TableId table, List<String> columns) {
        return StagingTables.of(database, connector, taskId, table, columns);
    }

    /** The rows in a new file of the directory, or null (staging stops, with a warning) when it cannot be written. */
    private Path writeFile(StringBuilder csv) {
        Path file = null;
        try {
            file = directory.newFile();
            Files.writeString(file, csv, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            refused = true;
            LOG.warn("Upserts are no longer staged through LOAD DATA LOCAL: cannot write its file in {} ({}); rows are "
                    + "written with bound INSERT statements instead", directory.path(), e.toString());
            if (file != null) {
                StagingDirectory.deleteQuietly(file);
            }
            return null;
        }
    }

    @Override
    public void close() {
        directory.close();
    }
}
