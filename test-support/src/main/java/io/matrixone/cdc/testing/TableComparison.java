package io.matrixone.cdc.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneUri;
import io.matrixone.cdc.common.TableFingerprint;
import io.matrixone.cdc.common.TableId;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * Target equals source, row for row and column for column: the same columns (names and declared types,
 * in any order) and the same row count and order-independent checksum over every column.
 */
public final class TableComparison {

    private TableComparison() {
    }

    /** {@code name type} of every visible column, sorted by name. */
    public static List<String> columns(Connection c, TableId table) throws SQLException {
        return TableFingerprint.columns(c, table);
    }

    /** {@code columns | count:checksum}, or a text starting with "unreadable" when the table cannot be read. */
    public static String fingerprint(MatrixOneUri server, TableId table) {
        try (Connection c = Connections.open(server)) {
            TableFingerprint.Fingerprint fingerprint = TableFingerprint.of(c, table, null);
            return fingerprint == null ? "unreadable: no table " + table : fingerprint.toString();
        } catch (SQLException e) {
            return "unreadable: " + e.getMessage();
        }
    }

    /** Waits until the target table equals the source table, else fails showing both fingerprints. */
    public static void awaitEqual(MatrixOneUri source, TableId sourceTable, MatrixOneUri target, TableId targetTable,
                                  Duration timeout) throws InterruptedException {
        String expected = fingerprint(source, sourceTable);
        assertThat(expected).as("source %s", sourceTable).doesNotStartWith("unreadable");
        long deadline = System.nanoTime() + timeout.toNanos();
        String actual = fingerprint(target, targetTable);
        while (!actual.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            // The source read again too: a statement a stopped writer gave up on may still commit on the server.
            expected = fingerprint(source, sourceTable);
            actual = fingerprint(target, targetTable);
        }
        if (!actual.equals(expected)) {
            String differences = differingKeys(source, sourceTable, target, targetTable);
            assertThat(actual).as("%s equals %s (columns | count:checksum); %s", targetTable, sourceTable, differences)
                    .isEqualTo(expected);
        }
    }

    /** The first keys whose rows differ between the two tables, for a failure message that says which rows. */
    static String differingKeys(MatrixOneUri source, TableId sourceTable, MatrixOneUri target, TableId targetTable) {
        try (Connection s = Connections.open(source); Connection t = Connections.open(target)) {
            List<String> key = TableFingerprint.primaryKey(s, sourceTable);
            if (key.isEmpty()) {
                return "no primary key to name the differing rows";
            }
            List<String> found = TableFingerprint.differingKeys(TableFingerprint.rowHashes(s, sourceTable, null, key),
                    TableFingerprint.rowHashes(t, targetTable, null, key), key, 20);
            return "differing keys: " + found;
        } catch (SQLException e) {
            return "differing keys unreadable: " + e.getMessage();
        }
    }
}
