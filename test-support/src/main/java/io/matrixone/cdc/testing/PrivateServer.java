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
 * A real database server of the test's own, named in its script ({@code scripts/matrixone.sh}: MatrixOne
 * {@code fault} on 127.0.0.1:6003; {@code scripts/mariadb.sh}: MariaDB {@code fault} on 127.0.0.1:3308; each with its
 * own ports and data directory), that the test stops and starts through the script: fault tests take it down
 * mid-stream without disturbing the shared servers. {@link #close()} stops it; so does a shutdown hook if the test
 * JVM ends first. Without the server software the test is skipped, or fails with {@code mo.required=true}, like
 * every test on the shared servers.
 */
public final class PrivateServer implements AutoCloseable {

    /** A kind of server: its name in messages, its script, and the script command that says the software is there. */
    private enum Kind {
        MATRIXONE("MatrixOne", "scripts/matrixone.sh", "has-build", "see README.md, 'MatrixOne'"),
        MARIADB("MariaDB", "scripts/mariadb.sh", "has-server", "apt-get install mariadb-server");

        final String label;
        final String script;
        final String check;
        final String hint;

        Kind(String label, String script, String check, String hint) {
            this.label = label;
            this.script = script;
            this.check = check;
            this.hint = hint;
        }
    }


    private static final Pattern UP = Pattern.compile("up on 127\\.0\\.0\\.1:(\\d+)");
    private static final long START_TIMEOUT_S = 300;

    private final Kind kind;
    private final Path script;
    private final String name;
    private final MatrixOneUri uri;
    private final Thread shutdownHook;

    private PrivateServer(Kind kind, Path script, String name, int port) {
        this.kind = kind;
        this.script = script;
        this.name = name;
        this.uri = MatrixOneUri.parse("mysql://root:111@127.0.0.1:" + port);
        this.shutdownHook = new Thread(this::stopQuietly, "stop-" + kind.name().toLowerCase(java.util.Locale.ROOT) + "-" + name);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts the named private MatrixOne (or takes it as it is when it already answers); returns once it answers SQL. */
    public static PrivateServer matrixOne(String name) {
        return start(Kind.MATRIXONE, name);
    }

    /** Same, the named private MariaDB. */
    public static PrivateServer mariaDb(String name) {
        return start(Kind.MARIADB, name);
    }

    private static PrivateServer start(Kind kind, String name) {
        Path script = findScript(kind);
        if (script == null) {
            MatrixOneTestServers.unavailable(kind.script + " not found above " + Path.of("").toAbsolutePath());
        }
        Result installed = run(script, 60, kind.check);
        if (installed.exit != 0) {
            MatrixOneTestServers.unavailable("no " + kind.label + " for a private server '" + name + "' (" + kind.script + " "
                    + kind.check + " failed; " + kind.hint + ")" + installed.tail());
        }
        int port = port(kind, name, start(kind, script, name));
        return new PrivateServer(kind, script, name, port);
    }

    /** root/111 on the server's SQL port. */
    public MatrixOneUri uri() {
        return uri;
    }

    /** Stops the server (SIGTERM through the script) and returns once its process is gone. */
    public void stop() {
        Result stopped = run(script, 120, "stop", name);
        if (stopped.exit != 0) {
            throw new IllegalStateException(kind.script + " stop " + name + " failed" + stopped.tail());
        }
    }

    /** Starts the server again on its data directory and returns once it answers SQL. */
    public void start() {
        start(kind, script, name);
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

    private static String start(Kind kind, Path script, String name) {
        long began = System.nanoTime();
        Result started = run(script, START_TIMEOUT_S, "start", name);
        if (started.exit != 0) {
            throw new IllegalStateException(kind.script + " start " + name + " failed" + started.tail());
        }
        System.err.printf("private %s '%s' answering after %d ms%n", kind.label, name,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
        return started.output;
    }

    private static int port(Kind kind, String name, String startOutput) {
        Matcher m = UP.matcher(startOutput);
        if (!m.find()) {
            throw new IllegalStateException(kind.script + " start " + name + " did not say its port: " + startOutput);
        }
        return Integer.parseInt(m.group(1));
    }

    /** The kind's script in the working directory or a parent (failsafe runs in the module's directory). */
    private static Path findScript(Kind kind) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path script = dir.resolve(kind.script);
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
            log = Files.createTempFile("private-server", ".log");
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
