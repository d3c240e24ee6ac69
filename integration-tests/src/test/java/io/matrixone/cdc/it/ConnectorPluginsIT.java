package io.matrixone.cdc.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.testing.ConnectClusterHarness;
import io.matrixone.cdc.testing.MatrixOnePipelineExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A real Connect worker loads both connectors from the classpath and lists them over REST. */
@ExtendWith(MatrixOnePipelineExtension.class)
class ConnectorPluginsIT {

    @Test
    void restListsBothConnectors(ConnectClusterHarness connect) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(connect.restUrl() + "/connector-plugins")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .contains("\"class\":\"io.matrixone.cdc.source.MatrixOneSourceConnector\",\"type\":\"source\"")
                .contains("\"class\":\"io.matrixone.cdc.sink.MatrixOneSinkConnector\",\"type\":\"sink\"");
    }
}
