package io.matrixone.cdc.testing;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A database the source connector can read: on the source server, with a database-level PITR of its own named
 * {@code <db>_pitr} (the connector reads changes from PITR history, and refuses a table no PITR covers). The one place
 * the tests and benchmarks say how such a database is made and removed.
 */
public final class PitrDatabase {

    /** Longer than any test or benchmark runs. */
    private static final String RANGE = "2 'h'";

    private PitrDatabase() {
    }

    /** Creates {@code db} and its PITR on {@code source}. */
    public static void create(Connection source, String db) throws SQLException {
        Sql.exec(source, "create database " + db, "create pitr " + pitr(db) + " for database " + db + " range " + RANGE);
    }

    /** Drops {@code db} and its PITR from {@code source}, if they exist. */
    public static void drop(Connection source, String db) throws SQLException {
        Sql.exec(source, dropStatements(db));
    }

    /** The statements {@link #drop} runs (the PITR first), for a caller that runs them its own way. */
    public static String[] dropStatements(String db) {
        return new String[] {"drop pitr if exists " + pitr(db), "drop database if exists " + db};
    }

    /** The name of {@code db}'s PITR. */
    public static String pitr(String db) {
        return db + "_pitr";
    }
}
