package io.matrixone.cdc.testing.bench;

import io.matrixone.cdc.testing.ConnectClusterHarness;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A Connect worker in a JVM of its own, beside a broker elsewhere, as a Connect deployment runs one: so a heap cap
 * and the allocation and GC figures are the worker's alone, not shared with the broker and the benchmark. The child
 * ({@link WorkerProcessMain}) has this JVM's class path (the connectors are on it) and this JVM's
 * {@code org.slf4j.*} log settings; its log goes to this JVM's standard error.
 */
public final class WorkerProcess implements AutoCloseable {

    private final Process process;
    private final BufferedReader replies;
    private final PrintStream requests;
    private final String restUrl;

    private WorkerProcess(Process process, BufferedReader replies, String restUrl) {
        this.process = process;
        this.replies = replies;
        this.requests = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        this.restUrl = restUrl;
    }

    /** Starts a worker of group {@code groupId} on the broker at {@code bootstrapServers}, with JVM options {@code jvmOptions}. */
    public static WorkerProcess start(String bootstrapServers, String groupId, List<String> jvmOptions) throws IOException {
        Properties props = new Properties();
        props.putAll(ConnectClusterHarness.workerProps(false));
        props.putAll(Map.of("bootstrap.servers", bootstrapServers, "group.id", groupId,
                "config.storage.topic", groupId + "-configs", "offset.storage.topic", groupId + "-offsets",
                "status.storage.topic", groupId + "-status", "config.storage.replication.factor", "1",
                "plugin.discovery", "service_load",
                "offset.storage.replication.factor", "1", "status.storage.replication.factor", "1"));
        Path file = Files.createTempFile("bench-worker", ".properties");
        file.toFile().deleteOnExit();
        try (Writer out = Files.newBufferedWriter(file)) {
            props.store(out, "bench worker");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("org.slf4j."))
                .forEach(k -> command.add("-D" + k + "=" + System.getProperty(k)));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), WorkerProcessMain.class.getName(), file.toString()));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader replies = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = nextLine(replies, WorkerProcessMain.READY);
        if (line == null) {
            process.destroyForcibly();
            throw new IOException("the Connect worker JVM did not start (java " + String.join(" ", jvmOptions)
                    + "): see its log above");
        }
        return new WorkerProcess(process, replies, line.substring(WorkerProcessMain.READY.length()).replaceAll("/+$", ""));
    }

    /** The next line of the child's standard output that starts with {@code prefix}, echoing the others; null at its end. */
    private static String nextLine(BufferedReader replies, String prefix) throws IOException {
        String line;
        while ((line = replies.readLine()) != null && !line.startsWith(prefix)) {
            System.err.println(line);
        }
        return line;
    }

    /** Base URL of the worker's REST API, without a trailing slash. */
    public String restUrl() {
        return restUrl;
    }

    /** The worker JVM's process id. */
    public long pid() {
        return process.pid();
    }

    /** The worker JVM's allocation and GC so far (its own counters, this JVM's clock for the span). */
    public Bench.JvmWork work() {
        long[] reading = reading();
        return new Bench.JvmWork(reading[0], reading[1], reading[2], System.nanoTime());
    }

    /** The worker JVM's used-heap peak so far (sampled every 500 ms, garbage included) and its heap cap. */
    public String heap() {
        long[] reading = reading();
        return String.format("heap peak %,d MiB of max %,d MiB", reading[3] >> 20, reading[4] >> 20);
    }

    /** One answer of the child: allocated bytes, GC pauses, GC ms, heap peak bytes, heap max bytes. */
    private synchronized long[] reading() {
        requests.println(WorkerProcessMain.WORK);
        try {
            String reply = nextLine(replies, WorkerProcessMain.WORK_REPLY);
            String[] parts = reply.substring(WorkerProcessMain.WORK_REPLY.length()).split(" ");
            long[] reading = new long[parts.length];
            for (int i = 0; i < parts.length; i++) {
                reading[i] = Long.parseLong(parts[i]);
            }
            return reading;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("the Connect worker JVM (pid " + process.pid() + ") did not answer", e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        requests.close(); // the child stops its worker when its standard input ends
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
