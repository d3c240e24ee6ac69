package io.matrixone.cdc.source;

import io.matrixone.cdc.common.ConfigSupport;
import io.matrixone.cdc.common.ConnectionConfig;
import io.matrixone.cdc.common.MatrixOneUri;
import io.matrixone.cdc.common.SnapshotProgress;
import io.matrixone.cdc.common.SourceStateTables;
import io.matrixone.cdc.common.TableMappings;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/**
 * Every setting of the source, declared once. Capture scope follows MatrixOne's mo_cdc
 * ({@code level}, {@code tables}, {@code exclude}); the rest follows Debezium's names.
 */
public final class MatrixOneSourceConfig extends AbstractConfig {

    public static final String TOPIC_PREFIX = "topic.prefix";
    public static final String LEVEL = "level";
    public static final String TABLES = "tables";
    public static final String EXCLUDE = "exclude";
    public static final String TABLE_MONITOR_INTERVAL_MS = "table.monitor.interval.ms";
    public static final String SNAPSHOT_MODE = "snapshot.mode";
    public static final String SNAPSHOT_FETCH_SIZE = "snapshot.fetch.size";
    public static final String POLL_INTERVAL_MS = "poll.interval.ms";
    public static final String BUSY_POLL_INTERVAL_MS = "busy.poll.interval.ms";
    /**
     * busy.poll.interval.ms's default and least value: a busy poll loop must not turn into a stream of writes on the
     * source (the task fences at most twice per busy interval, see {@link ReadHorizon}).
     */
    static final long BUSY_POLL_INTERVAL_MIN_MS = 100;
    public static final String IDLE_READS_PER_SECOND = "idle.reads.per.second";
    public static final String IDLE_PROBES_PER_SECOND = "idle.probes.per.second";
    public static final String READ_CONNECTIONS = "read.connections";
    public static final String WINDOW_LAG_MS = "window.lag.ms";
    public static final String WINDOW_MAX_MS = "window.max.ms";
    public static final String STATE_DATABASE = SourceStateTables.DATABASE_CONFIG;
    public static final String START_TS = "start.ts";
    public static final String END_TS = "end.ts";
    public static final String ENVELOPE = "envelope";
    public static final String HEARTBEAT_INTERVAL_MS = "heartbeat.interval.ms";
    public static final String HEARTBEAT_TOPIC_PREFIX = "heartbeat.topics.prefix";

    /** Set by the connector for each task: the tables it captures, comma separated. */
    static final String TASK_TABLES = "task.tables";
    /** Set by the connector for each task: how many tasks share the connector's tables (and its idle-read budget). */
    static final String TASK_COUNT = "task.count";

    /** mo_cdc's capture levels. */
    public enum Level { TABLE, DATABASE, ACCOUNT }

    /** Debezium's snapshot modes. */
    public enum SnapshotMode { INITIAL, NEVER, INITIAL_ONLY, WHEN_NEEDED }

    /** Record value shape. */
    public enum Envelope { DEBEZIUM, FLAT }

    private static final String CAPTURE = "Capture";
    private static final String READING = "Reading";
    private static final String RECORDS = "Records";

    public static final ConfigDef CONFIG_DEF = configDef();

