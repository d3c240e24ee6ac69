package io.matrixone.cdc.source;

import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneErrors;
import io.matrixone.cdc.common.SourceOffsets;
import io.matrixone.cdc.common.TableId;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.connector.ConnectorContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches which tables the connector's scope holds while it runs (as Confluent's JDBC source does) and asks
 * Connect to reconfigure the tasks when that changes, so a table created in scope is captured from its
 * creation on. A table that left the scope (dropped, renamed) stays assigned until its stream has read every
 * change up to the drop and committed its drop checkpoint; then it is let go.
 */
final class TableMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TableMonitor.class);

    private final MatrixOneSourceConfig config;
    private final ConnectorContext context;
    private final OffsetStorageReader offsets;
    private final ScheduledExecutorService executor;
    private volatile List<TableId> assigned;

    TableMonitor(MatrixOneSourceConfig config, ConnectorContext context, OffsetStorageReader offsets, List<TableId> initial) {
        this.config = config;
        this.context = context;
        this.offsets = offsets;
        List<TableId> sorted = new ArrayList<>(initial);
        sorted.sort(null);
        this.assigned = List.copyOf(sorted);
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "matrixone-table-monitor");
            thread.setDaemon(true);
            return thread;
        });
        long period = config.getLong(MatrixOneSourceConfig.TABLE_MONITOR_INTERVAL_MS);
        if (period > 0) {
            executor.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
        }
    }

    /** The tables the tasks capture now. */
    List<TableId> tables() {
        return assigned;
    }

    private void check() {
        try (Connection conn = Connections.open(config.server())) {
            List<TableId> wanted = wanted(TableScope.resolve(conn, config));
            if (!wanted.equals(assigned)) {
                Set<TableId> added = new LinkedHashSet<>(wanted);
                assigned.forEach(added::remove);
                Set<TableId> removed = new LinkedHashSet<>(assigned);
                wanted.forEach(removed::remove);
                LOG.info("Tables in scope changed: new {}, no longer captured {}; reconfiguring the tasks", added, removed);
                assigned = wanted;
                context.requestTaskReconfiguration();
            }
        } catch (SQLException e) {
            LOG.warn("Cannot list the source's tables, trying again later: {}", MatrixOneErrors.describe(e));
        } catch (RuntimeException e) {
            LOG.warn("Table monitor check failed, trying again later", e);
        }
    }

    /** The tables in scope now, plus those gone from it whose capture has not yet reached their drop. */
    private List<TableId> wanted(List<TableId> inScope) {
        List<TableId> wanted = new ArrayList<>(inScope);
        for (TableId table : assigned) {
            if (!inScope.contains(table) && !captureEnded(table)) {
                wanted.add(table);
            }
        }
        wanted.sort(null);
        return List.copyOf(wanted);
    }

    private boolean captureEnded(TableId table) {
        Map<String, Object> offset = offsets.offset(Offsets.partition(config.getString(MatrixOneSourceConfig.TOPIC_PREFIX), table));
        return offset == null || SourceOffsets.PHASE_DROPPED.equals(offset.get(SourceOffsets.PHASE));
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
