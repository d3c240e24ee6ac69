package io.matrixone.cdc.sink;

import io.matrixone.cdc.common.ConfigSupport;
import io.matrixone.cdc.common.ConnectionConfig;
import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneUri;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * Writes Kafka records into a target MatrixOne, or MySQL / MariaDB with {@code sink.dialect=mysql}: upserts and deletes
 * by primary key, tables created as needed.
 */
public class MatrixOneSinkConnector extends SinkConnector {

    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        new MatrixOneSinkConfig(props); // fail fast on a bad config
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return MatrixOneSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            Map<String, String> task = new HashMap<>(props);
            task.put("task.id", String.valueOf(i));
            configs.add(task);
        }
        return configs;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return MatrixOneSinkConfig.CONFIG_DEF;
    }

    /**
     * Beyond each field's own validator: the settings must fit together and the target must answer.
     * Errors are attached to the field they concern, so Connect's validate endpoint names it.
     */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config result = super.validate(connectorConfigs);
        if (ConfigSupport.hasErrors(result)) {
            return result;
        }
        Map<String, ConfigValue> values = ConfigSupport.byName(result);
        MatrixOneUri server;
        try {
            server = ConnectionConfig.server(connectorConfigs);
            new MatrixOneSinkConfig(connectorConfigs);
        } catch (ConfigException e) {
            ConfigSupport.attach(values, e, ConnectionConfig.URI);
            return result;
        }
        String problem = Connections.checkReachable(server, new MatrixOneSinkConfig(connectorConfigs).dialect().serverName());
        if (problem != null) {
            values.get(ConnectionConfig.serverField(connectorConfigs)).addErrorMessage(problem);
        }
        return result;
    }

    @Override
    public String version() {
        return Version.get();
    }
}
