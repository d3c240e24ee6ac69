package io.matrixone.cdc.it;

import io.matrixone.cdc.cli.MoCdc;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;

/** Runs the real {@code mo-cdc} command line in the test JVM and captures what it prints. */
public final class MoCdcRunner {

    /** Exit code, standard output and standard error of one command. */
    public record Result(int exit, String out, String err) {
    }

    private static Path secretsDir;

    private MoCdcRunner() {
    }

    /** One command; System.out and System.err are swapped for its duration, hence synchronized. */
    public static synchronized Result run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream capturedOut = new ByteArrayOutputStream();
        ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(capturedOut, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(capturedErr, true, StandardCharsets.UTF_8));
            int exit = MoCdc.run(args);
            return new Result(exit, capturedOut.toString(StandardCharsets.UTF_8), capturedErr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /**
     * One command against the Connect cluster at {@code connectUrl} (one or more URLs, comma separated), whose workers
     * read task secrets from {@link #secretsDir()} (they run in this JVM; ConnectClusterHarness declares the provider).
     */
    public static Result runOn(String connectUrl, String... args) {
        return run(Stream.concat(Arrays.stream(args), Stream.of("--connect-url", connectUrl, "--secrets-dir", secretsDir().toString()))
                .toArray(String[]::new));
    }

    /** Where tasks created through {@link #runOn} keep their server URIs. */
    public static synchronized Path secretsDir() {
        if (secretsDir == null) {
            try {
                secretsDir = Files.createTempDirectory("mo-cdc-secrets");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return secretsDir;
    }
}
