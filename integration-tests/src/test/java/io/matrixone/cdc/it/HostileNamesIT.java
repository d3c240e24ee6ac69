package io.matrixone.cdc.it;

import static io.matrixone.cdc.testing.Sql.exec;
import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.common.TableId;
import io.matrixone.cdc.it.MoCdcRunner.Result;
import io.matrixone.cdc.testing.CdcDatabases;
import io.matrixone.cdc.testing.ConnectClusterHarness;
import io.matrixone.cdc.testing.MatrixOnePipelineExtension;
import io.matrixone.cdc.testing.TableComparison;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Source tables whose names Kafka would refuse as topic names (a space, a non-ASCII letter) and one that differs
 * from such a name only there: each gets a legal topic of its own (TopicNames), and its rows, updates and deletes
 * (tombstones included, routed by the real name they carry) reach the target table of the same real name; task
 * verify passes on them.
 */
@ExtendWith(MatrixOnePipelineExtension.class)
class HostileNamesIT {

    @Test
    void tablesNamedWithSpacesAndUnicodeAreCapturedUnderTheirRealNames(CdcDatabases dbs, ConnectClusterHarness connect)
            throws Exception {
        List<String> tables = List.of("odd t ü", "odd_t_ü", "plain");
        for (String table : tables) {
            String name = new TableId(dbs.srcDb, table).quoted();
            exec(dbs.src, "create table " + name + " (id int primary key, `col umn` varchar(20))",
                    "insert into " + name + " values (1, 'one'), (2, 'two'), (3, 'three')");
        }
        String task = "names_it";
        Result created = MoCdcRunner.runOn(connect.restUrl(), "task", "create", "--task-name", task, "--source-uri",
                dbs.source.unmasked(), "--sink-uri", dbs.target.unmasked(), "--level", "database", "--tables",
                dbs.srcDb + ".*:" + dbs.dstDb, "--wait", "120");
        assertThat(created.exit()).as(created.err()).isZero();
        for (String table : tables) {
            String name = new TableId(dbs.srcDb, table).quoted();
            exec(dbs.src, "insert into " + name + " values (4, '" + table + "')", "update " + name + " set `col umn` = 'ONE' where id = 1",
                    "delete from " + name + " where id = 2");
        }
        for (String table : tables) {
            TableComparison.awaitEqual(dbs.source, new TableId(dbs.srcDb, table), dbs.target, new TableId(dbs.dstDb, table),
                    Duration.ofMinutes(2));
        }
        Result verified = MoCdcRunner.runOn(connect.restUrl(), "task", "verify", "--task-name", task);
        assertThat(verified.exit()).as(verified.err()).isZero();
        assertThat(verified.err()).contains(dbs.srcDb + ".odd t ü equal: 3 rows").contains(dbs.srcDb + ".odd_t_ü equal: 3 rows");
        assertThat(MoCdcRunner.runOn(connect.restUrl(), "task", "drop", "--task-name", task).exit()).isZero();
    }
}
