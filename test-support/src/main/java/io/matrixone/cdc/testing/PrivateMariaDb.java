package io.matrixone.cdc.testing;

import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneUri;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real MariaDB server of the test's own, named in {@code scripts/mariadb.sh} ({@code fault} on 127.0.0.1:3308,
 * with its own data directory), that the test stops and starts through the script: the outage test takes it down
 * mid-stream without disturbing the shared MariaDB. {@link #close()} stops it; so does a shutdown hook if the test
 * JVM ends first. Without mariadb-server installed the test is skipped, or fails with {@code mo.required=true}.
 */
public final class PrivateMariaDb implements AutoCloseable {

    private static final Pattern UP = Pattern.compile("up on 127\\.0\\.0\\.1:(\\d+)");
    private static final long START_TIMEOUT_S = 300;

    private final Path script;
    private final String name;
    private final MatrixOneUri uri;
    private final Thread shutdownHook;

    private PrivateMariaDb(Path script, String name, int port) {
        this.script = script;
        this.name = name;
        this.uri = MatrixOneUri.parse("mysql://root:111@127.0.0.1:" + port);
        this.shutdownHook = new Thread(this::stopQuietly, "stop-mariadb-" + name);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts the named server (or takes it as it is when it already answers) and returns once it answers SQL. */
    public static PrivateMariaDb start(String name) {
        Path script = findScript();
        if (script == null) {
            MatrixOneTestServers.unavailable("scripts/mariadb.sh not found above " + Path.of("").toAbsolutePath());
        }
        Result installed = run(script, 60, "has-server");
        if (installed.exit != 0) {
            MatrixOneTestServers.unavailable("no MariaDB server for a private server '" + name
                    + "' (scripts/mariadb.sh has-server failed: apt-get install mariadb-server)" + installed.tail());
        }
        int port = port(name, start(script, name));
        return new PrivateMariaDb(script, name, port);
    }

    /** root/111 on the server's SQL port. */
    public MatrixOneUri uri() {
        return uri;
    }

    /** Stops the server (SIGTERM through the script) and returns once its process is gone. */
    public void stop() {
        Result stopped = run(script, 120, "stop", name);
        if (stopped.exit != 0) {
            throw new IllegalStateException("scripts/mariadb.sh stop " + name + " failed" + stopped.tail());
        }
    }

    /** Starts the server again on its data directory and returns once it answers SQL. */
    public void start() {
        start(script, name);
    }

    /** True when the server answers a query now. */
    public boolean answers() {
        return Connections.checkReachable(uri) == null;
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }

    private void stopQuietly() {
        run(script, 120, "stop", name);
    }

    private static String start(Path script, String name) {
        long began = System.nanoTime();
        Result started = run(script, START_TIMEOUT_S, "start", name);
        if (started.exit != 0) {
            throw new IllegalStateException("scripts/mariadb.sh start " + name + " failed" + started.tail());
        }
        System.err.printf("private MariaDB '%s' answering after %d ms%n", name,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
        return started.output;
    }

    private static int port(String name, String startOutput) {
        Matcher m = UP.matcher(startOutput);
        if (!m.find()) {
            throw new IllegalStateException("scripts/mariadb.sh start " + name + " did not say its port: " + startOutput);
        }
        return Integer.parseInt(m.group(1));
    }

    /** scripts/mariadb.sh in the working directory or a parent (failsafe runs in the module's directory). */
    private static Path findScript() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path script = dir.resolve("scripts/mariadb.sh");
            if (Files.isExecutable(script)) {
                return script;
            }
        }
        return null;
    }

    private record Result(int exit, String output) {
        String tail() {
            return output.isBlank() ? "" : ":\n" + output.strip();
        }
    }

    /**
     * Runs the script with output to a file, not a pipe: the server it starts runs on in the background
     * and must not hold this process's pipe open.
     */
    private static Result run(Path script, long timeoutSeconds, String... args) {
        List<String> command = new ArrayList<>();
        command.add(script.toString());
        command.addAll(List.of(args));
        Path log = null;
        try {
            log = Files.createTempFile("mariadb-sh", ".log");
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " still running after " + timeoutSeconds + " s");
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            System.err.print(output);
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
        } finally {
            if (log != null) {
                log.toFile().delete();
            }
        }
    }
}
