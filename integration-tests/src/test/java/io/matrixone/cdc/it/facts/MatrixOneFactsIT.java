package io.matrixone.cdc.it.facts;

import static io.matrixone.cdc.testing.Sql.exec;
import static io.matrixone.cdc.testing.Sql.rows;
import static io.matrixone.cdc.testing.Sql.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneUri;
import io.matrixone.cdc.testing.MatrixOneTestServers;
import io.matrixone.cdc.testing.PitrDatabase;
import io.matrixone.cdc.testing.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The MatrixOne behaviour the source connector's SQL depends on, proved against the real server.
 * These tests are the executable form of the facts in DESIGN.md ("How change data is read").
 */
class MatrixOneFactsIT {

    private static MatrixOneUri source;
    private static Connection sql;
    private static String db;

    @BeforeAll
    static void createDatabaseWithPitr() throws SQLException {
        source = MatrixOneTestServers.source();
        sql = Connections.open(source);
        db = Sql.uniqueDatabase("facts");
        PitrDatabase.create(sql, db);
    }

    @AfterAll
    static void dropDatabase() throws SQLException {
        if (sql != null) {
            PitrDatabase.drop(sql, db);
            sql.close();
        }
    }

    /** Fact 1: account-level PITR; one per account; SHOW PITR lists it; SHOW RECOVERY_WINDOW does not. */
    @Test
    void accountPitrIsListedByShowPitrButNotByShowRecoveryWindow() throws SQLException {
        String account = Sql.uniqueDatabase("acct");
        exec(sql, "create account " + account + " admin_name 'admin' identified by 'pw111'");
        try {
            MatrixOneUri tenant = MatrixOneUri.parse("mysql://" + account + "#admin:pw111@" + source.host() + ":" + source.port());
            try (Connection c = Connections.open(tenant)) {
                exec(c, "create pitr pitr_activity for account range 2 'h'",
                        "create database d1", "create table d1.t (a int primary key)");

                List<List<String>> pitrs = rows(c, "show pitr");
                assertThat(Sql.columns(c, "show pitr")).containsExactly("PITR_NAME", "CREATED_TIME", "MODIFIED_TIME",
                        "PITR_LEVEL", "ACCOUNT_NAME", "DATABASE_NAME", "TABLE_NAME", "PITR_LENGTH", "PITR_UNIT");
                assertThat(pitrs).anySatisfy(row -> assertThat(row)
                        .contains("pitr_activity", "account", account, "*", "2", "h"));

                // A second account-level PITR is refused: there is at most one per account.
                assertThatThrownBy(() -> exec(c, "create pitr another for account range 1 'h'"))
                        .hasMessageContaining("already has a pitr");

                // The recovery window ignores account-level PITRs (DESIGN.md assumed it reports them):
                // the connector must read SHOW PITR itself to know what history is kept.
                assertThat(rows(c, "show recovery_window for account")).isEmpty();
                assertThat(rows(c, "show recovery_window for table d1 t")).isEmpty();
            }
        } finally {
            exec(sql, "drop account if exists " + account);
        }
    }

