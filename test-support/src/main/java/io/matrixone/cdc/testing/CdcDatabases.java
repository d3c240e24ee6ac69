package io.matrixone.cdc.testing;

import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneUri;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A fresh database on the source server, with a PITR so the source connector can read it, and a fresh one on the
 * target server (the target MatrixOne, or another one such as MariaDB), each with an open connection; {@link #close()}
 * drops both.
 */
public final class CdcDatabases implements AutoCloseable {

    public final MatrixOneUri source;
    public final MatrixOneUri target;
    public final Connection src;
    public final Connection dst;
    public final String srcDb;
    public final String dstDb;

    private CdcDatabases(MatrixOneUri source, MatrixOneUri target, Connection src, Connection dst, String srcDb, String dstDb) {
        this.source = source;
        this.target = target;
        this.src = src;
        this.dst = dst;
        this.srcDb = srcDb;
        this.dstDb = dstDb;
    }

    /** Databases named {@code <prefix>_...} on the source and {@code <prefix>_copy_...} on the target. */
    public static CdcDatabases create(String prefix) throws SQLException {
        return create(prefix, MatrixOneTestServers.target());
    }

    /** Same, with the target database on {@code target}. */
    public static CdcDatabases create(String prefix, MatrixOneUri target) throws SQLException {
        MatrixOneUri source = MatrixOneTestServers.source();
        Connection src = Connections.open(source);
        Connection dst = Connections.open(target);
        String srcDb = Sql.uniqueDatabase(prefix);
        String dstDb = Sql.uniqueDatabase(prefix + "_copy");
        PitrDatabase.create(src, srcDb);
        Sql.exec(dst, "create database " + dstDb);
        return new CdcDatabases(source, target, src, dst, srcDb, dstDb);
    }

    @Override
    public void close() throws SQLException {
        try (src; dst) {
            PitrDatabase.drop(src, srcDb);
            Sql.exec(dst, "drop database if exists " + dstDb);
        }
    }
}
