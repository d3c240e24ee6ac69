package io.matrixone.cdc.source;

import static io.matrixone.cdc.testing.Sql.exec;
import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.ServerClock;
import io.matrixone.cdc.common.TableId;
import io.matrixone.cdc.testing.MatrixOneTestServers;
import io.matrixone.cdc.testing.Sql;
import java.sql.Connection;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The PITR window read from SHOW PITR on the real server, whatever the session's time zone. */
class PitrWindowIT {

    @ParameterizedTest
    @ValueSource(strings = {"+00:00", "+08:00", "-05:30"})
    void aNewDatabasePitrStartsAtItsCreationInAnySessionTimeZone(String zone) throws Exception {
        String db = Sql.uniqueDatabase("srcpitr");
        try (Connection conn = Connections.open(MatrixOneTestServers.source())) {
            exec(conn, "set time_zone = '" + zone + "'", "create database " + db, "create table " + db + ".t (id int primary key)");
            try {
                long before = ServerClock.nowNanos(conn);
                exec(conn, "create pitr " + db + "_p for database " + db + " range 1 'h'");
                long now = ServerClock.nowNanos(conn);
                Optional<PitrWindow.Coverage> coverage = PitrWindow.read(conn).coverage(TableId.parse(db + ".t"), now);
                assertThat(coverage).isPresent();
                // The chosen PITR (this one, or an older account PITR) against its creation in epoch nanoseconds from
                // mo_catalog.mo_pitr, which no time zone touches: SHOW PITR's whole-second CREATED_TIME plus one second
                // lies within a second after it (or the window is now - range, for a PITR older than its range).
                PitrWindow.Coverage c = coverage.get();
                long created = Long.parseLong(Sql.scalar(conn, "select create_time from mo_catalog.mo_pitr where pitr_name = '"
                        + c.pitrName() + "'"));
                long expected = Math.max(created, now - PitrWindow.rangeNanos(Long.parseLong(c.range().split(" ")[0]),
                        c.range().split("'")[1]));
                assertThat(c.startNanos()).isBetween(expected - 1_000_000_000L, expected + 1_000_000_000L);
                assertThat(c.startNanos()).isLessThanOrEqualTo(Math.max(before, expected) + 1_000_000_000L);
                assertThat(PitrWindow.read(conn).coverage(TableId.parse(db + "_other.t"), now)).satisfiesAnyOf(
                        other -> assertThat(other).isEmpty(),
                        other -> assertThat(other.get().pitrName()).isNotEqualTo(db + "_p")); // an account PITR may exist
            } finally {
                exec(conn, "drop pitr if exists " + db + "_p", "drop database if exists " + db);
            }
        }
    }
}
