package io.matrixone.cdc.source;

import io.matrixone.cdc.common.ChangeEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The records of one read of a table, each with the offset a replay after a crash resumes from. Connect commits the
 * offset of the last record it has acknowledged, so:
 * <ul>
 *   <li>a window's records carry the window's start, all but the last, which carries its end: a checkpoint inside a
 *   window reads the whole window again (the sink's upserts and deletes are idempotent), and only the window's last
 *   record moves the table past it;</li>
 *   <li>a snapshot chunk's rows carry the key they were read up to, the snapshot's last row the start of the stream at
 *   the snapshot's time.</li>
 * </ul>
 */
final class ReadRecords {

    private ReadRecords() {
    }

    /** One window's changes, read between {@code from} and {@code to}: a delete is followed by its tombstone. */
    static List<SourceRecord> window(RecordFactory records, List<ChangeReader.Change> changes, long from, long to,
                                     SourceTaskMetrics metrics) {
        List<SourceRecord> out = new ArrayList<>(changes.size() + 1);
        for (int i = 0; i < changes.size(); i++) {
            ChangeReader.Change change = changes.get(i);
            Map<String, Object> offset = Offsets.stream(i == changes.size() - 1 ? to : from);
            Struct row = records.row(change.values());
            switch (change.flag()) {
                case INSERT -> {
                    out.add(records.change(ChangeEvent.OP_CREATE, null, row, to, null, offset));
                    metrics.inserts.incrementAndGet();
                }
                case UPDATE -> {
                    out.add(records.change(ChangeEvent.OP_UPDATE, null, row, to, null, offset));
                    metrics.updates.incrementAndGet();
                }
                case DELETE -> {
                    // The tombstone carries the end offset when it is last, so it is committed with the window.
                    SourceRecord delete = records.change(ChangeEvent.OP_DELETE, row, null, to, null, Offsets.stream(from));
                    if (delete.value() != null) { // with envelope=flat the delete is a tombstone already: one is enough
                        out.add(delete);
                    }
                    out.add(records.tombstone(delete, offset));
                    metrics.deletes.incrementAndGet();
                }
            }
        }
        return out;
    }

    /**
     * A snapshot chunk read at {@code ts}; {@code lastChunk} when it is the snapshot's last (fewer rows than asked):
     * its last row is marked {@code "last"} and its offset starts the stream at {@code ts}.
     */
    static List<SourceRecord> snapshotChunk(RecordFactory records, List<SnapshotReader.Row> rows, long ts, boolean lastChunk) {
        List<SourceRecord> out = new ArrayList<>(rows.size() + 1);
        for (int i = 0; i < rows.size(); i++) {
            SnapshotReader.Row row = rows.get(i);
            boolean lastOfSnapshot = lastChunk && i == rows.size() - 1;
            Map<String, Object> offset = lastOfSnapshot ? Offsets.stream(ts)
                    : Offsets.snapshot(ts, Offsets.keyJson(new ArrayList<>(row.key())));
            out.add(records.change(ChangeEvent.OP_READ, null, records.row(row.values()), ts,
                    lastOfSnapshot ? "last" : "true", offset));
        }
        return out;
    }
}
