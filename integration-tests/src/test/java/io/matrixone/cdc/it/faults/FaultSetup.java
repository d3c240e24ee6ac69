package io.matrixone.cdc.it.faults;

import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneUri;
import io.matrixone.cdc.testing.ConnectClusterHarness;
import io.matrixone.cdc.testing.MatrixOneTestServers;
import io.matrixone.cdc.testing.PitrDatabase;
import io.matrixone.cdc.testing.PrivateServer;
import io.matrixone.cdc.testing.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * One fault test's world: the private MatrixOne ({@code scripts/matrixone.sh start fault}) in the role
 * the test takes down, a shared server in the other, a source table {@code <db>.events} with a PITR, and a
 * Connect cluster. {@link #close()} removes what it made and always stops the private server.
 */
final class FaultSetup implements AutoCloseable {

    /** Which side of the pipeline the private server plays. */
    enum Private { SOURCE, TARGET }

    final PrivateServer fault;
    final MatrixOneUri source;
    final MatrixOneUri target;
    final String db;
    private final List<String> targetDatabases = new ArrayList<>();
    private ConnectClusterHarness connect;

    private FaultSetup(PrivateServer fault, MatrixOneUri source, MatrixOneUri target, String db) {
        this.fault = fault;
        this.source = source;
        this.target = target;
        this.db = db;
    }

    /**
     * Starts the private server as {@code role}, creates the source table with {@code rows} rows and the
     * target databases {@code <db><suffix>}, and a Connect cluster. Skips (or fails with mo.required=true)
     * when the shared server does not answer or there is no MatrixOne build.
     */
    static FaultSetup open(String name, Private role, int rows, String... targetSuffixes) throws SQLException {
        MatrixOneUri shared = role == Private.SOURCE ? MatrixOneTestServers.target() : MatrixOneTestServers.source();
        PrivateServer fault = PrivateServer.matrixOne("fault");
        FaultSetup setup = role == Private.SOURCE
                ? new FaultSetup(fault, fault.uri(), shared, Sql.uniqueDatabase(name))
                : new FaultSetup(fault, shared, fault.uri(), Sql.uniqueDatabase(name));
        try {
            try (Connection src = Connections.open(setup.source)) {
                FaultPipeline.createSourceTable(src, setup.db, rows);
            }
            try (Connection dst = Connections.open(setup.target)) {
                for (String suffix : targetSuffixes) {
                    Sql.exec(dst, "create database " + setup.db + suffix);
                    setup.targetDatabases.add(setup.db + suffix);
                }
            }
            setup.connect = ConnectClusterHarness.start(name + "-it", false);
            return setup;
        } catch (RuntimeException | SQLException e) {
            setup.close();
            throw e;
        }
    }

    ConnectClusterHarness connect() {
        return connect;
    }

    @Override
    public void close() throws SQLException {
        try {
            if (connect != null) {
                connect.close();
            }
            FaultPipeline.cleanUp(source, PitrDatabase.dropStatements(db));
            for (String database : targetDatabases) {
                FaultPipeline.cleanUp(target, "drop database if exists " + database);
            }
        } finally {
            fault.close();
        }
    }
}
