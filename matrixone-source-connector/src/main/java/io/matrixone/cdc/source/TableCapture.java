package io.matrixone.cdc.source;

import java.util.List;

/** Where one table's capture stands: the in-memory twin of its Connect offset. */
final class TableCapture {

    enum Phase { SNAPSHOT, STREAM, DONE }

    RecordFactory records;
    Phase phase;
    /** Snapshot: the time the snapshot reads at (0 = not chosen yet). Stream: the end of the last window. */
    long ts;
    /** Snapshot: the last key emitted, as text, or null before the first chunk. */
    List<String> lastKey;
    /** When this table may next read a window (System.nanoTime()). */
    long nextReadAt;
    /** When a record carrying this table's offset was last emitted (System.nanoTime()). */
    long lastEmitAt = System.nanoTime();
    /** Whether the source may still hold this table's saved snapshot time (see SourceState). */
    boolean snapshotStartSaved;
    /** When the committed checkpoint was last looked at (System.nanoTime()). */
    long checkpointCheckedAt;

    TableCapture(RecordFactory records, Phase phase, long ts, List<String> lastKey) {
        this.records = records;
        this.phase = phase;
        this.ts = ts;
        this.lastKey = lastKey;
    }
}
