package io.matrixone.cdc.common;

/**
 * The record contract between the source and the sink: the Debezium-compatible envelope the source
 * writes and the sink reads, and the header that carries {@code --tables db.t:db2.t2} routing.
 * Debezium's own names are used so existing consumers and SMTs work unchanged.
 */
public final class ChangeEvent {

    public static final String BEFORE = "before";
    public static final String AFTER = "after";
    public static final String OP = "op";
    public static final String TS_MS = "ts_ms";
    public static final String SOURCE = "source";

    /** Fields of the {@code source} block. */
    public static final String SOURCE_VERSION = "version";
    public static final String SOURCE_CONNECTOR = "connector";
    public static final String SOURCE_NAME = "name";
    public static final String SOURCE_DB = "db";
    public static final String SOURCE_TABLE = "table";
    public static final String SOURCE_TS_MS = "ts_ms";
    /** The MatrixOne commit timestamp the row was read at, physical nanoseconds. */
    public static final String SOURCE_TS_NS = "ts_ns";
    public static final String SOURCE_SNAPSHOT = "snapshot";

    public static final String CONNECTOR_NAME = "matrixone";

    /** Operation codes, as Debezium writes them. */
    public static final String OP_READ = "r";
    public static final String OP_CREATE = "c";
    public static final String OP_UPDATE = "u";
    public static final String OP_DELETE = "d";
    /** Every row of the table is gone (TRUNCATE, or the table dropped): Debezium's truncate op, with a null key. */
    public static final String OP_TRUNCATE = "t";

    /**
     * Header on a table-level event (a record with a null key): {@link #TABLE_TRUNCATED} or {@link #TABLE_DROPPED}.
     * Set with either envelope, so a flat-envelope consumer sees table events too. A Debezium consumer that
     * knows nothing of it reads a drop as a truncate: the table holds no rows any more.
     */
    public static final String TABLE_EVENT_HEADER = "mo.cdc.table.event";
    public static final String TABLE_TRUNCATED = "truncate";
    public static final String TABLE_DROPPED = "drop";

    /**
     * Header naming the table the sink should write to ({@code db.table}), set by the source from
     * its table mappings. A sink with its own routing configured may ignore it.
     */
    /**
     * On the record that ends what the source read of a table (a change window's last record, a snapshot's last row,
     * a truncate or drop event): the source time, in epoch nanoseconds, up to which the table is complete once this
     * record and every one before it is applied. Records without it leave the table part way through a window.
     */
    public static final String COMPLETE_TS_HEADER = "mo.cdc.complete.ts";
    /**
     * On every row record of envelope=flat (a Debezium envelope carries it as {@code source.ts_ns}): the time the row
     * was read at the source, in epoch nanoseconds. The sink orders a table's schemas by it, so a redelivered row never
     * takes the target table back to an older shape; the record's Kafka timestamp has only milliseconds, and the last
     * window before an ALTER TABLE ends one nanosecond before the snapshot at the ALTER, nearly always within its millisecond.
     */
    public static final String SOURCE_TS_HEADER = "mo.cdc.source.ts";
    /** On records carrying {@link #COMPLETE_TS_HEADER}: the source table, {@code db.table}. */
    public static final String SOURCE_TABLE_HEADER = "mo.cdc.source.table";
    public static final String TARGET_TABLE_HEADER = "mo.cdc.target.table";

    /**
     * Schema parameter holding the source column's declared MatrixOne type (e.g. {@code VARCHAR(50)}),
     * under Debezium's name for it, so a sink can create the target column exactly.
     */
    public static final String COLUMN_TYPE_PARAM = "__debezium.source.column.type";

    private ChangeEvent() {
    }
}
