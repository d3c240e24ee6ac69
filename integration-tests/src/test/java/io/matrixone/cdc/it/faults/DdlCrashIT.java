package io.matrixone.cdc.it.faults;

import static io.matrixone.cdc.testing.Sql.exec;
import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.cli.MoCdc;
import io.matrixone.cdc.cli.runtime.EmbeddedRuntime;
import io.matrixone.cdc.common.MatrixOneUri;
import io.matrixone.cdc.common.TableId;
import io.matrixone.cdc.testing.CdcDatabases;
import io.matrixone.cdc.testing.MatrixOnePipelineExtension;
import io.matrixone.cdc.testing.RowWriter;
import io.matrixone.cdc.testing.Sql;
import io.matrixone.cdc.testing.TableComparison;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Connect worker is killed (SIGKILL) moments after each of an ALTER TABLE, a TRUNCATE, a CREATE TABLE and a
 * DROP TABLE on the source, while writers keep changing the tables: between the DDL and the checkpoint that
 * follows it. A new worker process takes over from the offsets each time; in the end every target table
 * equals its source table, columns and rows.
 *
 * <p>Runs mo-cdc's embedded runtime (a real KRaft broker and Connect worker in their own process) in a temporary
 * data directory; it needs 127.0.0.1:8083 and :9092 free.
 */
@ExtendWith(MatrixOnePipelineExtension.class)
class DdlCrashIT {

    private static final String COLUMNS = "(id int primary key, n int, note varchar(40))";

    private static MatrixOneUri source;
    private static MatrixOneUri target;
    private static Connection src;
    private static Connection dst;
    private static String db;
    private static String copyDb;
    private static Path dataDir;

    @BeforeAll
    static void start(CdcDatabases dbs) throws Exception {
        source = dbs.source;
        target = dbs.target;
        src = dbs.src;
        dst = dbs.dst;
        db = dbs.srcDb;
        copyDb = dbs.dstDb;
        dataDir = FaultPipeline.embeddedRuntimeDir("mo-cdc-ddlcrash");
        for (String table : new String[] {"a", "b"}) {
            exec(src, "create table " + db + "." + table + " " + COLUMNS, "insert into " + db + "." + table
                    + " select result, 0, concat('row ', result) from generate_series(1, 3000) g");
        }
    }

    @AfterAll
    static void stop() {
        if (dataDir != null) {
            new EmbeddedRuntime(dataDir).stop();
        }
    }

    @Test
    void workersKilledRightAfterDdlLoseNothing() throws Exception {
        assertThat(cli("task", "create", "--task-name", "ddlcrash", "--source-uri", source.unmasked(),
                "--sink-uri", target.unmasked(), "--level", "database", "--tables", db + ".*:" + copyDb,
                "--data-dir", dataDir.toString())).isZero();
        EmbeddedRuntime runtime = new EmbeddedRuntime(dataDir);
        String lastOfB;
        try (RowWriter a = new RowWriter(source, db + ".a", 3001)) {
            try (RowWriter b = new RowWriter(source, db + ".b", 3001)) {
                Thread.sleep(3000);
                ddlThenKill(runtime, "alter table " + db + ".a add column extra int default 3", 2000);
                ddlThenKill(runtime, "truncate table " + db + ".b", 1200);
                // A kill soon after a rename may land between the last record with the old column and the first without
                // it: the restarted sink must still drop the old column (it remembers on the target what records carried).
                ddlThenKill(runtime, "alter table " + db + ".a rename column note to remark", 2800);
                exec(src, "create table " + db + ".c " + COLUMNS);
                try (RowWriter c = new RowWriter(source, db + ".c", 1)) {
                    ddlThenKill(runtime, "insert into " + db + ".c (id, n) values (100000, 1)", 3500);
                    Thread.sleep(3000);
                }
            }
            lastOfB = TableComparison.fingerprint(source, new TableId(db, "b"));
            ddlThenKill(runtime, "drop table " + db + ".b", 1600);
            Thread.sleep(3000);
        }
        for (String table : new String[] {"a", "c"}) {
            TableComparison.awaitEqual(source, new TableId(db, table), target, new TableId(copyDb, table), Duration.ofSeconds(180));
        }
        assertThat(TableComparison.fingerprint(target, new TableId(copyDb, "b")))
                .as("the dropped table's target keeps its last rows (table.drop.behavior=keep)").isEqualTo(lastOfB);
        assertThat(cli("task", "drop", "--task-name", "ddlcrash", "--data-dir", dataDir.toString())).isZero();
    }

    /**
     * Runs the statement, waits {@code delayMs} (the source reads it; its checkpoint is committed within a second or
     * so, so the delays fall before and after that), kills the worker, starts a new one and waits until changes flow
     * to the target again: a worker is slow to get going after a kill (its broker restarts with it), and killing it
     * again before would test nothing.
     */
    private static void ddlThenKill(EmbeddedRuntime runtime, String statement, long delayMs) throws Exception {
        exec(src, statement);
        Thread.sleep(delayMs);
        ProcessHandle worker = runtime.process().orElseThrow();
        worker.destroyForcibly();
        worker.onExit().get();
        runtime.start(System.err);
        assertThat(cli("task", "resume", "--task-name", "ddlcrash", "--data-dir", dataDir.toString())).isZero();
        int marker = -(++markers);
        exec(src, "insert into " + db + ".a (id, n) values (" + marker + ", 0)");
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (!"1".equals(scalarOrNull("select count(*) from " + copyDb + ".a where id = " + marker))) {
            assertThat(System.nanoTime()).as("changes reach the target after restart %d", markers).isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    private static int markers;

    private static String scalarOrNull(String query) {
        try {
            return Sql.scalar(dst, query);
        } catch (SQLException e) {
            return null;
        }
    }

    private static int cli(String... args) {
        return MoCdc.run(args);
    }
}