    private static ConfigDef configDef() {
        ConfigDef def = ConnectionConfig.define(new ConfigDef(), "source");
        int order = 0;
        def.define(TOPIC_PREFIX, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                "Prefix of the topics: each table's changes go to <prefix>.<database>.<table> (a name part with characters "
                        + "Kafka refuses, such as spaces or non-ASCII letters, has them replaced by _ and its CRC-32 appended). Also names the source "
                        + "server in offsets and records (source.name), so keep it stable.",
                CAPTURE, ++order, Width.MEDIUM, "Topic prefix");
        def.define(LEVEL, Type.STRING, "table", ConfigSupport.oneOf(Level.values()), Importance.HIGH,
                "mo_cdc capture level: table (the tables listed), database (whole databases: db.*), account (every "
                        + "user database of the account).",
                CAPTURE, ++order, Width.SHORT, "Level");
        def.define(TABLES, Type.STRING, "*.*", Importance.HIGH,
                "Tables to capture in mo_cdc --tables syntax: db.t, db.*, *.*, comma separated; db.t:db2.t2 also names "
                        + "the target table, carried to the sink in the mo.cdc.target.table header.",
                CAPTURE, ++order, Width.LONG, "Tables");
        def.define(EXCLUDE, Type.STRING, "", Importance.MEDIUM,
                "Regular expression on db.table: matching tables are not captured.",
                CAPTURE, ++order, Width.LONG, "Exclude");
        def.define(TABLE_MONITOR_INTERVAL_MS, Type.LONG, 5000L, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                "How often the connector looks for tables created in (or gone from) its scope while it runs; a new "
                        + "table is then snapshotted and streamed from its creation on. 0 turns the watch off.",
                CAPTURE, ++order, Width.SHORT, "Table monitor interval (ms)");
        order = 0;
        def.define(SNAPSHOT_MODE, Type.STRING, "initial", ConfigSupport.oneOf(SnapshotMode.values()), Importance.HIGH,
                "initial: snapshot each table once, then stream; never: stream only (from start.ts or now); "
                        + "initial_only: snapshot then stop; when_needed: like initial, and snapshot again when the "
                        + "checkpoint has fallen out of the PITR window instead of failing.",
                READING, ++order, Width.SHORT, "Snapshot mode");
        def.define(SNAPSHOT_FETCH_SIZE, Type.INT, 10_000, ConfigDef.Range.between(1, 1_000_000), Importance.MEDIUM,
                "Rows per snapshot chunk (keyset pagination in primary-key order).",
                READING, ++order, Width.SHORT, "Snapshot fetch size");
        def.define(POLL_INTERVAL_MS, Type.LONG, 1000L, ConfigDef.Range.atLeast(10), Importance.MEDIUM,
                "How often a table idle for a while is read (one DATA BRANCH DIFF per table per interval). A table "
                        + "that just had changes is read every " + BUSY_POLL_INTERVAL_MS + ", then less often the longer "
                        + "it stays idle (a sixteenth of its idle time), up to this interval.",
                READING, ++order, Width.SHORT, "Poll interval (ms)");
        def.define(BUSY_POLL_INTERVAL_MS, Type.LONG, BUSY_POLL_INTERVAL_MIN_MS,
                ConfigDef.Range.atLeast(BUSY_POLL_INTERVAL_MIN_MS), Importance.MEDIUM,
                "How often a table that just had changes is read, and so about how long its change windows are (at "
                        + "least " + BUSY_POLL_INTERVAL_MIN_MS + " ms; the task fences at most twice per interval, and "
                        + "such a table reads up to a horizon fenced at most half of it before its read). An idle "
                        + "table is never read more often: a shorter " + POLL_INTERVAL_MS + " counts as this long. Each "
                        + "read is one DATA BRANCH DIFF on the source, whose cost is mostly fixed: on a 1,000,000-row "
                        + "table at 2,000 changes/s, about 26 ms of the source's CPU for a 100-ms window and 29 ms for a "
                        + "200-ms one. A longer interval costs the source less CPU per "
                        + "change and adds about half of it to the lag (MatrixOne's built-in CDC: its Frequency option, "
                        + "200 ms by default).",
                READING, ++order, Width.SHORT, "Busy table poll interval (ms)");
        def.define(IDLE_READS_PER_SECOND, Type.INT, 10, ConfigDef.Range.atLeast(1), Importance.LOW,
                "At most this many reads per second, per connector (shared by its tasks), of tables idle for a while: "
                        + "a connector with more tables than this reads each idle table less often than poll.interval.ms "
                        + "(200 tables: every 20 s; a change in between is found sooner by the probes, see "
                        + IDLE_PROBES_PER_SECOND + "). An idle table's checkpoint, and so its lag in mo-cdc task show, "
                        + "moves at each read. Every read is a DATA BRANCH DIFF on the source, a few milliseconds of "
                        + "its CPU even when nothing changed; unbounded, many idle tables cost the source more than "
                        + "MatrixOne's built-in CDC. A read of a table idle for a while passes its whole span since the "
                        + "last read in one diff when nothing changed in it, however long. A task reads a few idle tables "
                        + "per poll, after the tables with recent changes, which are not limited; the budget is kept as a "
                        + "rate (bursts of at most " + StreamScheduler.QUIET_READS_PER_POLL + "), so idle tables that "
                        + "come due together wait their turn rather than hold up the busy ones.",
                READING, ++order, Width.SHORT, "Idle table reads per second");
        def.define(IDLE_PROBES_PER_SECOND, Type.INT, 50, ConfigDef.Range.atLeast(0), Importance.LOW,
                "When a task's idle tables are read less often than poll.interval.ms (more tables than "
                        + IDLE_READS_PER_SECOND + " covers), at most this many probes per second, per connector (shared by "
                        + "its tasks; never more than one per table and poll.interval.ms), of idle tables for changes, on "
                        + "a connection of each task's own: a table that changed is read at once instead of at its next "
                        + "idle read. Every other probe goes to the quiet tables that "
                        + "had changes in the last 10 minutes (the likeliest to change again), the others to all quiet tables "
                        + "in turn. A probe (DATA BRANCH DIFF ... OUTPUT LIMIT 1) costs the source about as much as an idle "
                        + "read but never holds up the task's busy tables. Tables tend to wake up together, so a probe that "
                        + "finds a change starts one round of the task's quiet tables at " + ProbePace.BURST_FACTOR + " times "
                        + "this rate (" + ProbePace.BURST_CONNECTIONS + " probes side by side, on connections of their own), "
                        + "at most once every " + TimeUnit.NANOSECONDS.toSeconds(ProbePace.BURST_COOLDOWN_NANOS)
                        + " s. 0 turns probing off.",
                READING, ++order, Width.SHORT, "Idle table probes per second");
        def.define(READ_CONNECTIONS, Type.INT, 2, ConfigDef.Range.between(1, 64), Importance.LOW,
                "Connections each task reads its tables on, side by side, each with a thread of its own that "
                        + "takes the next table due (one connection at a time per table). On one connection a task "
                        + "reads its tables one after the other, so each busy table's changes wait for the reads of "
                        + "all the others (a DATA BRANCH DIFF each). More than the task's tables are never opened. A "
                        + "task fences (see state.database) once for all of its connections on the same CN.",
                READING, ++order, Width.SHORT, "Read connections per task");
        def.define(WINDOW_LAG_MS, Type.LONG, 0L, ConfigDef.Range.atLeast(0), Importance.LOW,
                "A window ends this long before the fenced server time (see state.database). The fence needs no "
                        + "margin (its commit is stamped after the server time it follows, whatever the clocks of the "
                        + "nodes); a margin only adds lag.",
                READING, ++order, Width.SHORT, "Window safety lag (ms)");
        def.define(STATE_DATABASE, Type.STRING, SnapshotProgress.DEFAULT_STATE_DATABASE, new ConfigDef.NonEmptyString(), Importance.LOW,
                "Database on the source (created if missing, never captured) holding the connector's small tables. "
                        + "fence: each task commits one row there before it reads windows; a time-travel read does not "
                        + "wait for commits in flight, so a window ending at the server's 'now' (or a fixed lag behind it, "
                        + "under load) can miss commits, and the fence commit makes MatrixOne apply every earlier commit "
                        + "first. snapshot_start: each table's snapshot time, so a snapshot interrupted before its first "
                        + "checkpoint restarts at the same time. window_end: the ends of windows whose changes were "
                        + "delivered but not yet checkpointed, so a replay cuts its windows at the same points. "
                        + "window_log: the fenced horizons and the tables with recent changes at each, the same for "
                        + "busy tables without a write per window (the fence's own row goes there). "
                        + "snapshot_progress: rows done / total per table; table_state: each table's state (mo-cdc). "
                        + "Each row's key starts with the connector's name; mo-cdc task drop deletes the task's rows. "
                        + "The source user needs CREATE on it and INSERT, UPDATE, DELETE, "
                        + "SELECT on its tables.",
                READING, ++order, Width.MEDIUM, "State database");
        def.define(WINDOW_MAX_MS, Type.LONG, 10_000L, ConfigDef.Range.atLeast(10), Importance.LOW,
                "Longest change window. A table reads everything from its checkpoint up to the fenced horizon in "
                        + "one DATA BRANCH DIFF, up to this long (a table far behind catches up in windows this long; "
                        + "their changes are held in memory together). An idle table passes an empty span in one step "
                        + "whatever its length.",
                READING, ++order, Width.SHORT, "Longest window (ms)");
        def.define(START_TS, Type.STRING, null, Importance.LOW,
                "Start streaming from this time without a snapshot (mo_cdc --start-ts): 'yyyy-MM-dd HH:mm:ss[.ffffff]' "
                        + "in UTC or Unix-epoch nanoseconds. Must lie inside the PITR window.",
                READING, ++order, Width.MEDIUM, "Start timestamp");
        def.define(END_TS, Type.STRING, null, Importance.LOW,
                "Stop at this time (mo_cdc --end-ts), same formats as start.ts: each table's last window ends there, "
                        + "after which the task stays running and emits nothing more for it. Unset: capture until stopped.",
                READING, ++order, Width.MEDIUM, "End timestamp");
        order = 0;
        def.define(ENVELOPE, Type.STRING, "debezium", ConfigSupport.oneOf(Envelope.values()), Importance.MEDIUM,
                "debezium: values are Debezium change envelopes (before, after, op, ts_ms, source); flat: the row "
                        + "itself, deletes as tombstones.",
                RECORDS, ++order, Width.SHORT, "Envelope");
        def.define(HEARTBEAT_INTERVAL_MS, Type.LONG, 30_000L, ConfigDef.Range.atLeast(0), Importance.LOW,
                "Idle tables emit a heartbeat record this often so their offsets (checkpoints) keep moving; 0 turns it off.",
                RECORDS, ++order, Width.SHORT, "Heartbeat interval (ms)");
        def.define(HEARTBEAT_TOPIC_PREFIX, Type.STRING, "__mo_cdc_heartbeat", Importance.LOW,
                "Heartbeats go to <this>.<topic.prefix>.",
                RECORDS, ++order, Width.MEDIUM, "Heartbeat topic prefix");
        return def;
    }

