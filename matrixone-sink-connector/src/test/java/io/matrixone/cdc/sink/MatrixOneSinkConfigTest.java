package io.matrixone.cdc.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

/** Settings that cannot work are reported on the field at fault, before the target is even contacted. */
class MatrixOneSinkConfigTest {

    private static Map<String, List<String>> errors(Map<String, String> extra) {
        Map<String, String> props = new HashMap<>(Map.of("connection.uri", "mysql://root:111@127.0.0.1:6002"));
        props.putAll(extra);
        Map<String, List<String>> errors = new HashMap<>();
        for (ConfigValue value : new MatrixOneSinkConnector().validate(props).configValues()) {
            if (!value.errorMessages().isEmpty()) {
                errors.put(value.name(), value.errorMessages());
            }
        }
        return errors;
    }

    @Test
    void badValuesNameTheirField() {
        assertThat(errors(Map.of("insert.mode", "merge"))).containsOnlyKeys("insert.mode");
        assertThat(errors(Map.of("pk.mode", "kafka"))).containsOnlyKeys("pk.mode");
        assertThat(errors(Map.of("max.statement.bytes", "10"))).containsOnlyKeys("max.statement.bytes");
        assertThat(errors(Map.of("batch.size", "0"))).containsOnlyKeys("batch.size");
        assertThat(errors(Map.of("max.retries", "-1"))).containsOnlyKeys("max.retries");
        assertThat(errors(Map.of("table.name.format", " "))).containsOnlyKeys("table.name.format");
    }

    @Test
    void settingsThatDoNotFitTogetherNameTheFieldToChange() {
        assertThat(errors(Map.of("pk.mode", "none"))).containsOnlyKeys("delete.enabled");
        assertThat(errors(Map.of("pk.mode", "record_value", "delete.enabled", "false"))).containsOnlyKeys("pk.fields");
        assertThat(errors(Map.of("tables", "a.*:b.c"))).containsOnlyKeys("tables");
    }

    @Test
    void defaults() {
        MatrixOneSinkConfig config = new MatrixOneSinkConfig(Map.of("connection.uri", "mysql://root:111@127.0.0.1:6002"));
        assertThat(config.insertMode()).isEqualTo(MatrixOneSinkConfig.InsertMode.UPSERT);
        assertThat(config.pkMode()).isEqualTo(MatrixOneSinkConfig.PkMode.RECORD_KEY);
        assertThat(config.getBoolean(MatrixOneSinkConfig.DELETE_ENABLED)).isTrue();
        assertThat(config.getBoolean(MatrixOneSinkConfig.AUTO_CREATE)).isTrue();
        assertThat(config.getBoolean(MatrixOneSinkConfig.AUTO_EVOLVE)).isTrue();
        assertThat(config.getInt(MatrixOneSinkConfig.MAX_STATEMENT_BYTES)).isEqualTo(4 * 1024 * 1024);
        assertThat(config.getInt(MatrixOneSinkConfig.MAX_RETRIES)).isEqualTo(10);
        assertThat(config.getLong(MatrixOneSinkConfig.RETRY_BACKOFF_MS)).isEqualTo(1000L);
        assertThat(config.getString(MatrixOneSinkConfig.TABLE_NAME_FORMAT)).isEqualTo("${source.db}.${source.table}");
        assertThat(config.tables()).isNull();
    }
}
