package io.matrixone.cdc.sink;

import io.matrixone.cdc.common.ConfigSupport;
import io.matrixone.cdc.common.AppliedPositions;
import io.matrixone.cdc.common.ConnectionConfig;
import io.matrixone.cdc.common.MatrixOneUri;
import io.matrixone.cdc.common.TableMappings;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/**
 * Every setting of the sink, declared once. Names follow the Confluent JDBC sink where it has one
 * ({@code insert.mode}, {@code pk.mode}, {@code auto.create}, {@code table.name.format}, ...).
 */
public final class MatrixOneSinkConfig extends AbstractConfig {

    public static final String DIALECT = "sink.dialect";
    public static final String TABLES = "tables";
    public static final String TABLE_NAME_FORMAT = "table.name.format";
    public static final String INSERT_MODE = "insert.mode";
    public static final String DELETE_ENABLED = "delete.enabled";
    public static final String PK_MODE = "pk.mode";
    public static final String PK_FIELDS = "pk.fields";
    public static final String AUTO_CREATE = "auto.create";
    public static final String AUTO_EVOLVE = "auto.evolve";
    public static final String TABLE_DROP_BEHAVIOR = "table.drop.behavior";
    public static final String COLUMN_DROP_BEHAVIOR = "column.drop.behavior";
    public static final String MAX_STATEMENT_BYTES = "max.statement.bytes";
    public static final String BATCH_SIZE = "batch.size";
    public static final String STAGED_UPSERT_MIN_ROWS = "staged.upsert.min.rows";
    public static final String APPLIED_DATABASE = AppliedPositions.DATABASE_CONFIG;
    public static final String MAX_RETRIES = "max.retries";
    public static final String RETRY_BACKOFF_MS = "retry.backoff.ms";

    public static final String DEFAULT_TABLE_NAME_FORMAT = "${source.db}.${source.table}";

    /** The kind of database the target is; each has its {@link SinkDialect}. */
    public enum Dialect { MATRIXONE, MYSQL }

    /** How rows are written. */
    public enum InsertMode { UPSERT, INSERT, REPLACE }

    /** Where the primary key of a record comes from. */
    public enum PkMode { RECORD_KEY, RECORD_VALUE, NONE }

    /** What a table or column gone from the source does on the target. */
    public enum DropBehavior { KEEP, DROP }

    private static final String TARGET = "Target";
    private static final String ROUTING = "Routing";
    private static final String WRITES = "Writes";
    private static final String SCHEMA = "Schema";
    private static final String RETRIES = "Retries";

    public static final ConfigDef CONFIG_DEF = configDef();

