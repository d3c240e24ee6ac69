package io.matrixone.cdc.common;

/**
 * Names in the source connector's Connect offsets: the checkpoint of one table. The source writes
 * them; the mo-cdc command line reads them back (Connect REST {@code GET /connectors/{name}/offsets})
 * to show the checkpoint of a task.
 *
 * <p>Partition: {@code {server, db, table}}. Offset: {@code {ts, phase, last_pk}} where {@code ts} is
 * the MatrixOne timestamp (physical Unix-epoch nanoseconds) the table is consistent at, {@code phase}
 * is {@link #PHASE_SNAPSHOT}, {@link #PHASE_STREAM} or {@link #PHASE_DROPPED} (the table was dropped at
 * {@code ts}: its capture ended there), and {@code last_pk} the JSON array of the last
 * primary key written during a snapshot (null once streaming).
 */
public final class SourceOffsets {

    public static final String PARTITION_SERVER = "server";
    public static final String PARTITION_DB = "db";
    public static final String PARTITION_TABLE = "table";

    public static final String TS = "ts";
    public static final String PHASE = "phase";
    public static final String LAST_PK = "last_pk";

    public static final String PHASE_SNAPSHOT = "snapshot";
    public static final String PHASE_STREAM = "stream";
    public static final String PHASE_DROPPED = "dropped";

    private SourceOffsets() {
    }
}
