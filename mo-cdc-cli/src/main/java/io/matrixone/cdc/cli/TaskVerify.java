package io.matrixone.cdc.cli;

import io.matrixone.cdc.common.AppliedPositions;
import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneErrors;
import io.matrixone.cdc.common.TableFingerprint;
import io.matrixone.cdc.common.TableId;
import io.matrixone.cdc.common.TableStates;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mo-cdc task verify}: proves the target table by table while the task streams and writers write (see
 * {@link TableVerifier}). Prints one JSON object per table on stdout and its progress on stderr; exit code 0 when every
 * table checked is equal, 1 when one differs or could not be checked (named on stderr).
 */
@Command(name = "verify", description = "Compare every table of the task: the target as it is with the source as it was "
        + "at the target's applied position (row count and checksum over every column; differing keys on a mismatch). "
        + "Works while the task streams. Exit 0 when all are equal, 1 otherwise.")
final class TaskVerify implements Callable<Integer> {

    @Mixin
    TaskCommands.Named named;

    @Option(names = "--max-tables", description = "Stop after this many tables (for big databases).")
    Integer maxTables;

    @Option(names = "--max-seconds", description = "Stop starting new tables after this many seconds.")
    Integer maxSeconds;

    @Option(names = "--max-keys", defaultValue = "10", description = "Differing keys to name per table. Default: ${DEFAULT-VALUE}")
    int maxKeys;

    @Option(names = "--table-wait", defaultValue = "60", description = "Seconds to keep trying a table whose window is "
            + "being applied or that moves while it is read. Default: ${DEFAULT-VALUE}")
    int tableWaitSeconds;

    @Override
    public Integer call() throws InterruptedException {
        if (maxKeys < 1 || tableWaitSeconds < 0 || (maxTables != null && maxTables < 1) || (maxSeconds != null && maxSeconds < 1)) {
            throw new CliException("--max-keys, --max-tables and --max-seconds must be at least 1, --table-wait at least 0");
        }
        ConnectRestClient connect = named.existing();
        TaskServers servers = TaskServers.of(connect, named.taskName);
        long began = System.nanoTime();
        List<Map<String, String>> printed = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        try (Connection source = Connections.open(servers.source()); Connection target = Connections.open(servers.target())) {
            TableVerifier verifier = new TableVerifier(source, target, servers.targetIsMatrixOne(), servers.appliedDatabase(),
                    servers.sinkConnector(), maxKeys);
            Map<String, String> tables = tables(source, target, servers);
            int done = 0;
            for (Map.Entry<String, String> table : tables.entrySet()) {
                if (maxTables != null && done >= maxTables
                        || maxSeconds != null && System.nanoTime() - began > maxSeconds * 1_000_000_000L) {
                    System.err.println("verify: stopped after " + done + " of " + tables.size() + " tables (--max-tables / "
                            + "--max-seconds); the other " + (tables.size() - done) + " were not checked");
                    break;
                }
                done++;
                TableVerifier.Outcome outcome = table.getValue() != null
                        ? new TableVerifier.Outcome(table.getKey(), "", TableVerifier.Result.UNVERIFIED, 0, table.getValue())
                        : verifier.verify(table.getKey(), tableWaitSeconds * 1_000_000_000L);
                String result = outcome.result().name().toLowerCase(java.util.Locale.ROOT);
                System.err.println("verify: " + outcome.sourceTable() + " " + result + ": " + outcome.detail());
                if (outcome.result() != TableVerifier.Result.EQUAL) {
                    failed.add(outcome.sourceTable() + " (" + result + ")");
                }
                printed.add(row(outcome));
            }
        } catch (SQLException e) {
            throw new CliException("verify failed: " + MatrixOneErrors.describe(e));
        }
        TaskCommands.printJson(System.out, printed);
        if (!failed.isEmpty()) {
            System.err.println("mo-cdc: task " + named.taskName + ": not equal or not checked: " + String.join(", ", failed));
            return CliException.EXIT_FAILURE;
        }
        System.err.println("verify: " + printed.size() + " table(s) equal");
        return 0;
    }

    /**
     * The tables to check, each with null, or why it cannot be checked: those the source captures (its table states)
     * and those with an applied position on the target. Left out: dropped tables, and tables that no longer exist on
     * the source (also what an earlier connector of the same name left in either place).
     */
    private static Map<String, String> tables(Connection source, Connection target, TaskServers servers) throws SQLException {
        Map<String, String> tables = new TreeMap<>();
        for (Map.Entry<String, TableStates.State> state : TableStates.of(source, servers.stateDatabase(), servers.sourceConnector()).entrySet()) {
            String name = state.getValue().state();
            if (name.equals(TableStates.STOPPED)) {
                tables.put(state.getKey(), "not captured: " + state.getValue().reason());
            } else if (!name.equals(TableStates.DROPPED)) {
                tables.put(state.getKey(), null);
            }
        }
        AppliedPositions.of(target, servers.appliedDatabase(), servers.sinkConnector()).keySet()
                .forEach(table -> tables.putIfAbsent(table, null));
        tables.keySet().removeIf(table -> !existsOn(source, table));
        return tables;
    }

    private static boolean existsOn(Connection source, String table) {
        try {
            return !TableFingerprint.columns(source, TableId.parse(table)).isEmpty();
        } catch (SQLException e) {
            return true; // checked, and reported, by the verification itself
        }
    }

    private static Map<String, String> row(TableVerifier.Outcome outcome) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("table", outcome.sourceTable());
        row.put("target", outcome.targetTable());
        row.put("result", outcome.result().name().toLowerCase(java.util.Locale.ROOT));
        row.put("applied", outcome.appliedTs() == 0 ? "" : TaskView.moTime(Instant.ofEpochSecond(0, outcome.appliedTs())));
        row.put("detail", outcome.detail());
        return row;
    }
}
