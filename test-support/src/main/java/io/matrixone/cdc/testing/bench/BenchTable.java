package io.matrixone.cdc.testing.bench;

import io.matrixone.cdc.common.TableFingerprint;
import io.matrixone.cdc.common.TableId;
import io.matrixone.cdc.testing.Sql;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The table every benchmark writes: {@code (id bigint primary key, seq bigint, k int, amount decimal(12,2),
 * note varchar(64), updated_at datetime(6))}. {@code seq} is the number of the writer's transaction that
 * last inserted or updated the row (0 for the bulk-loaded rows): a reader that sees seq S on a table has
 * seen every earlier transaction of that table (see {@link LagTracker}).
 */
public final class BenchTable {

    /** Every column, in order, for inserts. */
    public static final String COLUMNS = "id, seq, k, amount, note, updated_at";

    private BenchTable() {
    }

    /** Creates {@code table} with rows 1..rows (seq 0), loaded in server-side batches of 100,000. */
    public static void create(Connection c, String table, long rows) throws SQLException {
        Sql.exec(c, "create table " + table + " (id bigint primary key, seq bigint not null, k int, amount decimal(12,2), "
                + "note varchar(64), updated_at datetime(6))");
        for (long from = 1; from <= rows; from += 100_000) {
            long to = Math.min(rows, from + 99_999);
            Sql.exec(c, "insert into " + table + " select result, 0, result % 1000, result / 100, concat('row ', result), "
                    + "'2024-01-01 00:00:00.000000' from generate_series(" + from + ", " + to + ") g");
        }
    }

    /** {@code count:checksum}, the checksum an order-independent sum of crc32 over every column of every row. */
    public static String checksum(Connection c, String table) throws SQLException {
        TableFingerprint.Fingerprint fingerprint = TableFingerprint.of(c, TableId.parse(table), null);
        if (fingerprint == null) {
            throw new SQLException("no table " + table);
        }
        return fingerprint.rows() + ":" + fingerprint.checksum();
    }

    public static long count(Connection c, String table) throws SQLException {
        return Long.parseLong(Sql.scalar(c, "select count(*) from " + table));
    }
}
