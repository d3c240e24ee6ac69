package io.matrixone.cdc.cli;

/** A failure the user can act on: printed as one line, never as a stack trace. */
public final class CliException extends RuntimeException {

    /** Exit code for operational failures (usage errors exit with 2, picocli's convention). */
    public static final int EXIT_FAILURE = 1;

    public CliException(String message) {
        super(message);
    }

    public CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
