package io.matrixone.cdc.source;

import io.matrixone.cdc.common.TableId;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a change of a table's identity at Td means for its capture, once every change before Td has been read (the
 * rules are listed in {@link TableStream}'s class comment): the table is gone, streaming goes on at Td with the
 * schema in force then (after a truncate event when it was emptied), or the table is read again at Td. The decision
 * is kept apart from the stream that carries it out, so each rule is tested on its own ({@code TableChangeTest}).
 */
final class TableChange {

    /** What the stream does at the change. */
    sealed interface Outcome permits Dropped, Continue, Resnapshot {
    }

    /** No table under the name at Td: a drop event, capture ends. */
    record Dropped() implements Outcome {
    }

    /** Streaming goes on from Td with {@code schema}; {@code truncated}: the table was emptied, so the target is too. */
    record Continue(TableSchema schema, TableHistory.Identity identity, boolean truncated, String what) implements Outcome {
    }

    /** A new snapshot at Td, after a truncate event when {@code truncateFirst}. */
    record Resnapshot(boolean truncateFirst, String why) implements Outcome {
    }

    /** The reads a decision may need, made only when a rule asks for them. */
    interface Source {
        /** The table's identity at Td; null when no table has the name then. */
        TableHistory.Identity identityAt() throws SQLException;

        /** The columns in force at Td. */
        Optional<TableSchema> schemaAt() throws SQLException;

        boolean emptyAt(TableSchema schema) throws SQLException;

        /** The table's rows at {@code ts} read with {@code schema}. */
        long rowsAt(TableSchema schema, long ts) throws SQLException;
    }

    private TableChange() {
    }

    /** The outcome of the change at {@code changeAt} for a table read up to just before it with {@code before}. */
    static Outcome at(Connection conn, TableId id, TableSchema before, TableHistory.Identity identityBefore, long changeAt)
            throws SQLException {
        return decide(new Source() {
            @Override
            public TableHistory.Identity identityAt() throws SQLException {
                return TableHistory.at(conn, id, changeAt);
            }

            @Override
            public Optional<TableSchema> schemaAt() throws SQLException {
                return SchemaReader.readAt(conn, id, changeAt);
            }

            @Override
            public boolean emptyAt(TableSchema schema) throws SQLException {
                return SnapshotReader.isEmpty(conn, schema, changeAt);
            }

            @Override
            public long rowsAt(TableSchema schema, long ts) throws SQLException {
                return SnapshotReader.count(conn, schema, ts);
            }
        }, before, identityBefore, changeAt);
    }

    static Outcome decide(Source source, TableSchema before, TableHistory.Identity identityBefore, long changeAt)
            throws SQLException {
        TableHistory.Identity after = source.identityAt();
        Optional<TableSchema> then = after == null ? Optional.empty() : source.schemaAt();
        if (then.isEmpty()) {
            return new Dropped();
        }
        String at = Timestamps.toText(changeAt);
        TableSchema schema = then.get();
        boolean sameKey = names(schema.primaryKey()).equals(names(before.primaryKey()));
        if (source.emptyAt(schema)) {
            // TRUNCATE (or a change that left the table empty): the target empties too; streaming goes on.
            return new Continue(schema, after, true, "truncated at " + at);
        }
        if (after.sameTable(identityBefore) && sameKey && names(schema.columns()).equals(names(before.columns()))) {
            // In place, same columns (an index, a comment, a wider type): the rows are as they were.
            return new Continue(schema, after, false, "altered in place at " + at);
        }
        if (!sameKey) {
            return new Resnapshot(true, "altered at " + at + "; its primary key changed");
        }
        // The snapshot at the change overwrites the target's rows in place: right only if the table holds the rows it
        // held just before. Once (TableLifecycleIT, a writer busy during ADD COLUMN) a row the last window delivered
        // was gone from the snapshot at the change, and the target kept it: then the target is emptied first.
        long rowsBefore = source.rowsAt(before, changeAt - 1);
        long rowsAfter = source.rowsAt(schema, changeAt);
        boolean sameRows = rowsBefore == rowsAfter;
        return new Resnapshot(!sameRows, "altered at " + at + "; MatrixOne cannot diff across the change, the rows are "
                + "read again with the new columns" + (sameRows ? "" : " (" + rowsBefore + " rows just before the change, "
                + rowsAfter + " at it)"));
    }

    private static List<String> names(List<Column> columns) {
        return columns.stream().map(c -> c.name().toLowerCase(Locale.ROOT)).toList();
    }
}
