package io.matrixone.cdc.cli;

import io.matrixone.cdc.cli.runtime.RuntimeCommands;
import io.matrixone.cdc.common.MatrixOneUri;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code mo-cdc}: MatrixOne's mo_cdc task workflow on Kafka Connect. Exit codes: 0 success, 1 failure
 * (one line on stderr saying why), 2 usage error.
 */
@Command(name = "mo-cdc", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, version = "mo-cdc 0.1.0",
        description = "MatrixOne change data capture through Kafka Connect.",
        subcommands = {TaskCommands.class, RuntimeCommands.class})
public final class MoCdc {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (tests call this). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new MoCdc());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof CliException) {
                commandLine.getErr().println("mo-cdc: " + e.getMessage());
                return CliException.EXIT_FAILURE;
            }
            if (e instanceof IllegalArgumentException) {
                // Bad input found past picocli, e.g. a URI that does not parse: its message names it.
                commandLine.getErr().println("mo-cdc: " + MatrixOneUri.maskPassword(String.valueOf(e.getMessage())));
                return CliException.EXIT_FAILURE;
            }
            commandLine.getErr().println("mo-cdc: unexpected error: " + MatrixOneUri.maskPassword(String.valueOf(e)));
            return CliException.EXIT_FAILURE;
        });
        return cli.execute(args);
    }
}
