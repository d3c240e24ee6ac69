package io.matrixone.cdc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The parts of Kafka Connect's REST API that mo-cdc uses. Errors become one-line {@link CliException}s. */
public final class ConnectRestClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public ConnectRestClient(String baseUrl) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** True when a Connect worker answers at the base URL. */
    public boolean reachable() {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/"))
                    .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public List<String> connectors() {
        List<String> names = new ArrayList<>();
        request("GET", "/connectors", null).forEach(n -> names.add(n.asText()));
        return names;
    }

    public boolean exists(String connector) {
        return send("GET", "/connectors/" + connector, null).statusCode() == 200;
    }

    public Map<String, String> config(String connector) {
        return JSON.convertValue(request("GET", "/connectors/" + connector + "/config", null),
                JSON.getTypeFactory().constructMapType(Map.class, String.class, String.class));
    }

    /** The connector's status; just after creation Connect has none yet, which reads as UNASSIGNED. */
    public JsonNode status(String connector) {
        if (send("GET", "/connectors/" + connector + "/status", null).statusCode() == 404 && exists(connector)) {
            return JSON.createObjectNode().set("connector", JSON.createObjectNode().put("state", "UNASSIGNED"));
        }
        return request("GET", "/connectors/" + connector + "/status", null);
    }

    public JsonNode offsets(String connector) {
        return request("GET", "/connectors/" + connector + "/offsets", null);
    }

    public void put(String connector, Map<String, String> config) {
        request("PUT", "/connectors/" + connector + "/config", config);
    }

    /** Validates a connector config; returns "field: message" lines for every error. */
    public List<String> validate(String connectorClass, Map<String, String> config) {
        JsonNode result = request("PUT", "/connector-plugins/" + connectorClass + "/config/validate", config);
        List<String> errors = new ArrayList<>();
        for (JsonNode item : result.path("configs")) {
            JsonNode value = item.path("value");
            for (JsonNode error : value.path("errors")) {
                errors.add(value.path("name").asText() + ": " + error.asText());
            }
        }
        return errors;
    }

    public void pause(String connector) {
        request("PUT", "/connectors/" + connector + "/pause", null);
    }

    public void resume(String connector) {
        request("PUT", "/connectors/" + connector + "/resume", null);
    }

    public void stop(String connector) {
        request("PUT", "/connectors/" + connector + "/stop", null);
    }

    public void restart(String connector) {
        request("POST", "/connectors/" + connector + "/restart?includeTasks=true&onlyFailed=false", null);
    }

    public void deleteOffsets(String connector) {
        request("DELETE", "/connectors/" + connector + "/offsets", null);
    }

    public void delete(String connector) {
        request("DELETE", "/connectors/" + connector, null);
    }

    private JsonNode request(String method, String path, Object body) {
        HttpResponse<String> response = send(method, path, body);
        // A worker that is rebalancing (just started, or a connector just added) answers 409, or 500 "a
        // rebalance is expected", for a moment: ask again for up to REBALANCE_WAIT_MS.
        long deadline = System.currentTimeMillis() + REBALANCE_WAIT_MS;
        while (rebalancing(response) && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException("interrupted");
            }
            response = send(method, path, body);
        }
        if (response.statusCode() >= 300) {
            String message = response.body();
            try {
                message = JSON.readTree(response.body()).path("message").asText(response.body());
            } catch (IOException ignored) {
                // not JSON: keep the body
            }
            throw new CliException("Connect " + method + " " + path + " failed (" + response.statusCode() + "): "
                    + firstLine(message));
        }
        try {
            return response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new CliException("Connect answered " + path + " with something that is not JSON");
        }
    }

    private static final long REBALANCE_WAIT_MS = 30_000;

    private static boolean rebalancing(HttpResponse<String> response) {
        return response.statusCode() == 409
                || (response.statusCode() == 500 && response.body() != null && response.body().contains("rebalance"));
    }

    private HttpResponse<String> send(String method, String path, Object body) {
        try {
            HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                    .timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json").header("Accept", "application/json")
                    .method(method, publisher).build();
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new CliException("cannot reach Kafka Connect at " + baseUrl + " (connection refused)");
        } catch (IOException e) {
            throw new CliException("cannot reach Kafka Connect at " + baseUrl + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int nl = text.indexOf('\n');
        return (nl < 0 ? text : text.substring(0, nl)).trim();
    }
}
