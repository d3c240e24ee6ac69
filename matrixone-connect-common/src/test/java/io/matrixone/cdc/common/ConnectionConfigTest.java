package io.matrixone.cdc.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ConnectionConfigTest {

    @Test
    void aReferenceTheWorkerDidNotResolveIsNamedAsSuch() {
        String reference = "${file:/etc/mo-cdc/secrets/t.properties:source.uri}";
        assertThatThrownBy(() -> ConnectionConfig.server(Map.of(ConnectionConfig.URI, reference)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(ConnectionConfig.URI)
                .hasMessageContaining("a config provider reference the worker did not resolve")
                .hasMessageContaining("config.providers=file");
        assertThatThrownBy(() -> ConnectionConfig.server(Map.of(ConnectionConfig.URL, "jdbc:mysql://127.0.0.1:6001",
                ConnectionConfig.USER, "root", ConnectionConfig.PASSWORD, "${file:/x.properties:pwd}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(ConnectionConfig.PASSWORD);
    }

    @Test
    void aResolvedUriIsTheServer() {
        MatrixOneUri server = ConnectionConfig.server(Map.of(ConnectionConfig.URI, "mysql://root:111@127.0.0.1:6001"));
        assertThat(server.port()).isEqualTo(6001);
        assertThat(server.password()).isEqualTo("111");
    }
}