    private static ConfigDef configDef() {
        ConfigDef def = ConnectionConfig.define(new ConfigDef(), "target");
        int order = 0;
        def.define(DIALECT, Type.STRING, "matrixone", ConfigSupport.oneOf(Dialect.values()), Importance.HIGH,
                "The kind of database the target server is (mo_cdc's --sink-type): matrixone, or mysql for MySQL and "
                        + "MariaDB. mysql creates tables with MySQL types that hold every MatrixOne value (TEXT as LONGTEXT, "
                        + "TIMESTAMP as DATETIME, UUID as UUID on MariaDB 10.7+ else CHAR(36), vectors as JSON array text "
                        + "in LONGTEXT; see README 'MySQL / MariaDB target'), a binary no-pad utf8mb4 collation, and sets a "
                        + "strict sql_mode on its sessions so that a value the target cannot hold fails the write naming "
                        + "table, key and column instead of being truncated; it retries deadlocks (1213), lock wait "
                        + "timeouts (1205) and lost connections. The connection settings then name the MySQL server.",
                TARGET, ++order, Width.SHORT, "Sink dialect");
        order = 0;
        def.define(TABLES, Type.STRING, null, Importance.HIGH,
                "Where records go, in MatrixOne mo_cdc --tables syntax: comma-separated source[:target] entries such as "
                        + "'production_db.user_activities:analytics_db.analytics_activities', 'db.*:db2' or '*.*'. Matched "
                        + "against the record's source database and table. Unset: the record's "
                        + "mo.cdc.target.table header, else " + TABLE_NAME_FORMAT + ".",
                ROUTING, ++order, Width.LONG, "Table mappings");
        def.define(TABLE_NAME_FORMAT, Type.STRING, DEFAULT_TABLE_NAME_FORMAT, new NonBlank(), Importance.MEDIUM,
                "Target table as database.table when no mapping applies. Placeholders: ${topic}, ${source.db}, "
                        + "${source.table} (from the envelope's source block; dots in a topic become underscores).",
                ROUTING, ++order, Width.LONG, "Table name format");
        order = 0;
        def.define(INSERT_MODE, Type.STRING, "upsert", ConfigSupport.oneOf(InsertMode.values()), Importance.HIGH,
                "upsert: INSERT ... ON DUPLICATE KEY UPDATE (idempotent under redelivery); insert: plain INSERT (fails "
                        + "on a duplicate key); replace: REPLACE INTO.",
                WRITES, ++order, Width.SHORT, "Insert mode");
        def.define(DELETE_ENABLED, Type.BOOLEAN, true, Importance.MEDIUM,
                "Apply deletes (op=d and tombstones) as DELETE by primary key. Requires " + PK_MODE + "=record_key.",
                WRITES, ++order, Width.SHORT, "Deletes");
        def.define(PK_MODE, Type.STRING, "record_key", ConfigSupport.oneOf(PkMode.values()), Importance.HIGH,
                "Where the primary key comes from: record_key (the Kafka record key struct), record_value (the fields "
                        + "named in " + PK_FIELDS + " of the row), none (no key: insert only).",
                WRITES, ++order, Width.SHORT, "Primary key mode");
        def.define(PK_FIELDS, Type.LIST, List.of(), Importance.MEDIUM,
                "Primary key fields for pk.mode=record_value; for record_key, a subset of the key struct (empty: all), "
                        + "or the one column a primitive (non-struct) record key fills.",
                WRITES, ++order, Width.LONG, "Primary key fields");
        def.define(MAX_STATEMENT_BYTES, Type.INT, 4 * 1024 * 1024, ConfigDef.Range.between(1024, 64 * 1024 * 1024),
                Importance.LOW,
                "Largest SQL statement sent to MatrixOne; multi-row statements are split below it (mo_cdc's "
                        + "--max-sql-length; MatrixOne's max_allowed_packet is 64 MiB).",
                WRITES, ++order, Width.SHORT, "Max statement bytes");
        def.define(BATCH_SIZE, Type.INT, 3000, ConfigDef.Range.between(1, 100_000), Importance.MEDIUM,
                "Most rows in one multi-row INSERT or DELETE statement (statements are also kept under "
                        + MAX_STATEMENT_BYTES + "). All statements of one put() still commit in one transaction.",
                WRITES, ++order, Width.SHORT, "Batch size");
        // 3,000, not lower: the staging's five statements cost the target more than bound upserts below a few
        // thousand rows of a streaming mix (by hand, half of the keys existing: 400-row batches 2.5x the CPU, 2,000-row
        // 2x, 3,000-6,000 about even; docs/benchmarks-history.md, twenty-first session), while a copy's 6,000-row puts
        // still stage.
        def.define(STAGED_UPSERT_MIN_ROWS, Type.INT, 3000, ConfigDef.Range.atLeast(0), Importance.LOW,
                "MatrixOne targets: a put() with at least this many upserts of one table writes them with one LOAD DATA "
                        + "LOCAL into a staging table of the task in " + APPLIED_DATABASE + " and one INSERT ... SELECT ... ON DUPLICATE KEY UPDATE "
                        + "from it (a copy costs the target about 15% less CPU than multi-row INSERTs with bound values; "
                        + "smaller batches cost it more than bound INSERTs), "
                        + "through a file in a private temporary directory of the worker, the only one the driver lets the "
                        + "server read. Values without exact text (binary, floating point, booleans) keep the bound INSERTs. "
                        + "The staging tables (stage_<crc of the connector>_..., empty between batches) stay when the connector "
                        + "is deleted; mo-cdc task drop removes them. 0 turns it off (the mysql dialect never stages).",
                WRITES, ++order, Width.SHORT, "Staged upsert threshold");
        order = 0;
        def.define(AUTO_CREATE, Type.BOOLEAN, true, Importance.MEDIUM,
                "Create a missing target table from the record schemas (columns, types, primary key).",
                SCHEMA, ++order, Width.SHORT, "Auto create");
        def.define(AUTO_EVOLVE, Type.BOOLEAN, true, Importance.MEDIUM,
                "Add columns that appear in records but not in the target table.",
                SCHEMA, ++order, Width.SHORT, "Auto evolve");
        def.define(TABLE_DROP_BEHAVIOR, Type.STRING, "keep", ConfigSupport.oneOf(DropBehavior.values()), Importance.MEDIUM,
                "What a table dropped on the source does to its target table: keep (the table and its last rows stay) or "
                        + "drop (DROP TABLE on the target). A table created again under the same name is emptied and "
                        + "filled from its new snapshot either way.",
                SCHEMA, ++order, Width.SHORT, "Table drop behavior");
        def.define(COLUMN_DROP_BEHAVIOR, Type.STRING, "drop", ConfigSupport.oneOf(DropBehavior.values()), Importance.MEDIUM,
                "What a column that a table's records carried and no longer carry (dropped or renamed on the source) "
                        + "does to the target table, with auto.evolve: drop (ALTER TABLE DROP COLUMN, so the target keeps the "
                        + "source's columns) or keep (the column stays; rows written from then on leave it at its default, so "
                        + "it must be nullable or have one). Target columns that records never carried are never dropped.",
                SCHEMA, ++order, Width.SHORT, "Column drop behavior");
        def.define(APPLIED_DATABASE, Type.STRING, AppliedPositions.DEFAULT_DATABASE, new ConfigDef.NonEmptyString(), Importance.LOW,
                "Database on the target where the sink keeps, per source table and in the same transaction as the rows, "
                        + "the source time up to which the target table is complete (table applied_position): what "
                        + "'mo-cdc task show' prints as the checkpoint and 'mo-cdc task verify' compares at; and which "
                        + "columns of each target table the records carried (table carried_column), so a restarted task "
                        + "still drops a column renamed or dropped on the source. Source connectors never capture the "
                        + "default one.",
                SCHEMA, ++order, Width.MEDIUM, "Applied position database");
        order = 0;
        def.define(MAX_RETRIES, Type.INT, 10, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                "Retries of a batch after a retriable MatrixOne error (write-write conflict 20619, retry 20628, lost "
                        + "connection) before the task fails.",
                RETRIES, ++order, Width.SHORT, "Max retries");
        def.define(RETRY_BACKOFF_MS, Type.LONG, 1000L, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                "Wait before the first retry; doubles on each further retry, up to 30 s.",
                RETRIES, ++order, Width.SHORT, "Retry backoff (ms)");
        return def;
    }

