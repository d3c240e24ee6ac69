package io.matrixone.cdc.source;

import io.matrixone.cdc.common.TableId;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Catalog facts every table stream of a task needs, read once for all of them (all its lanes, hence synchronized):
 * the PITR list and the tables' identities at the horizon. Read per table, they were two statements per table and
 * second on the source, which is what made idle tables cost more than MatrixOne's built-in CDC.
 */
final class SharedCatalog {

    /** PITRs change rarely; a PITR dropped meanwhile still fails the next diff that reaches past its history. */
    private static final long PITR_REFRESH_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Set<String> databases = new TreeSet<>();
    /**
     * Guards {@link #pitrs}, apart from the identities ({@code this}): every read looks its PITR up, and must not wait
     * while a fence reads the identities at its new horizon (tens of ms on a loaded source).
     */
    private final Object pitrLock = new Object();
    private PitrWindow pitrs;
    private long pitrsReadAt;
    private long identitiesTs = -1;
    private Map<TableId, TableHistory.Identity> identities;

    /** Tables whose identities are read together (the task's tables). */
    synchronized void include(TableId table) {
        if (databases.add(table.database())) {
            identitiesTs = -1;
        }
    }

    PitrWindow pitrs(Connection conn) throws SQLException {
        synchronized (pitrLock) {
            long now = System.nanoTime();
            if (pitrs == null || now - pitrsReadAt >= PITR_REFRESH_NANOS) {
                pitrs = PitrWindow.read(conn);
                pitrsReadAt = now;
            }
            return pitrs;
        }
    }

    /**
     * {@code table}'s identity at {@code ts} (null: no such table then). Every stream of a round asks at the same
     * horizon, so the identities of all the task's tables at the last time asked are kept.
     */
    synchronized TableHistory.Identity identityAt(Connection conn, TableId table, long ts) throws SQLException {
        if (!databases.contains(table.database())) {
            return TableHistory.at(conn, table, ts);
        }
        readIdentities(conn, ts);
        return identities.get(table);
    }

    /** Reads the identities of the task's tables at {@code ts}, unless they are the ones kept. */
    synchronized void readIdentities(Connection conn, long ts) throws SQLException {
        if (ts != identitiesTs) {
            identities = TableHistory.allAt(conn, databases, ts);
            identitiesTs = ts;
        }
    }

    /** Forgets what was read: after a reconnect, or when a read failed half way. */
    synchronized void reset() {
        synchronized (pitrLock) {
            pitrs = null;
        }
        identitiesTs = -1;
    }
}
