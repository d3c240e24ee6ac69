package io.matrixone.cdc.source;

import io.matrixone.cdc.common.ConfigSupport;
import io.matrixone.cdc.common.ConnectionConfig;
import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneErrors;
import io.matrixone.cdc.common.ServerClock;
import io.matrixone.cdc.common.TableId;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.ConnectorTransactionBoundaries;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.util.ConnectorUtils;

/**
 * Captures MatrixOne tables' changes from PITR history into Kafka. Tables are resolved from {@code level} /
 * {@code tables} / {@code exclude} at start and then watched by a {@link TableMonitor}, and spread over up to
 * {@code tasks.max} tasks.
 */
public class MatrixOneSourceConnector extends SourceConnector {

    private Map<String, String> props;
    private TableMonitor monitor;

    @Override
    public void start(Map<String, String> props) {
        MatrixOneSourceConfig config = new MatrixOneSourceConfig(props);
        List<TableId> tables;
        try (Connection conn = Connections.open(config.server())) {
            tables = TableScope.resolve(conn, config);
        } catch (SQLException e) {
            throw new ConnectException("cannot read the tables of " + config.server().masked() + ": " + MatrixOneErrors.describe(e), e);
        }
        if (tables.isEmpty()) {
            throw new ConnectException("no table matches " + TableScope.describe(config) + " on " + config.server().masked());
        }
        this.props = Map.copyOf(props);
        this.monitor = new TableMonitor(config, context(), context().offsetStorageReader(), tables);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return MatrixOneSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>();
        List<TableId> tables = monitor.tables();
        if (tables.isEmpty()) {
            return configs; // every table was dropped: no task until one is created in scope again
        }
        List<List<TableId>> groups = ConnectorUtils.groupPartitions(tables, Math.min(maxTasks, tables.size()));
        for (int i = 0; i < groups.size(); i++) {
            Map<String, String> task = new HashMap<>(props);
            task.put(MatrixOneSourceConfig.TASK_TABLES, String.join(",", groups.get(i).stream().map(TableId::toString).toList()));
            task.put("task.id", String.valueOf(i));
            task.put(MatrixOneSourceConfig.TASK_COUNT, String.valueOf(groups.size()));
            configs.add(task);
        }
        return configs;
    }

    @Override
    public void stop() {
        if (monitor != null) {
            monitor.close();
        }
    }

    @Override
    public ConfigDef config() {
        return MatrixOneSourceConfig.CONFIG_DEF;
    }

    /** Each window is read whole in one poll(), so a window can be one Kafka transaction. */
    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        return ExactlyOnceSupport.SUPPORTED;
    }

    /**
     * With transaction.boundary=connector the task commits one Kafka transaction per poll() batch: one
     * DATA BRANCH DIFF window (or one snapshot chunk), so a window's records are visible all together or not at all.
     */
    @Override
    public ConnectorTransactionBoundaries canDefineTransactionBoundaries(Map<String, String> connectorConfig) {
        return ConnectorTransactionBoundaries.SUPPORTED;
    }

    /**
     * Field validators first; then that the server answers, that the tables exist and have primary keys,
     * that a PITR keeps their history and that the state database can be written. Each problem is reported
     * on the field it concerns.
     */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config result = super.validate(connectorConfigs);
        if (ConfigSupport.hasErrors(result)) {
            return result;
        }
        Map<String, ConfigValue> values = ConfigSupport.byName(result);
        MatrixOneSourceConfig config;
        try {
            config = new MatrixOneSourceConfig(connectorConfigs);
        } catch (ConfigException e) {
            ConfigSupport.attach(values, e, ConnectionConfig.URI);
            return result;
        }
        String connectionField = ConnectionConfig.serverField(connectorConfigs);
        String unreachable = Connections.checkReachable(config.server());
        if (unreachable != null) {
            values.get(connectionField).addErrorMessage(unreachable);
            return result;
        }
        try (Connection conn = Connections.open(config.server())) {
            List<TableId> found = TableScope.resolve(conn, config);
            for (TableId named : config.tables().exactTables()) {
                if (!found.contains(named) && TableScope.inScope(named, config)) {
                    values.get(MatrixOneSourceConfig.TABLES).addErrorMessage("table " + named + " does not exist on the source");
                }
            }
            if (found.isEmpty()) {
                values.get(MatrixOneSourceConfig.TABLES).addErrorMessage("no table matches " + TableScope.describe(config));
            }
            long now = ServerClock.nowNanos(conn);
            PitrWindow pitrs = null;
            for (TableId table : found) {
                String unsupported = SchemaReader.read(conn, table).uncapturableReason();
                if (unsupported != null) {
                    values.get(MatrixOneSourceConfig.TABLES).addErrorMessage(unsupported);
                }
                if (pitrs == null) {
                    // After the first table's columns: in a new account, SHOW PITR first made information_schema
                    // miss a table created moments before (MatrixOneSourceIT#validate...).
                    pitrs = PitrWindow.read(conn);
                }
                if (pitrs.coverage(table, now).isEmpty()) {
                    values.get(MatrixOneSourceConfig.TABLES).addErrorMessage("no PITR covers " + table
                            + ", so its changes cannot be read. Run on the source: " + PitrWindow.howToCreate(table));
                }
            }
            checkState(conn, config, values.get(MatrixOneSourceConfig.STATE_DATABASE));
        } catch (SQLException e) {
            values.get(connectionField).addErrorMessage("cannot inspect the source: " + MatrixOneErrors.describe(e));
        }
        return result;
    }

    private static void checkState(Connection conn, MatrixOneSourceConfig config, ConfigValue field) {
        SourceState state = new SourceState(config.stateDatabase());
        try {
            state.create(conn);
            state.checkWritable(conn);
        } catch (SQLException e) {
            field.addErrorMessage("the source user cannot create or write the connector's tables in database "
                    + state.database() + " (" + MatrixOneErrors.describe(e) + "): grant it CREATE on that database and "
                    + "INSERT, DELETE, SELECT on its tables, or name another database in " + MatrixOneSourceConfig.STATE_DATABASE);
        }
    }

    @Override
    public String version() {
        return Version.get();
    }
}
