package io.matrixone.cdc.cli;

import io.matrixone.cdc.common.AppliedPositions;
import io.matrixone.cdc.common.AppliedPositions.Position;
import io.matrixone.cdc.common.ServerFence;
import io.matrixone.cdc.common.TableFingerprint;
import io.matrixone.cdc.common.TableFingerprint.Fingerprint;
import io.matrixone.cdc.common.TableFingerprint.RowHash;
import io.matrixone.cdc.common.TableId;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

/**
 * Proves one table of a task: the target as it is equals the source as it was at the target's applied position.
 * The target's rows and its applied position are read at one time: on a MatrixOne target, both at {@code {MO_TS}} of
 * a fenced moment ago ({@link ServerFence}: without the fence, a sink commit still in flight can show up between the
 * two reads; a recent past needs no PITR); elsewhere, the rows between two reads of the position, where the same
 * position twice (every sink write moves its Kafka offset) means no write came in between. A position that says a
 * window is applied part way, or that moves, is read again, until {@code waitNanos} runs out. On a difference, the
 * differing keys (at most {@code maxKeys}) from a merge of both sides in key order.
 */
public final class TableVerifier {

    public enum Result { EQUAL, DIFFERENT, UNVERIFIED }

    /** What verify found for one source table. */
    public record Outcome(String sourceTable, String targetTable, Result result, long appliedTs, String detail) {
    }

    private static final long RETRY_SLEEP_MS = 300;

    private final Connection source;
    private final Connection target;
    private final String appliedDatabase;
    private final String connector;
    private final int maxKeys;
    private final boolean targetTimeTravel;
    private final TableId fence;
    private boolean fenceReady;

    /** {@code targetTimeTravel}: the target is MatrixOne, read at one time with {@code {MO_TS}}. */
    public TableVerifier(Connection source, Connection target, boolean targetTimeTravel, String appliedDatabase, String connector,
                         int maxKeys) {
        this.source = source;
        this.target = target;
        this.targetTimeTravel = targetTimeTravel;
        this.appliedDatabase = appliedDatabase;
        this.connector = connector;
        this.maxKeys = maxKeys;
        this.fence = new TableId(appliedDatabase, "verify_fence");
    }

    public Outcome verify(String sourceTable, long waitNanos) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + waitNanos;
        TableId from = TableId.parse(sourceTable);
        String why = "";
        while (true) {
            Long at = targetTimeTravel ? fencedNow() : null;
            Position before = position(sourceTable, at);
            if (before == null) {
                return unapplied(from);
            }
            TableId to = TableId.parse(before.targetTable());
            if (before.partial()) {
                why = "a window of it was being applied at every try";
            } else {
                Fingerprint onTarget = TableFingerprint.of(target, to, at);
                if (at != null || Objects.equals(before, position(sourceTable, null))) {
                    Fingerprint onSource = TableFingerprint.of(source, from, before.appliedTs());
                    if (onSource == null) {
                        return new Outcome(sourceTable, before.targetTable(), Result.UNVERIFIED, before.appliedTs(),
                                "no such table on the source at its applied position");
                    }
                    if (same(onSource, onTarget)) {
                        return new Outcome(sourceTable, before.targetTable(), Result.EQUAL, before.appliedTs(), onSource.rows() + " rows");
                    }
                    String differences = differences(from, to, before, at, onSource, onTarget);
                    if (differences != null) {
                        return new Outcome(sourceTable, before.targetTable(), Result.DIFFERENT, before.appliedTs(), differences);
                    }
                }
                why = "the target moved on while it was read at every try";
            }
            if (System.nanoTime() > deadline) {
                return new Outcome(sourceTable, before.targetTable(), Result.UNVERIFIED, before.appliedTs(), why + "; try again");
            }
            Thread.sleep(RETRY_SLEEP_MS);
        }
    }

    /** The time the target is read at: every commit stamped before it is visible to the reads that follow. */
    private long fencedNow() throws SQLException {
        if (!fenceReady) {
            ServerFence.createTable(target, fence);
            fenceReady = true;
        }
        return ServerFence.fence(target, fence, connector);
    }

    /**
     * Nothing of the table has reached the target with a position: equal only if the source table is empty now (a
     * table that never had a row leaves nothing to apply).
     */
    private Outcome unapplied(TableId from) throws SQLException {
        Fingerprint now = TableFingerprint.of(source, from, null);
        if (now != null && now.rows() == 0) {
            return new Outcome(from.toString(), "", Result.EQUAL, 0, "empty on the source, nothing to apply");
        }
        return new Outcome(from.toString(), "", Result.UNVERIFIED, 0, "no applied position on the target yet");
    }

    private Position position(String sourceTable, Long at) throws SQLException {
        return AppliedPositions.of(target, appliedDatabase, connector, at).get(sourceTable);
    }

    /** Same column names (a target of another database has its own types), rows and checksum. */
    private static boolean same(Fingerprint onSource, Fingerprint onTarget) {
        return onTarget != null && onSource.columnNames().equals(onTarget.columnNames()) && onSource.rows() == onTarget.rows()
                && onSource.checksum().equals(onTarget.checksum());
    }

    /** What differs, in words, with the first differing keys; null when the target moved on meanwhile (read again). */
    private String differences(TableId from, TableId to, Position position, Long at, Fingerprint onSource, Fingerprint onTarget)
            throws SQLException {
        if (onTarget == null) {
            return "the target table " + to + " does not exist";
        }
        String counts = "source " + onSource.rows() + " rows, target " + onTarget.rows() + " rows";
        if (!onSource.columnNames().equals(onTarget.columnNames())) {
            return counts + "; columns differ: source " + onSource.columnNames() + ", target " + onTarget.columnNames();
        }
        List<String> key = TableFingerprint.primaryKey(source, from);
        if (key.isEmpty()) {
            return counts + "; checksums differ (no primary key to name the rows)";
        }
        List<RowHash> targetRows = TableFingerprint.rowHashes(target, to, at, key);
        if (at == null && !Objects.equals(position, position(from.toString(), null))) {
            return null;
        }
        List<RowHash> sourceRows = TableFingerprint.rowHashes(source, from, position.appliedTs(), key);
        return counts + "; " + describe(TableFingerprint.differingKeys(sourceRows, targetRows, key, maxKeys));
    }

    private static String describe(List<String> differences) {
        return differences.isEmpty() ? "the rows are equal by key but the checksums differ" : "differing keys: " + String.join(", ", differences);
    }
}