    private final MatrixOneUri server;
    private final TableMappings tables;

    public MatrixOneSinkConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
        this.server = ConnectionConfig.server(this);
        String mappings = getString(TABLES);
        try {
            this.tables = mappings == null || mappings.isBlank() ? null : TableMappings.parse(mappings);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(TABLES, mappings, e.getMessage());
        }
        if (getBoolean(DELETE_ENABLED) && pkMode() != PkMode.RECORD_KEY) {
            throw new ConfigException(DELETE_ENABLED, true, "deletes need pk.mode=record_key; set "
                    + DELETE_ENABLED + "=false or " + PK_MODE + "=record_key");
        }
        if (pkMode() == PkMode.RECORD_VALUE && getList(PK_FIELDS).isEmpty()) {
            throw new ConfigException(PK_FIELDS, "", "pk.mode=record_value needs the key fields in " + PK_FIELDS);
        }
    }

    public MatrixOneUri server() {
        return server;
    }

    /** The mo_cdc mappings, or null when none are configured. */
    public TableMappings tables() {
        return tables;
    }

    public InsertMode insertMode() {
        return InsertMode.valueOf(getString(INSERT_MODE).toUpperCase(Locale.ROOT));
    }

    public DropBehavior tableDropBehavior() {
        return DropBehavior.valueOf(getString(TABLE_DROP_BEHAVIOR).toUpperCase(Locale.ROOT));
    }

    public DropBehavior columnDropBehavior() {
        return DropBehavior.valueOf(getString(COLUMN_DROP_BEHAVIOR).toUpperCase(Locale.ROOT));
    }

    /** The dialect {@code sink.dialect} names: how to talk to the kind of database the target is. */
    SinkDialect dialect() {
        return SinkDialect.named(getString(DIALECT));
    }

    public PkMode pkMode() {
        return PkMode.valueOf(getString(PK_MODE).toUpperCase(Locale.ROOT));
    }


    /** Rejects empty strings. */
    static final class NonBlank implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null || value.toString().isBlank()) {
                throw new ConfigException(name, value, "must not be empty");
            }
        }

        @Override
        public String toString() {
            return "non-empty string";
        }
    }
}
