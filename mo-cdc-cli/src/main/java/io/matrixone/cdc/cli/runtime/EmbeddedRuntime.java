package io.matrixone.cdc.cli.runtime;

import io.matrixone.cdc.cli.CliException;
import io.matrixone.cdc.cli.ConnectRestClient;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The single-node Kafka + Connect that mo-cdc runs when no cluster is given: a background Java
 * process ({@link RuntimeMain}) that outlives the command that started it, with its state under the
 * data directory, every listener on 127.0.0.1.
 */
public final class EmbeddedRuntime {

    private static final int START_TIMEOUT_S = 180;
    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private final Path dataDir;
    private final RuntimePorts ports;

    /** On the default ports. */
    public EmbeddedRuntime(Path dataDir) {
        this(dataDir, RuntimePorts.DEFAULT);
    }

    public EmbeddedRuntime(Path dataDir, RuntimePorts ports) {
        this.dataDir = dataDir.toAbsolutePath();
        this.ports = ports;
    }

    /** Where tasks on the runtime keep their server URIs, the only place its worker's file config provider reads. */
    public static Path secretsDir(Path dataDir) {
        return dataDir.toAbsolutePath().resolve("secrets");
    }

    private Path pidFile() {
        return dataDir.resolve("runtime.pid");
    }

    private Path logFile() {
        return dataDir.resolve("runtime.log");
    }

    /** The running runtime's process, if any. */
    public Optional<ProcessHandle> process() {
        try {
            if (!Files.exists(pidFile())) {
                return Optional.empty();
            }
            return ProcessHandle.of(Long.parseLong(Files.readString(pidFile()).trim())).filter(ProcessHandle::isAlive);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Starts the runtime unless it runs, and waits until Connect's REST API answers. */
    public void start(PrintStream progress) {
        ConnectRestClient rest = new ConnectRestClient(ports.restUrl());
        if (rest.reachable()) {
            return;
        }
        if (process().isEmpty()) {
            ports.checkFree();
            launch(progress);
        }
        long deadline = System.nanoTime() + START_TIMEOUT_S * 1_000_000_000L;
        while (!rest.reachable()) {
            if (process().isEmpty()) {
                throw new CliException("the embedded Kafka + Connect runtime stopped while starting; see " + logFile());
            }
            if (System.nanoTime() > deadline) {
                throw new CliException("the embedded runtime did not answer on " + ports.restUrl() + " within "
                        + START_TIMEOUT_S + "s; see " + logFile());
            }
            sleep(1000);
        }
        progress.println("embedded Kafka + Connect ready: Connect " + ports.restUrl() + ", Kafka " + ports.bootstrapServers()
                + " (state in " + dataDir + ")");
    }

    private void launch(PrintStream progress) {
        try {
            Files.createDirectories(dataDir);
            String plugins = PluginPath.resolve();
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = new ArrayList<>();
            // A session of its own, so closing the terminal that ran 'task create' does not hang it up.
            // (setsid execs in place: the pid stays the runtime's.)
            if (Files.isExecutable(SETSID)) {
                command.add(SETSID.toString());
            }
            command.addAll(List.of(java, "-Xms256m", "-Xmx1g",
                    "-cp", System.getProperty("java.class.path"), RuntimeMain.class.getName(), dataDir.toString(), plugins,
                    String.valueOf(ports.rest()), String.valueOf(ports.kafka()), String.valueOf(ports.controller())));
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.redirectErrorStream(true);
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
            builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Process process = builder.start();
            Files.writeString(pidFile(), String.valueOf(process.pid()));
            progress.println("starting embedded Kafka + Connect (pid " + process.pid() + ", log " + logFile() + ", plugins "
                    + plugins + ") ...");
        } catch (IOException e) {
            throw new CliException("cannot start the embedded runtime: " + e.getMessage());
        }
    }

    /** Stops the runtime; true when one was running. */
    public boolean stop() {
        Optional<ProcessHandle> process = process();
        if (process.isEmpty()) {
            return false;
        }
        process.get().destroy();
        for (int i = 0; i < 60 && process.get().isAlive(); i++) {
            sleep(500);
        }
        if (process.get().isAlive()) {
            // Kafka's and Connect's shutdown hooks took too long: end it, and wait until it is gone.
            process.get().destroyForcibly();
            try {
                process.get().onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new CliException("the embedded runtime (pid " + process.get().pid() + ") did not stop");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException("interrupted");
            }
        }
        try {
            Files.deleteIfExists(pidFile());
        } catch (IOException e) {
            // harmless: the next start finds no live process behind it
        }
        return true;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }
}
