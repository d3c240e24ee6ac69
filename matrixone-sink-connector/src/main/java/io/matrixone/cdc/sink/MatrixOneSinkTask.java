package io.matrixone.cdc.sink;

import com.zaxxer.hikari.HikariDataSource;
import io.matrixone.cdc.common.AppliedPositions;
import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.JdbcProperties;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies each put() as one MatrixOne transaction, in the background while the worker fetches the next records.
 * Connect commits the consumer offsets only after flush(), which waits for those writes, so a record's offset is
 * committed only once its row is. Retriable MatrixOne errors are retried with backoff; a record that cannot be
 * written goes to the errant-record reporter (dead letter queue, with errors.tolerance=all) or fails the task naming
 * its table and key.
 */
public class MatrixOneSinkTask extends SinkTask {

    private static final Logger LOG = LoggerFactory.getLogger(MatrixOneSinkTask.class);
    private static final long MAX_BACKOFF_MS = 30_000;

    private MatrixOneSinkConfig config;
    private SinkDialect dialect;
    private HikariDataSource pool;
    private Connection connection;
    private ChangeReader reader;
    private BatchWriter writer;
    private StagedUpserts staged;
    private TableManager tables;
    private ErrantRecordReporter reporter;
    private AppliedProgress progress;
    private SinkTaskMetrics metrics;
    private PipelinedWrites writes;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new MatrixOneSinkConfig(props);
        String name = props.getOrDefault("name", "matrixone-sink");
        String taskId = props.getOrDefault("task.id", "0");
        dialect = config.dialect();
        staged = dialect.stagesUpserts() ? StagedUpserts.create(config.getInt(MatrixOneSinkConfig.STAGED_UPSERT_MIN_ROWS),
                config.getString(MatrixOneSinkConfig.APPLIED_DATABASE), name, taskId) : null;
        Map<String, String> driverProperties = new HashMap<>(JdbcProperties.SINK_STATEMENT_CACHE);
        if (staged != null) {
            driverProperties.putAll(staged.driverProperties());
        }
        pool = Connections.pool(config.server(), name + "-sink", 1, driverProperties);
        tables = new TableManager(dialect, config.getBoolean(MatrixOneSinkConfig.AUTO_CREATE), config.getBoolean(MatrixOneSinkConfig.AUTO_EVOLVE),
                config.columnDropBehavior(), new CarriedColumns(config.getString(MatrixOneSinkConfig.APPLIED_DATABASE)));
        reader = new ChangeReader(config, new TableRouter(config.tables(), config.getString(MatrixOneSinkConfig.TABLE_NAME_FORMAT)));
        writer = new BatchWriter(dialect, config.insertMode(), config.getInt(MatrixOneSinkConfig.MAX_STATEMENT_BYTES),
                config.getInt(MatrixOneSinkConfig.BATCH_SIZE), tables, staged);
        reporter = errantRecordReporter();
        progress = new AppliedProgress(config.getString(MatrixOneSinkConfig.APPLIED_DATABASE), name);
        metrics = new SinkTaskMetrics(name, props.getOrDefault("task.id", String.valueOf(System.identityHashCode(this))));
        writes = new PipelinedWrites(name + "-writes-" + taskId);
        LOG.info("MatrixOne sink task writing to {} ({} dialect)", config.server().masked(), dialect.name());
    }

    private ErrantRecordReporter errantRecordReporter() {
        try {
            return context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            return null; // a worker older than Kafka 2.6
        }
    }

    /**
     * Row changes are written in one transaction per run of records; a table event (truncate, drop) splits the
     * runs, so it lands between the rows sent before it and those sent after it. The records are read here; their
     * writes run in the background while the worker fetches the next ones ({@link PipelinedWrites}).
     */
    @Override
    public void put(Collection<SinkRecord> records) {
        if (records.isEmpty()) {
            writes.throwIfFailed(); // Connect puts nothing while no records come: a failed write still fails the task now
            return;
        }
        List<Runnable> steps = new ArrayList<>();
        List<RowChange> changes = new ArrayList<>(records.size());
        List<AppliedProgress.Written> run = new ArrayList<>(records.size());
        for (SinkRecord record : records) {
            try {
                TableEvent event = reader.tableEvent(record);
                if (event != null) {
                    steps.add(writeStep(changes, run));
                    changes = new ArrayList<>();
                    run = new ArrayList<>();
                    steps.add(() -> apply(event));
                    continue;
                }
                RowChange change = reader.read(record);
                if (change != null) {
                    changes.add(change);
                }
                run.add(new AppliedProgress.Written(record, change == null ? null : change.table()));
            } catch (RecordConversionException e) {
                reject(record, null, e);
                run.add(new AppliedProgress.Written(record, null));
            }
        }
        steps.add(writeStep(changes, run));
        writes.submit(() -> steps.forEach(Runnable::run));
    }

    private Runnable writeStep(List<RowChange> changes, List<AppliedProgress.Written> run) {
        return () -> write(changes, run);
    }

    /** Connect commits offsets after this: every record put so far must be on the target first. */
    @Override
    public void flush(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        writes.await();
    }

    /** Partitions move to another task: none of their writes may still be running here. */
    @Override
    public void close(Collection<TopicPartition> partitions) {
        writes.await();
    }

    /** Writes a run of row changes and, in the same transaction, the applied positions its records lead to. */
    private void write(List<RowChange> changes, List<AppliedProgress.Written> run) {
        if (run.isEmpty()) {
            return;
        }
        try {
            writeWithRetries(changes, run);
        } catch (SQLException | RecordConversionException e) {
            // Not retriable: find the rows at fault by writing them one at a time.
            LOG.warn("Batch of {} rows failed ({}); writing row by row to find the failing rows", changes.size(),
                    e instanceof SQLException sql ? dialect.describe(sql) : e.getMessage());
            for (RowChange change : changes) {
                try {
                    writeWithRetries(List.of(change), List.of());
                } catch (SQLException | RecordConversionException rowError) {
                    reject(change.record(), change, rowError);
                }
            }
            // The positions once every row is written or reported: they never say more than the target holds.
            try {
                writeWithRetries(List.of(), run);
            } catch (SQLException positionError) {
                throw new ConnectException("cannot record the applied position on the target: "
                        + dialect.describe(positionError), positionError);
            }
        }
    }

    private void writeWithRetries(List<RowChange> changes, List<AppliedProgress.Written> run) throws SQLException {
        // Worked out once, not again on each retry nor for the metrics.
        Collection<AppliedPositions.Position> positions = AppliedProgress.of(run);
        withRetries(changes.stream().map(RowChange::table).distinct().toList(), conn -> {
            long began = System.nanoTime();
            writer.write(conn, changes, tx -> progress.save(tx, positions));
            metrics.applied(positions);
            LOG.debug("Wrote {} row changes in {} ms", changes.size(), (System.nanoTime() - began) / 1_000_000);
            long deletes = changes.stream().filter(RowChange::delete).count();
            long oldest = changes.stream().map(c -> c.record().timestamp()).filter(t -> t != null)
                    .mapToLong(Long::longValue).min().orElse(0);
            metrics.batchCommitted(changes.size() - deletes, deletes, oldest);
        });
    }

    /** A truncate empties the target table; a drop drops it when table.drop.behavior=drop. */
    private void apply(TableEvent event) {
        try {
            withRetries(List.of(event.table()), conn -> {
                if (event.kind() == TableEvent.Kind.TRUNCATE) {
                    tables.truncate(conn, event.table());
                } else if (config.tableDropBehavior() == MatrixOneSinkConfig.DropBehavior.DROP) {
                    tables.drop(conn, event.table());
                } else {
                    LOG.info("Source table of {} was dropped; the target table is kept (table.drop.behavior=keep)", event.table());
                }
                // The event is applied (DDL commits on its own): the table is complete up to its time.
                conn.setAutoCommit(false);
                progress.save(conn, AppliedProgress.of(List.of(new AppliedProgress.Written(event.record(), event.table()))));
                conn.commit();
            });
        } catch (SQLException e) {
            reject(event.record(), null, new SQLException("cannot " + event.kind().name().toLowerCase(java.util.Locale.ROOT)
                    + " target table " + event.table() + ": " + dialect.describe(e), e));
        }
    }

    private void withRetries(List<io.matrixone.cdc.common.TableId> touched, TargetWork work) throws SQLException {
        int maxRetries = config.getInt(MatrixOneSinkConfig.MAX_RETRIES);
        long backoff = config.getLong(MatrixOneSinkConfig.RETRY_BACKOFF_MS);
        for (int attempt = 0; ; attempt++) {
            try {
                work.run(connection());
                return;
            } catch (SQLException e) {
                if (!dialect.isRetriable(e)) {
                    touched.forEach(tables::forget);
                    throw e;
                }
                discardConnection(); // it may be the broken part; the retry starts on a fresh one
                if (attempt >= maxRetries) {
                    throw new ConnectException(dialect.serverName() + " still failing after " + maxRetries + " retries ("
                            + dialect.describe(e) + "); the target " + config.server().masked()
                            + " must be reachable and writable. Raise max.retries / retry.backoff.ms to ride out longer outages.");
                }
                metrics.retried();
                LOG.warn("Retriable {} failure (attempt {} of {}), retrying in {} ms: {}", dialect.serverName(), attempt + 1, maxRetries,
                        backoff, dialect.describe(e));
                sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
            }
        }
    }

    /**
     * The task's one connection, held between puts in manual-commit mode: a put costs its statements
     * and one COMMIT, without autocommit toggles or pool round trips.
     */
    private Connection connection() throws SQLException {
        if (connection != null && connection.isClosed()) {
            // The pool closed it after an error it takes as fatal (any MySQL error 1105, too), and a statement on
            // it would fail with "Connection is closed", which is no fault of the rows: start on a fresh one.
            connection = null;
            metrics.connected(-1);
        }
        if (connection == null) {
            connection = pool.getConnection();
            try {
                dialect.prepareSession(connection); // on every new connection: session settings do not outlive it
            } catch (SQLException e) {
                discardConnection();
                throw e;
            }
            try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SELECT connection_id()")) {
                rs.next();
                metrics.connected(rs.getLong(1)); // lets an operator find the task in SHOW PROCESSLIST
            }
            progress.ensureTable(connection);
        }
        return connection;
    }

    private void discardConnection() {
        if (connection != null) {
            try {
                connection.abort(Runnable::run); // Hikari evicts an aborted connection instead of reusing it
            } catch (SQLException e) {
                LOG.debug("Closing a failed connection", e);
            } finally {
                connection = null;
                metrics.connected(-1);
            }
        }
    }

    /** Sends a record to the dead letter queue when the worker tolerates errors, else fails the task naming it. */
    private void reject(SinkRecord record, RowChange change, Exception cause) {
        String where = change == null ? "" : " for table " + change.table() + " key " + change.describeKey();
        String message = "cannot write record " + record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset()
                + where + ": " + (cause instanceof SQLException sql ? dialect.describe(sql) : cause.getMessage());
        if (reporter != null) {
            metrics.erroneousRecord();
            LOG.warn("Reporting errant record: {}", message);
            try {
                reporter.report(record, new ConnectException(message, cause)).get();
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectException(message, cause);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new ConnectException(message, cause);
            } catch (ConnectException e) {
                // errors.tolerance=none: the reporter fails the task; keep our message in front.
                throw new ConnectException(message, cause);
            }
        }
        throw new ConnectException(message, cause);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while waiting to retry", e);
        }
    }

    @Override
    public void stop() {
        if (writes != null) {
            writes.close();
        }
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("Closing the connection", e);
            }
            connection = null;
        }
        if (pool != null) {
            pool.close();
        }
        if (staged != null) {
            staged.close();
        }
        if (metrics != null) {
            metrics.close();
        }
    }
}