    /**
     * Fact 1b: a database PITR's recovery window starts when the PITR was created (not now - range), and
     * SHOW RECOVERY_WINDOW lists only the tables that existed at that moment: a table created later is
     * covered by the PITR but missing from the listing. The connector therefore reads SHOW PITR.
     */
    @Test
    void recoveryWindowStartsAtPitrCreationAndListsOnlyTablesThatExistedThen() throws SQLException {
        String other = Sql.uniqueDatabase("rw");
        exec(sql, "create database " + other, "create table " + other + ".early (a int primary key)",
                "create pitr " + other + "_p for database " + other + " range 2 'h'",
                "create table " + other + ".later (a int primary key)");
        try {
            List<List<String>> windows = rows(sql, "show recovery_window for database " + other);

            assertThat(windows).hasSize(1);
            List<String> row = windows.get(0);
            assertThat(row.subList(0, 4)).containsExactly("database", "sys", other, "early");
            assertThat(row.get(4)).contains("'source':'pitr'", "'source_name':'" + other + "_p'", "'start_time':'");
            LocalDateTime start = LocalDateTime.parse(between(row.get(4), "'start_time':'", "'").substring(0, 19),
                    DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
            LocalDateTime serverNow = LocalDateTime.parse(scalar(sql, "select cast(utc_timestamp() as char)"),
                    DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
            // The PITR is 2 hours long, but history only exists from its creation (moments ago).
            assertThat(start).isAfter(serverNow.minusMinutes(10)).isBefore(serverNow.plusSeconds(1));
            assertThat(rows(sql, "show recovery_window for table " + other + " later")).isEmpty();
        } finally {
            exec(sql, "drop pitr if exists " + other + "_p", "drop database if exists " + other);
        }
    }

    /** Fact 2: {MO_TS = T} reads the table as it was at T, after later inserts, updates and deletes. */
    @Test
    void readAtMoTsReturnsTheTableAsOfThatTime() throws Exception {
        String t = db + ".tt";
        exec(sql, "create table " + t + " (id int primary key, v varchar(10))",
                "insert into " + t + " values (1,'a'),(2,'b'),(3,'c')");
        long t1 = serverNowNanos();
        exec(sql, "insert into " + t + " values (4,'d')", "update " + t + " set v='A' where id=1",
                "delete from " + t + " where id=2");

        assertThat(rows(sql, "select id, v from " + t + " {MO_TS = " + t1 + "} order by id"))
                .containsExactly(List.of("1", "a"), List.of("2", "b"), List.of("3", "c"));
        assertThat(rows(sql, "select id, v from " + t + " order by id"))
                .containsExactly(List.of("1", "A"), List.of("3", "c"), List.of("4", "d"));
        // The hint is a literal in the SQL text; the timestamp is physical Unix-epoch nanoseconds.
    }

    /**
     * A recent past needs no PITR: on a server (the target) whose database has none, a read at {MO_TS} of a moment
     * ago answers the table as it was then, for the table and for another one at the same time: what task verify
     * reads the target's rows and its applied position with, consistently, while the sink writes.
     */
    @Test
    void readAtARecentMoTsNeedsNoPitr() throws Exception {
        String noPitr = Sql.uniqueDatabase("facts_nopitr");
        try (Connection target = Connections.open(MatrixOneTestServers.target())) {
            exec(target, "create database " + noPitr, "create table " + noPitr + ".t (id int primary key)",
                    "insert into " + noPitr + ".t values (1), (2)");
            long t1 = Sql.serverNowNanos(target);
            exec(target, "insert into " + noPitr + ".t values (3)", "delete from " + noPitr + ".t where id = 1");
            Thread.sleep(2000);
            assertThat(rows(target, "select id from " + noPitr + ".t {MO_TS = " + t1 + "} order by id"))
                    .containsExactly(List.of("1"), List.of("2"));
            assertThat(rows(target, "select id from " + noPitr + ".t order by id")).containsExactly(List.of("2"), List.of("3"));
            assertThat(rows(target, "show pitr").stream().map(r -> r.get(0)).toList()).noneMatch(name -> name.startsWith(noPitr));
        } finally {
            try (Connection target = Connections.open(MatrixOneTestServers.target())) {
                exec(target, "drop database if exists " + noPitr);
            }
        }
    }

    /** Fact 3: DATA BRANCH DIFF with MO_TS hints returns the net changes of one table between two times. */
    @Test
    void branchDiffReturnsNetChangesBetweenTwoTimes() throws Exception {
        String t = db + ".d";
        exec(sql, "create table " + t + " (id int primary key, v varchar(10))",
                "insert into " + t + " values (1,'a'),(2,'b'),(3,'c'),(6,'f')");
        long t1 = serverNowNanos();
        exec(sql, "insert into " + t + " values (4,'d')",
                "update " + t + " set v='A' where id=1",
                "delete from " + t + " where id=2",
                "insert into " + t + " values (5,'e')", "delete from " + t + " where id=5", // in and out again
                "insert into " + t + " values (7,'g')", "update " + t + " set v='G' where id=7", // in, then changed
                "update " + t + " set v='F' where id=6", "delete from " + t + " where id=6"); // changed, then gone
        long t2 = serverNowNanos();

        String diff = diff(t, t1, t2);
        assertThat(Sql.columns(sql, diff)).containsExactly("diff d against d", "flag", "id", "v");
        assertThat(sorted(rows(sql, diff))).containsExactly(
                List.of("d", "UPDATE", "1", "A"),   // UPDATE carries the new values
                List.of("d", "DELETE", "2", "b"),   // DELETE carries the old row
                List.of("d", "INSERT", "4", "d"),
                List.of("d", "DELETE", "6", "f"),   // net: the row as it was at T1
                List.of("d", "INSERT", "7", "G"));  // net: the row as it is at T2; id 5 does not appear
    }

    @Test
    void branchDiffKeysCompositePrimaryKeysByAllTheirColumns() throws Exception {
        String t = db + ".ck";
        exec(sql, "create table " + t + " (a int, b varchar(5), c int, primary key (a, b))",
                "insert into " + t + " values (1,'x',1),(1,'y',2)");
        long t1 = serverNowNanos();
        exec(sql, "update " + t + " set c=9 where a=1 and b='y'", "delete from " + t + " where b='x'",
                "insert into " + t + " values (2,'x',3)");
        long t2 = serverNowNanos();

        assertThat(sorted(rows(sql, diff(t, t1, t2))))
                .containsExactly(List.of("ck", "DELETE", "1", "x", "1"), List.of("ck", "UPDATE", "1", "y", "9"),
                        List.of("ck", "INSERT", "2", "x", "3"));
    }

    /** Without a primary key the diff cannot say which row changed: two equal rows give two equal UPDATEs. */
    @Test
    void branchDiffOfATableWithoutPrimaryKeyLosesRowIdentity() throws Exception {
        String t = db + ".nopk";
        exec(sql, "create table " + t + " (a int, b int)", "insert into " + t + " values (1,1),(1,1),(2,2)");
        long t1 = serverNowNanos();
        exec(sql, "delete from " + t + " where a=2", "update " + t + " set b=5 where a=1");
        long t2 = serverNowNanos();

        assertThat(sorted(rows(sql, diff(t, t1, t2))))
                .containsExactly(List.of("nopk", "UPDATE", "1", "5"), List.of("nopk", "UPDATE", "1", "5"),
                        List.of("nopk", "DELETE", "2", "2"));
    }

    /**
     * A MatrixOne defect the source must guard against: DATA BRANCH DIFF returns no rows at all (not even
     * a header) for a table with an ENUM column, so its changes would vanish silently. The source refuses
     * such tables; when this test starts failing, MatrixOne has fixed it and the refusal can go.
     */
    @Test
    void branchDiffReturnsNothingForATableWithAnEnumColumn() throws Exception {
        String t = db + ".withenum";
        exec(sql, "create table " + t + " (id int primary key, e enum('small','large'))");
        long t1 = serverNowNanos();
        Thread.sleep(100);
        exec(sql, "insert into " + t + " values (1, 'large')");
        long t2 = serverNowNanos();

        assertThat(rows(sql, "select id from " + t + " {MO_TS = " + t2 + "}")).containsExactly(List.of("1"));
        assertThat(rows(sql, diff(t, t1, t2))).isEmpty();
    }

    /**
     * Worse than no rows: once rows of a table with an ENUM column are updated or deleted, DATA BRANCH DIFF over that
     * time does not answer at all (by hand, through the mysql client: no answer in 30 s, and in 10 min before it was
     * killed; the server's CPU stayed quiet). Asked here on a connection that gives up after 5 s: no answer, or no
     * rows, never the changes. So a source must never diff such a table: a read lane would hang, not just miss rows.
     * When this test starts failing, MatrixOne diffs ENUM tables and the refusal can go.
     */
    @Test
    void branchDiffOfAnEnumTableWithUpdatesAndDeletesNeverGivesTheChanges() throws Exception {
        String t = db + ".enumchanges";
        exec(sql, "create table " + t + " (id int primary key, e enum('small','large'), v int)",
                "insert into " + t + " values (1, 'small', 1), (2, 'large', 2)");
        long t1 = serverNowNanos();
        Thread.sleep(100);
        exec(sql, "update " + t + " set e = 'large' where id = 1", "delete from " + t + " where id = 2");
        long t2 = serverNowNanos();

        MatrixOneUri fiveSeconds = MatrixOneUri.fromJdbcUrl(
                source.jdbcUrl().replaceAll("socketTimeout=\\d+", "socketTimeout=5000"), source.user(), source.password());
        assertThat(fiveSeconds.jdbcUrl()).contains("socketTimeout=5000");
        List<List<String>> answer;
        try (Connection c = Connections.open(fiveSeconds)) {
            answer = rows(c, diff(t, t1, t2));
        } catch (SQLException noAnswer) {
            assertThat(noAnswer.getSQLState()).as("no answer within 5 s: " + noAnswer.getMessage()).isEqualTo("08S01");
            return;
        }
        assertThat(answer).as("the diff answered: with the changes, MatrixOne has fixed it").isEmpty();
    }

    /** Time travel to before a table existed is an error (before its database existed: "Unknown database"). */
    @Test
    void readBeforeTheTableExistedFails() throws Exception {
        long before = serverNowNanos();
        Thread.sleep(50);
        String t = db + ".late";
        exec(sql, "create table " + t + " (id int primary key)", "insert into " + t + " values (1)");

        assertThatThrownBy(() -> rows(sql, "select * from " + t + " {MO_TS = " + before + "}"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("table \"late\" does not exist");
    }

    /**
     * Fact 5: DDL and a table's identity. TRUNCATE, ADD COLUMN, SET DEFAULT, DROP COLUMN and a new primary key give
     * the table a new {@code rel_id} in {@code mo_catalog.mo_tables}; in-place ALTERs (RENAME COLUMN, a wider
     * VARCHAR, CREATE / DROP INDEX, a comment) keep it and raise {@code rel_version}. The catalog read at a past
     * time ({MO_TS}) says what the name denoted then, and nothing once the table is dropped. The source's
     * TableHistory bisects exactly this to find a DDL's commit time.
     */
    @Test
    void ddlChangesTheTableIdentityInTheCatalogHistory() throws Exception {
        String t = db + ".ident";
        exec(sql, "create table " + t + " (id int primary key, n int, note varchar(10))", "insert into " + t + " values (1, 1, 'a')");
        List<String> created = identityNow("ident");
        List<String> truncated = afterDdl("ident", "truncate table " + t);
        List<String> added = afterDdl("ident", "alter table " + t + " add column extra int default 7");
        List<String> defaulted = afterDdl("ident", "alter table " + t + " alter column extra set default 9");
        List<String> renamed = afterDdl("ident", "alter table " + t + " rename column note to remark");
        List<String> widened = afterDdl("ident", "alter table " + t + " modify column remark varchar(100)");
        List<String> indexed = afterDdl("ident", "create index n_idx on " + t + " (n)");
        List<String> rekeyed = afterDdl("ident", "alter table " + t + " drop primary key, add primary key (id, n)");
        long beforeDrop = serverNowNanos();
        List<String> dropped = afterDdl("ident", "drop table " + t);

        assertThat(truncated.get(0)).as("TRUNCATE: new rel_id").isNotEqualTo(created.get(0));
        assertThat(added.get(0)).as("ADD COLUMN: new rel_id").isNotEqualTo(truncated.get(0));
        assertThat(defaulted.get(0)).as("SET DEFAULT: new rel_id").isNotEqualTo(added.get(0));
        assertThat(renamed.get(0)).as("RENAME COLUMN: in place").isEqualTo(defaulted.get(0));
        assertThat(Long.parseLong(renamed.get(1))).as("RENAME COLUMN: rel_version").isGreaterThan(Long.parseLong(defaulted.get(1)));
        assertThat(widened.get(0)).as("wider VARCHAR: in place").isEqualTo(renamed.get(0));
        assertThat(Long.parseLong(widened.get(1))).isGreaterThan(Long.parseLong(renamed.get(1)));
        assertThat(indexed.get(0)).as("CREATE INDEX: in place").isEqualTo(widened.get(0));
        assertThat(Long.parseLong(indexed.get(1))).isGreaterThan(Long.parseLong(widened.get(1)));
        assertThat(rekeyed.get(0)).as("new primary key: new rel_id").isNotEqualTo(indexed.get(0));
        assertThat(dropped).as("dropped: no row").isEmpty();
        assertThat(identityAt("ident", beforeDrop)).as("the catalog's history before the drop").isEqualTo(rekeyed);
    }

    /**
     * Fact 6: DATA BRANCH DIFF across a DDL. Across a TRUNCATE it is silently wrong (keys 1 and 2, truncated, then
     * key 9: INSERT 1, INSERT 2, INSERT 9, where the truth is DELETE 1, DELETE 2, INSERT 9); across ADD COLUMN it
     * is refused ("schema is not equivalent"), across RENAME COLUMN too ("column ... does not exist"). A diff
     * whose two ends lie after the change, within one identity, is right. So windows never span a change.
     */
    @Test
    void branchDiffAcrossADdlIsWrongOrRefusedAndRightAfterIt() throws Exception {
        String t = db + ".across";
        exec(sql, "create table " + t + " (id int primary key, n int, note varchar(10))", "insert into " + t + " values (1, 1, 'a'), (2, 2, 'b')");
        long t1 = serverNowNanos();
        Thread.sleep(50);
        exec(sql, "truncate table " + t, "insert into " + t + " values (9, 9, 'i')");
        long t2 = serverNowNanos();
        assertThat(sorted(rows(sql, diff(t, t1, t2)))).as("across TRUNCATE: wrong")
                .containsExactly(List.of("across", "INSERT", "1", "1", "a"), List.of("across", "INSERT", "2", "2", "b"),
                        List.of("across", "INSERT", "9", "9", "i"));

        Thread.sleep(50);
        exec(sql, "alter table " + t + " add column extra int default 5");
        long t3 = serverNowNanos();
        assertThatThrownBy(() -> rows(sql, diff(t, t2, t3))).as("across ADD COLUMN: refused")
                .hasMessageContaining("schema is not equivalent");

        Thread.sleep(50);
        exec(sql, "update " + t + " set n = 8 where id = 9", "alter table " + t + " rename column note to remark",
                "update " + t + " set n = 9 where id = 9");
        long t4 = serverNowNanos();
        assertThatThrownBy(() -> rows(sql, diff(t, t3, t4))).as("across RENAME COLUMN: refused")
                .hasMessageContaining("does not exist");

        Thread.sleep(50);
        exec(sql, "insert into " + t + " (id, n, remark) values (10, 10, 'j')", "delete from " + t + " where id = 9");
        long t5 = serverNowNanos();
        assertThat(rows(sql, diff(t, t4, t5))).as("after the change: right")
                .containsExactlyInAnyOrder(List.of("across", "DELETE", "9", "9", "i", "5"), List.of("across", "INSERT", "10", "10", "j", "5"));
    }

    /** Runs the DDL, then reads the name's identity (rel_id, rel_version) just after it. */
    private static List<String> afterDdl(String table, String ddl) throws Exception {
        Thread.sleep(50);
        exec(sql, ddl);
        return identityAt(table, serverNowNanos());
    }

    /**
     * Fact 7: SHOW CREATE TABLE at a past time gives the definition in force then, also once the table is dropped,
     * and fails with "no such table" before it existed. The source reads the schema of a checkpoint this way.
     */
    @Test
    void showCreateTableAtAPastTimeGivesTheDefinitionThen() throws Exception {
        String t = db + ".defs";
        long beforeCreate = serverNowNanos();
        Thread.sleep(50);
        exec(sql, "create table " + t + " (id int primary key, note varchar(10))");
        long created = serverNowNanos();
        Thread.sleep(50);
        exec(sql, "alter table " + t + " rename column note to remark", "drop table " + t);

        assertThat(scalarAt("show create table " + t + " {MO_TS = " + created + "}")).contains("`note` varchar(10)")
                .doesNotContain("remark");
        assertThatThrownBy(() -> rows(sql, "show create table " + t + " {MO_TS = " + beforeCreate + "}"))
                .hasMessageContaining("no such table");
    }

    private static String scalarAt(String showCreate) throws SQLException {
        return rows(sql, showCreate).get(0).get(1);
    }

    private static List<String> identityNow(String table) throws Exception {
        return identityAt(table, serverNowNanos());
    }

    private static List<String> identityAt(String table, long ts) throws SQLException {
        List<List<String>> found = rows(sql, "select rel_id, rel_version from mo_catalog.mo_tables {MO_TS = " + ts + "} where reldatabase = '"
                + db + "' and relname = '" + table + "' and account_id = current_account_id()");
        return found.isEmpty() ? List.of() : found.get(0);
    }

    /**
     * Fact 4: where a change window may end. A time-travel read does not wait for commits still on their way
     * to the CN, and a read at a future {MO_TS} answers at once. So windows ending at the server's
     * {@code utc_timestamp(6)} lose commits, and so do windows ending a fixed lag behind it on a busy
     * server: on 2026-11-25, with 4 writers and 2 busy threads on this 2-core machine, a 1 s lag lost
     * commits in 40 s (2 windows read differently when re-read later; 3 rows missing, 4 extra), and no lag
     * lost more (6 windows; 2 missing, 2 extra, 6 stale). Run {@link #unfencedWindowsUnderLoad} to measure it.
     *
     * <p>What works: read the server clock W, commit a write (the fence), then read windows ending at W.
     * The fence commit is stamped at or after W, and MatrixOne starts the session's next statement only
     * once its CN applied the log up to the session's last commit. In 4 runs of 40 s (up to 8 writers and
     * 3 busy threads, windows of 1 s and 200 ms) no window changed on re-read and nothing was lost.
     * The source connector's ReadHorizon does exactly this.
     */
    @Test
    void fencedWindowsMissNoCommitUnderLoad() throws Exception {
        assertNothingLost(readWindowsUnderLoad("fenced", true, 0, 15, sql, false));
    }

    /**
     * Fact: a horizon fenced on one connection holds on another connection of the same CN (both name it in the process
     * list), once the fencing connection has run its next statement: that statement starts only when the CN has applied
     * the log up to the fence's commit, and a CN applies the log once for all of its sessions. The source's lanes share
     * one fence this way (ReadHorizon: the fencing lane's next statement is the catalog read at the horizon). Under the
     * same load as above, windows read on the other connection: none changed on re-read, nothing lost.
     */
    @Test
    void aHorizonFencedOnOneConnectionHoldsOnAnotherOfItsCn() throws Exception {
        try (Connection other = Connections.open(source)) {
            assertThat(nodeOf(other)).as("the CN of another connection").isNotBlank().isEqualTo(nodeOf(sql));
            assertNothingLost(readWindowsUnderLoad("fencedelsewhere", true, 0, 15, other, true));
        }
    }

    /** A measurement, not a test: windows read on another connection right after the fence, before its next statement. */
    @Test
    @EnabledIfSystemProperty(named = "mo.measure", matches = "true")
    void fencedElsewhereWithoutTheFencersNextStatement() throws Exception {
        try (Connection other = Connections.open(source)) {
            Outcome outcome = readWindowsUnderLoad("elsewherenow", true, 0, 40, other, false);
            System.out.printf("fenced on another connection, read at once: %d commits, %d windows, %d read differently "
                    + "later; replica equal: %s%n", outcome.commits(), outcome.windows(), outcome.changedOnReread().size(),
                    outcome.replica().equals(outcome.table()));
        }
    }

    private static void assertNothingLost(Outcome outcome) {
        assertThat(outcome.commits()).as("writer commits (a sanity floor: a busy machine writes fewer)").isGreaterThan(100);
        assertThat(outcome.windows()).as("windows read while writing").isGreaterThan(10);
        assertThat(outcome.changedOnReread()).as("windows that read differently later").isEmpty();
        assertThat(outcome.replica()).as("replayed windows vs the table").isEqualTo(outcome.table());
    }

    private static String nodeOf(Connection c) throws SQLException {
        return rows(c, "select node_id from information_schema.processlist where conn_id = connection_id()").get(0).get(0);
    }

    /** A measurement, not a test: how windows without the fence fare under the same load. */
    @Test
    @EnabledIfSystemProperty(named = "mo.measure", matches = "true")
    void unfencedWindowsUnderLoad() throws Exception {
        long lagMs = Long.getLong("mo.measure.lagMs", 1000);
        Outcome outcome = readWindowsUnderLoad("unfenced", false, lagMs, 40, sql, false);
        int missing = 0;
        int extra = 0;
        int stale = 0;
        for (Map.Entry<String, String> row : outcome.table().entrySet()) {
            String copy = outcome.replica().get(row.getKey());
            missing += copy == null ? 1 : 0;
            stale += copy != null && !copy.equals(row.getValue()) ? 1 : 0;
        }
        for (String id : outcome.replica().keySet()) {
            extra += outcome.table().containsKey(id) ? 0 : 1;
        }
        System.out.printf("unfenced windows, lag %d ms: %d commits, %d windows, %d read differently later; "
                + "rows missing %d, extra %d, stale %d%n", lagMs, outcome.commits(), outcome.windows(),
                outcome.changedOnReread().size(), missing, extra, stale);
    }

    record Window(long from, long to, List<List<String>> rows) {
    }

    record Outcome(int commits, int windows, List<Window> changedOnReread, Map<String, String> replica, Map<String, String> table) {
    }

    /**
     * Four writers insert, update and delete while two threads keep the CPU busy; meanwhile 1 s windows
     * are read one after the other (on {@code reader}), each once its end is behind the horizon (fenced on the test's
     * own connection; with {@code nextStatement}, which then runs one more statement). Then every window is read
     * again (all commits long visible) and the windows are replayed over the starting rows.
     */
    private static Outcome readWindowsUnderLoad(String name, boolean fenced, long lagMs, int seconds, Connection reader,
            boolean nextStatement) throws Exception {
        String t = db + "." + name;
        exec(sql, "create table if not exists " + db + ".fence (id int primary key, n bigint)",
                "replace into " + db + ".fence values (1, 0)",
                "create table " + t + " (id int primary key, n int)",
                "insert into " + t + " select result, 0 from generate_series(1, 5000) g");
        long windowNanos = 1_000_000_000L;
        long lagNanos = lagMs * 1_000_000L;
        Thread.sleep(lagMs + 200); // the first window starts a lag ago: the table must exist by then
        long start = horizon(fenced, lagNanos, nextStatement);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger commits = new AtomicInteger();
        AtomicReference<Throwable> writerError = new AtomicReference<>();
        AtomicInteger nextId = new AtomicInteger(5001);
        List<Thread> load = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            Random random = new Random(w);
            load.add(new Thread(() -> write(t, random, nextId, running, commits, writerError)));
        }
        for (int b = 0; b < 2; b++) {
            load.add(new Thread(() -> burnCpu(running)));
        }
        load.forEach(Thread::start);

        List<Window> windows = new ArrayList<>();
        long from = start;
        try {
            long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            while (System.nanoTime() < deadline) {
                from = readDueWindows(reader, t, windows, from, windowNanos, horizon(fenced, lagNanos, nextStatement));
                Thread.sleep(100);
            }
        } finally {
            running.set(false);
            for (Thread thread : load) {
                thread.join();
            }
        }
        assertThat(writerError.get()).as("writer failure").isNull();
        Thread.sleep(lagMs + 1500);
        from = readDueWindows(reader, t, windows, from, windowNanos, horizon(true, lagNanos, true));

        List<Window> changed = new ArrayList<>();
        for (Window window : windows) {
            if (!sorted(rows(sql, diff(t, window.from(), window.to()))).equals(sorted(window.rows()))) {
                changed.add(window);
            }
        }
        Map<String, String> replica = table(t, start);
        windows.forEach(window -> apply(replica, window.rows()));
        return new Outcome(commits.get(), windows.size(), changed, replica, table(t, from));
    }

    private static long readDueWindows(Connection reader, String t, List<Window> windows, long from, long windowNanos,
            long horizon) throws SQLException {
        while (from + windowNanos <= horizon) {
            windows.add(new Window(from, from + windowNanos, rows(reader, diff(t, from, from + windowNanos))));
            from += windowNanos;
        }
        return from;
    }

    /**
     * The server's clock, less the lag; with the fence, a commit right after reading the clock, and then with
     * {@code nextStatement} a read at the horizon (as the source's catalog read).
     */
    private static long horizon(boolean fenced, long lagNanos, boolean nextStatement) throws SQLException {
        long now = serverNowNanos();
        if (fenced) {
            exec(sql, "update " + db + ".fence set n = n + 1 where id = 1");
            if (nextStatement) {
                rows(sql, "select count(*) from mo_catalog.mo_tables {MO_TS = " + (now - lagNanos) + "} where reldatabase = '"
                        + db + "'");
            }
        }
        return now - lagNanos;
    }

    private static void write(String t, Random random, AtomicInteger nextId, AtomicBoolean running, AtomicInteger commits,
            AtomicReference<Throwable> error) {
        try (Connection c = Connections.open(source)) {
            while (running.get()) {
                int id = nextId.getAndIncrement();
                exec(c, "insert into " + t + " values (" + id + ", 0)",
                        "update " + t + " set n = n + 1 where id = " + (1 + random.nextInt(id)),
                        "delete from " + t + " where id = " + (1 + random.nextInt(id)));
                commits.addAndGet(3);
            }
        } catch (Throwable e) {
            error.set(e);
        }
    }

    private static void burnCpu(AtomicBoolean running) {
        long sink = 0;
        while (running.get()) {
            sink += System.nanoTime() % 7;
        }
        if (sink == 42) {
            System.out.print("");
        }
    }

    private static String diff(String t, long from, long to) {
        return "data branch diff " + t + "{MO_TS = " + to + "} against " + t + "{MO_TS = " + from + "}";
    }

    private static Map<String, String> table(String t, long at) throws SQLException {
        Map<String, String> rows = new TreeMap<>();
        for (List<String> row : rows(sql, "select id, n from " + t + " {MO_TS = " + at + "}")) {
            rows.put(row.get(0), row.get(1));
        }
        return rows;
    }

    private static void apply(Map<String, String> replica, List<List<String>> diffRows) {
        for (List<String> row : diffRows) {
            switch (row.get(1)) {
                case "INSERT", "UPDATE" -> replica.put(row.get(2), row.get(3));
                case "DELETE" -> replica.remove(row.get(2));
                default -> throw new AssertionError("unexpected flag " + row);
            }
        }
    }

    /**
     * Fact: LOAD DATA checks neither primary keys (loading the same rows twice doubles them) nor column lengths; an
     * INSERT ... SELECT from text columns casts each value as a bound string is cast (a too-long string is refused),
     * and with ON DUPLICATE KEY UPDATE keeps one row per key. A temporary table outlives its session (it stays in
     * mo_tables as {@code __mo_tmp_...}), and DDL is transactional (a CREATE TABLE rolls back with the rows). The
     * sink's staged upserts rest on all of it ({@code StagedUpserts}).
     */
    @Test
    void loadDataChecksNoKeyNorLengthButInsertSelectFromTextDoesAndDdlIsTransactional() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("facts-load");
        java.nio.file.Path file = dir.resolve("rows.csv");
        java.nio.file.Files.writeString(file, "1,\"abcdef\"\n2,\"ok\"\n");
        String load = "load data local infile " + io.matrixone.cdc.common.Identifiers.literal(file.toString())
                + " into table %s fields terminated by ',' enclosed by '\"' lines terminated by '\\n'";
        try (Connection c = java.sql.DriverManager.getConnection(source.jdbcUrl() + "&allowLoadLocalInfileInPath=" + dir,
                source.user(), source.password())) {
            exec(c, "create table " + db + ".narrow (id int primary key, s varchar(3))");
            exec(c, String.format(load, db + ".narrow"), String.format(load, db + ".narrow"));
            assertThat(rows(c, "select id, s, count(*) from " + db + ".narrow group by id, s order by id"))
                    .containsExactly(List.of("1", "abcdef", "2"), List.of("2", "ok", "2"));

            exec(c, "create table " + db + ".stage (id text, s text)", "create table " + db + ".wide (id int primary key, s varchar(8))",
                    "create table " + db + ".checked (id int primary key, s varchar(3))");
            exec(c, String.format(load, db + ".stage"), String.format(load, db + ".stage"));
            exec(c, "insert into " + db + ".wide select id, s from " + db + ".stage on duplicate key update s = values(s)");
            assertThat(rows(c, "select id, s from " + db + ".wide order by id")).containsExactly(List.of("1", "abcdef"), List.of("2", "ok"));
            assertThatThrownBy(() -> exec(c, "insert into " + db + ".checked select id, s from " + db + ".stage"))
                    .hasMessageContaining("Src length 6 is larger than Dest length 3");

            c.setAutoCommit(false);
            exec(c, "insert into " + db + ".checked values (9, 'x')", "create table " + db + ".made_in_txn (a int)");
            c.rollback();
            c.setAutoCommit(true);
            assertThat(scalar(c, "select count(*) from " + db + ".checked")).isEqualTo("0");
            assertThat(rows(c, "show tables from " + db + " like 'made_in_txn'")).isEmpty();
        } finally {
            java.nio.file.Files.deleteIfExists(file);
            java.nio.file.Files.deleteIfExists(dir);
        }
        String temp = "leaked_" + System.nanoTime();
        try (Connection c = Connections.open(source)) {
            exec(c, "create temporary table " + db + "." + temp + " (a int)");
        }
        assertThat(scalar(sql, "select count(*) from mo_catalog.mo_tables where reldatabase = '" + db + "' and relname like '__mo_tmp_%"
                + temp + "'")).isEqualTo("1");
    }

    /**
     * Fact 5: nothing stops a read of history outside the PITR window. In an account without any PITR
     * a read at an earlier time still answers, with the old rows while garbage collection has not yet
     * removed them: the server does not protect the reader, so the connector checks the window itself
     * (and after GC such reads can fail with 20405 or return wrong rows, matrixone issue #21305).
     */
    @Test
    void readOutsideAnyPitrWindowIsNotRefusedByTheServer() throws Exception {
        String account = Sql.uniqueDatabase("nopitr");
        exec(sql, "create account " + account + " admin_name 'admin' identified by 'pw111'");
        try (Connection c = Connections.open(MatrixOneUri.parse(
                "mysql://" + account + "#admin:pw111@" + source.host() + ":" + source.port()))) {
            exec(c, "create database d", "create table d.t (id int primary key)", "insert into d.t values (1),(2)");
            assertThat(rows(c, "show pitr")).isEmpty();
            long t1 = serverNowNanos();
            exec(c, "delete from d.t where id = 1");

            assertThat(rows(c, "select id from d.t {MO_TS = " + t1 + "} order by id"))
                    .containsExactly(List.of("1"), List.of("2"));
        } finally {
            exec(sql, "drop account if exists " + account);
        }
    }

    /** Server time in Unix-epoch nanoseconds (microsecond precision): the clock MatrixOne stamps commits with. */
    private static long serverNowNanos() throws SQLException {
        return Sql.serverNowNanos(sql);
    }

    private static List<List<String>> sorted(List<List<String>> rows) {
        return rows.stream().sorted((a, b) -> String.join("|", a.subList(2, a.size()))
                .compareTo(String.join("|", b.subList(2, b.size())))).toList();
    }

    private static String between(String text, String from, String to) {
        int start = text.indexOf(from) + from.length();
        return text.substring(start, text.indexOf(to, start));
    }
}
