package io.matrixone.cdc.cli;

import io.matrixone.cdc.common.ClientTuning;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/** mo_cdc's task create flags. */
final class TaskCreateOptions {

    @Option(names = "--task-name", required = true, description = "Name of the task.")
    String taskName;

    @Option(names = "--source-uri", required = true, description = "Source MatrixOne: mysql://user:password@host:port")
    String sourceUri;

    @Option(names = "--sink-type", defaultValue = "matrixone", description = "matrixone, or mysql for a MySQL or MariaDB sink (the sink's sink.dialect). Default: ${DEFAULT-VALUE}")
    String sinkType;

    @Option(names = "--sink-uri", required = true, description = "Sink: mysql://user:password@host:port")
    String sinkUri;

    @Option(names = "--level", defaultValue = "table", description = "table, database or account. Default: ${DEFAULT-VALUE}")
    String level;

    @Option(names = "--tables", description = "db.t, db.*, *.*, comma separated; db.t:db2.t2 maps to another table.")
    String tables;

    @Option(names = "--exclude", description = "Regular expression on db.table of tables to leave out.")
    String exclude;

    @Option(names = "--start-ts", description = "Start from this time (UTC 'yyyy-MM-dd HH:mm:ss' or epoch nanoseconds), without a full copy.")
    String startTs;

    @Option(names = "--end-ts", description = "Stop capturing at this time (same formats as --start-ts); the task then idles.")
    String endTs;

    @Option(names = "--no-full", description = "Skip the initial full copy: only changes from now on.")
    boolean noFull;

    @Option(names = "--frequency", description = "How often a table with changes is read: 100ms, 500ms, 2s, 5m, 1h "
            + "(CREATE CDC's Frequency). Longer costs the source less CPU per change and adds about half of it to the lag. "
            + "Default: 100ms")
    String frequency;

    @Option(names = "--max-sql-length", description = "Largest SQL statement sent to the sink, in bytes.")
    Integer maxSqlLength;

    /** Flat rows by default: see {@link ClientTuning#ENVELOPE}. */
    @Option(names = "--envelope", defaultValue = ClientTuning.ENVELOPE, description = "Record values in the task's Kafka topics: flat "
            + "(the row itself, a delete as a tombstone: Kafka's upsert changelog), or debezium (Debezium change events "
            + "with before, after, op and source, for other consumers of the topics; about three times the bytes and "
            + "slower). Default: ${DEFAULT-VALUE}")
    String envelope;

    @Option(names = "--tasks", defaultValue = "1", description = "Connector tasks the tables are spread over, for the source and for the sink "
            + "(each table's topic is written by one sink task at a time). Default: ${DEFAULT-VALUE}")
    int tasks;

    private static final Pattern FREQUENCY = Pattern.compile("(?i)([1-9][0-9]{0,8})(ms|s|m|h)");

    /** --frequency in milliseconds. */
    long frequencyMillis() {
        Matcher m = FREQUENCY.matcher(frequency.trim());
        if (!m.matches()) {
            throw new CliException("invalid --frequency '" + frequency + "': a whole number and a unit, ms, s, m or h (e.g. 500ms, 1m)");
        }
        TimeUnit unit = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "ms" -> TimeUnit.MILLISECONDS;
            case "s" -> TimeUnit.SECONDS;
            case "m" -> TimeUnit.MINUTES;
            default -> TimeUnit.HOURS;
        };
        return unit.toMillis(Long.parseLong(m.group(1)));
    }

    /** Checks what picocli cannot: value sets and combinations. */
    void check() {
        TaskDefinition.checkName(taskName);
        if (!sinkType.equalsIgnoreCase("matrixone") && !sinkType.equalsIgnoreCase("mysql")) {
            throw new CliException("invalid --sink-type '" + sinkType + "': matrixone or mysql");
        }
        if (!level.matches("(?i)table|database|account")) {
            throw new CliException("invalid --level '" + level + "': table, database or account");
        }
        if (tables == null || tables.isBlank()) {
            if (!level.equalsIgnoreCase("account")) {
                throw new CliException("--tables is required with --level " + level + " (e.g. db.t:db2.t2 or db.*)");
            }
            tables = "*.*";
        }
        if (!envelope.matches("(?i)flat|debezium")) {
            throw new CliException("invalid --envelope '" + envelope + "': flat or debezium");
        }
        if (frequency != null) {
            frequencyMillis(); // fails on a bad value
        }
        if (tasks < 1) {
            throw new CliException("--tasks must be at least 1");
        }
    }
}
