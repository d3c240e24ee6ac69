package io.matrixone.cdc.it.avro;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Apicurio Registry server (in-memory storage) as a child process on 127.0.0.1 and a free port.
 * The server comes from Maven Central: the integration-tests pom unpacks {@code io.apicurio:apicurio-registry-app}
 * into the directory named by the system property {@code apicurio.registry.home}.
 */
final class ApicurioRegistry implements AutoCloseable {

    /** The converter settings the Avro test uses: the example file users copy, so they live in one place. */
    static final Path CONVERTER_FILE = Path.of("..", "config", "avro-apicurio.properties");
    /** Registry URL keys in that file; the test points them at its own server. */
    static final List<String> URL_KEYS = List.of("key.converter.apicurio.registry.url", "value.converter.apicurio.registry.url");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final String baseUrl;
    private final Path log;

    private ApicurioRegistry(Process process, String baseUrl, Path log) {
        this.process = process;
        this.baseUrl = baseUrl;
        this.log = log;
    }

    /** Starts the server and waits until its REST API answers. */
    static ApicurioRegistry start() throws IOException, InterruptedException {
        String home = System.getProperty("apicurio.registry.home");
        Path runner = home == null ? null : runnerJar(Path.of(home));
        if (runner == null) {
            throw new IllegalStateException("Apicurio Registry server not found in apicurio.registry.home=" + home
                    + ": run the test through Maven (mvn -pl integration-tests verify), whose pom unpacks it");
        }
        int port = freePort();
        Path log = Path.of("target", "apicurio-registry-" + port + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-Xmx384m",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                "-jar", runner.getFileName().toString())
                .directory(runner.getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        ApicurioRegistry registry = new ApicurioRegistry(process, "http://127.0.0.1:" + port, log);
        try {
            registry.awaitUp(Duration.ofSeconds(180));
        } catch (RuntimeException | InterruptedException e) {
            registry.close();
            throw e;
        }
        return registry;
    }

    private static Path runnerJar(Path home) throws IOException {
        if (!Files.isDirectory(home)) {
            return null;
        }
        try (Stream<Path> files = Files.list(home)) {
            return files.filter(f -> f.getFileName().toString().matches("apicurio-registry-app-.*-runner\\.jar"))
                    .findFirst().orElse(null);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void awaitUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Apicurio Registry exited with " + process.exitValue() + "; see " + log.toAbsolutePath());
            }
            try {
                if (get("/apis/registry/v2/system/info").statusCode() == 200) {
                    return;
                }
            } catch (UncheckedIOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("Apicurio Registry did not answer within " + timeout + "; see " + log.toAbsolutePath());
    }

    /** Base URL, e.g. {@code http://127.0.0.1:41234}. */
    String baseUrl() {
        return baseUrl;
    }

    /**
     * Key and value converter settings for a connector: the example file's, with the registry URL set to
     * this server's native API (which the converter's client speaks).
     */
    Map<String, String> converterConfig() throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(CONVERTER_FILE)) {
            properties.load(reader);
        }
        Map<String, String> config = new TreeMap<>();
        properties.stringPropertyNames().forEach(name -> config.put(name, properties.getProperty(name)));
        for (String key : URL_KEYS) {
            if (!config.containsKey(key)) {
                throw new IllegalStateException(CONVERTER_FILE + " has no " + key);
            }
            config.put(key, baseUrl + "/apis/registry/v2");
        }
        return config;
    }

    HttpResponse<String> get(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
