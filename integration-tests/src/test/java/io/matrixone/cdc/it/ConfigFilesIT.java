package io.matrixone.cdc.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.matrixone.cdc.cli.ConnectRestClient;
import io.matrixone.cdc.common.ClientTuning;
import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.testing.ConnectClusterHarness;
import io.matrixone.cdc.testing.MatrixOnePipelineExtension;
import io.matrixone.cdc.testing.MatrixOneTestServers;
import io.matrixone.cdc.testing.Sql;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.connect.runtime.distributed.DistributedConfig;
import org.apache.kafka.connect.runtime.standalone.StandaloneConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The example files in config/ are the ones users copy: the connector files must pass the connectors'
 * own validation on a real Connect worker (PUT /connector-plugins/{class}/config/validate), the REST
 * JSON must say what the .properties say, both must carry the client settings mo-cdc puts in its own tasks, and the
 * worker files must be accepted by Connect's worker configs.
 */
@ExtendWith(MatrixOnePipelineExtension.class)
class ConfigFilesIT {

    private static final Path CONFIG = Path.of("..", "config");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ConnectRestClient rest;

    @BeforeAll
    static void start(ConnectClusterHarness harness) throws SQLException {
        // The source's and sink's validation connect to the servers the files name: the real ones, holding the
        // product scenario's table and PITR as scripts/demo.sh makes them (a fresh server has neither).
        try (Connection src = Connections.open(MatrixOneTestServers.source())) {
            try {
                Sql.exec(src, "create pitr if not exists pitr_activity for account range 2 'h'");
            } catch (SQLException e) {
                assertThat(e.getMessage()).as("an account holds one account-level PITR").contains("already has a pitr");
            }
            Sql.exec(src, "create database if not exists production_db",
                    "create table if not exists production_db.user_activities (activity_id int primary key, user_id int, "
                            + "activity_type varchar(50), timestamp datetime, device varchar(20))");
        }
        MatrixOneTestServers.target();
        rest = new ConnectRestClient(harness.restUrl());
    }

    private static Map<String, String> properties(String file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(CONFIG.resolve(file))) {
            properties.load(reader);
        }
        Map<String, String> config = new TreeMap<>();
        properties.stringPropertyNames().forEach(name -> config.put(name, properties.getProperty(name)));
        return config;
    }

    private static Map<String, String> restBody(String file) throws IOException {
        JsonNode body = JSON.readTree(CONFIG.resolve(file).toFile());
        Map<String, String> config = JSON.convertValue(body.path("config"),
                JSON.getTypeFactory().constructMapType(TreeMap.class, String.class, String.class));
        assertThat(body.path("name").asText()).isEqualTo(config.get("name"));
        return config;
    }

    @Test
    void sourceFilesPassTheSourceConnectorsValidation() throws IOException {
        Map<String, String> config = properties("source.properties");
        assertThat(restBody("source.json")).isEqualTo(config);
        assertThat(rest.validate(config.get("connector.class"), config)).isEmpty();
        assertThat(config.get("connector.class")).isEqualTo("io.matrixone.cdc.source.MatrixOneSourceConnector");
    }

    @Test
    void sinkFilesPassTheSinkConnectorsValidation() throws IOException {
        Map<String, String> config = properties("sink.properties");
        assertThat(restBody("sink.json")).isEqualTo(config);
        assertThat(rest.validate(config.get("connector.class"), config)).isEmpty();
        assertThat(config.get("connector.class")).isEqualTo("io.matrixone.cdc.sink.MatrixOneSinkConnector");
        // The sink must read exactly the source file's topics.
        String prefix = properties("source.properties").get("topic.prefix");
        assertThat(prefix + ".production_db.user_activities").matches(config.get("topics.regex"));
    }

    @Test
    void connectorFilesCarryTheClientSettingsOfMoCdcsTasks() throws IOException {
        // mo-cdc task create puts ClientTuning's settings in every task; the files for connectors made by hand repeat
        // them as text, so a change to one must reach the other (the JSON files equal these, see above).
        assertThat(properties("source.properties")).containsAllEntriesOf(ClientTuning.SOURCE)
                .containsEntry("envelope", ClientTuning.ENVELOPE);
        assertThat(properties("sink.properties")).containsAllEntriesOf(ClientTuning.SINK);
    }

    @Test
    void aBrokenConnectorFileIsRefusedByValidation() throws IOException {
        // Proves the validation above can fail: the same file with a bad level names the field.
        Map<String, String> config = properties("source.properties");
        config.put("level", "galaxy");
        assertThat(rest.validate(config.get("connector.class"), config)).anyMatch(error -> error.startsWith("level: "));
    }

    @Test
    void workerFilesAreValidWorkerConfigs() throws IOException {
        Map<String, String> standalone = properties("connect-standalone.properties");
        assertThat(new StandaloneConfig(standalone).getString(StandaloneConfig.OFFSET_STORAGE_FILE_FILENAME_CONFIG)).isNotBlank();
        Map<String, String> distributed = properties("connect-distributed.properties");
        DistributedConfig config = new DistributedConfig(distributed);
        assertThat(config.getString(DistributedConfig.GROUP_ID_CONFIG)).isEqualTo("mo-cdc");
        assertThat(distributed.get("plugin.path")).isEqualTo(standalone.get("plugin.path"));
    }
}