    private final MatrixOneUri server;
    private final TableMappings tables;
    private final Pattern exclude;

    public MatrixOneSourceConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
        this.server = ConnectionConfig.server(this);
        try {
            this.tables = TableMappings.parse(getString(TABLES));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(TABLES, getString(TABLES), e.getMessage());
        }
        String regex = getString(EXCLUDE);
        try {
            this.exclude = regex == null || regex.isBlank() ? null : Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
        } catch (PatternSyntaxException e) {
            throw new ConfigException(EXCLUDE, regex, "not a regular expression: " + e.getDescription());
        }
        Long start = getString(START_TS) == null ? null : Timestamps.parse(getString(START_TS), START_TS);
        Long end = endNanos();
        if (start != null && end != null && end <= start) {
            throw new ConfigException(END_TS, getString(END_TS), "must be later than " + START_TS);
        }
    }

    public MatrixOneUri server() {
        return server;
    }

    public TableMappings tables() {
        return tables;
    }

    /** Null when nothing is excluded. */
    public Pattern exclude() {
        return exclude;
    }

    public Level level() {
        return Level.valueOf(getString(LEVEL).toUpperCase(Locale.ROOT));
    }

    public SnapshotMode snapshotMode() {
        return SnapshotMode.valueOf(getString(SNAPSHOT_MODE).toUpperCase(Locale.ROOT));
    }

    public String stateDatabase() {
        return getString(STATE_DATABASE).toLowerCase(Locale.ROOT);
    }

    /** Null when capture has no end. */
    public Long endNanos() {
        return getString(END_TS) == null ? null : Timestamps.parse(getString(END_TS), END_TS);
    }

    public Envelope envelope() {
        return Envelope.valueOf(getString(ENVELOPE).toUpperCase(Locale.ROOT));
    }

}
