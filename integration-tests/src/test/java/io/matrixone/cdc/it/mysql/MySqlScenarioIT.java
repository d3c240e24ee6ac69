package io.matrixone.cdc.it.mysql;

import static io.matrixone.cdc.testing.Sql.exec;
import static io.matrixone.cdc.testing.Sql.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.common.MatrixOneUri;
import io.matrixone.cdc.it.MoCdcRunner;
import io.matrixone.cdc.it.MoCdcRunner.Result;
import io.matrixone.cdc.testing.CdcDatabases;
import io.matrixone.cdc.testing.ConnectClusterHarness;
import io.matrixone.cdc.testing.MariaDbTarget;
import io.matrixone.cdc.testing.MatrixOnePipelineExtension;
import io.matrixone.cdc.testing.Sql;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The product scenario with a MySQL-compatible target: the real {@code mo-cdc task create --sink-type mysql} copies a
 * table of the real source MatrixOne into a real MariaDB (scripts/mariadb.sh), through a real Kafka + Connect: full
 * sync, insert and update, pause with an insert while paused, resume, delete; then the source adds a column (with a
 * name of spaces, a backtick and non-ASCII letters) and the MariaDB table gets it, with its values; a TRUNCATE empties
 * the MariaDB table; then drop.
 */
@ExtendWith(MatrixOnePipelineExtension.class)
@MariaDbTarget
class MySqlScenarioIT {

    private static final String PASSWORD = "111";
    private static final String TASK = "activity_sync_mysql";

    private CdcDatabases dbs;
    private ConnectClusterHarness connect;

    @BeforeEach
    void setUp(CdcDatabases dbs, ConnectClusterHarness connect) {
        this.dbs = dbs;
        this.connect = connect;
    }

    @Test
    void theProductScenarioIntoMariaDb() throws Exception {
        exec(dbs.src, "CREATE TABLE " + dbs.srcDb + ".user_activities (activity_id INT PRIMARY KEY, user_id INT, "
                        + "activity_type VARCHAR(50), timestamp DATETIME, device VARCHAR(20))",
                "INSERT INTO " + dbs.srcDb + ".user_activities VALUES (1, 1001, 'login', '2024-01-01 09:00:00', 'mobile'),"
                        + "(2, 1002, 'like', '2024-01-01 10:15:00', 'desktop'), (3, 1003, 'comment', '2024-01-02 14:30:00', 'mobile')");

        Result created = mocdc("task", "create", "--task-name", TASK, "--source-uri", uri(dbs.source),
                "--sink-type", "mysql", "--sink-uri", uri(dbs.target), "--level", "table",
                "--tables", dbs.srcDb + ".user_activities:" + dbs.dstDb + ".analytics_activities");
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.err()).containsPattern("snapshot " + dbs.srcDb + "\\.user_activities: \\d / \\d rows \\(100%\\) done");

        Result show = mocdc("task", "show", "--task-name", TASK, "--source-uri", uri(dbs.source));
        assertThat(show.out()).contains("\"state\": \"running\"", "\"sink-uri\": \"mysql://root:******@" + dbs.target.host() + ":"
                + dbs.target.port() + "\"").doesNotContain(PASSWORD + "@");

        await(this::targetRows, List.of(row(1, 1001, "login", "2024-01-01 09:00:00", "mobile"),
                row(2, 1002, "like", "2024-01-01 10:15:00", "desktop"), row(3, 1003, "comment", "2024-01-02 14:30:00", "mobile")));
        // Created by the sink with MySQL types, a binary no-pad collation, and the source's key.
        assertThat(rows(dbs.dst, "select column_name, column_type, is_nullable, column_key from information_schema.columns "
                + "where table_schema = '" + dbs.dstDb + "' and table_name = 'analytics_activities' order by ordinal_position"))
                .containsExactly(List.of("activity_id", "int(11)", "NO", "PRI"), List.of("user_id", "int(11)", "YES", ""),
                        List.of("activity_type", "varchar(50)", "YES", ""), List.of("timestamp", "datetime", "YES", ""),
                        List.of("device", "varchar(20)", "YES", ""));
        assertThat(Sql.scalar(dbs.dst, "select table_collation from information_schema.tables where table_schema = '" + dbs.dstDb
                + "' and table_name = 'analytics_activities'")).isEqualTo("utf8mb4_nopad_bin");

        exec(dbs.src, "INSERT INTO " + dbs.srcDb + ".user_activities VALUES (4, 1004, 'share', '2024-01-03 16:45:00', 'desktop')",
                "UPDATE " + dbs.srcDb + ".user_activities SET activity_type = 'logout' WHERE activity_id = 1");
        List<List<String>> afterIncrement = List.of(row(1, 1001, "logout", "2024-01-01 09:00:00", "mobile"),
                row(2, 1002, "like", "2024-01-01 10:15:00", "desktop"), row(3, 1003, "comment", "2024-01-02 14:30:00", "mobile"),
                row(4, 1004, "share", "2024-01-03 16:45:00", "desktop"));
        await(this::targetRows, afterIncrement);

        assertThat(mocdc("task", "pause", "--task-name", TASK, "--source-uri", uri(dbs.source)).exit()).isZero();
        assertThat(mocdc("task", "show", "--task-name", TASK, "--source-uri", uri(dbs.source)).out()).contains("\"state\": \"paused\"");
        exec(dbs.src, "INSERT INTO " + dbs.srcDb + ".user_activities VALUES (5, 1005, 'login', '2024-01-04 08:00:00', 'mobile')");
        Thread.sleep(4000);
        assertThat(targetRows()).as("nothing moves while paused").isEqualTo(afterIncrement);

        assertThat(mocdc("task", "resume", "--task-name", TASK, "--source-uri", uri(dbs.source)).exit()).isZero();
        List<List<String>> all = new ArrayList<>(afterIncrement);
        all.add(row(5, 1005, "login", "2024-01-04 08:00:00", "mobile"));
        await(this::targetRows, all);

        exec(dbs.src, "DELETE FROM " + dbs.srcDb + ".user_activities WHERE activity_id = 2");
        all.remove(1);
        await(this::targetRows, all);

        // The source adds a column, with a hard name: MariaDB gets it (ALTER TABLE ADD COLUMN) and its values.
        exec(dbs.src, "ALTER TABLE " + dbs.srcDb + ".user_activities ADD COLUMN `région ü`` x` VARCHAR(30)",
                "UPDATE " + dbs.srcDb + ".user_activities SET `région ü`` x` = 'eu' WHERE activity_id = 1",
                "INSERT INTO " + dbs.srcDb + ".user_activities VALUES (6, 1006, 'login', '2024-01-05 07:00:00', 'tablet', 'us ü')");
        List<List<String>> withRegion = new ArrayList<>();
        for (List<String> r : all) {
            List<String> extended = new ArrayList<>(r);
            extended.add(r.get(0).equals("1") ? "eu" : null);
            withRegion.add(extended);
        }
        List<String> six = new ArrayList<>(row(6, 1006, "login", "2024-01-05 07:00:00", "tablet"));
        six.add("us ü");
        withRegion.add(six);
        await(this::targetRowsWithRegion, withRegion);
        assertThat(Sql.scalar(dbs.dst, "select column_type from information_schema.columns where table_schema = '" + dbs.dstDb
                + "' and table_name = 'analytics_activities' and column_name = 'région ü` x'")).isEqualTo("varchar(30)");

        // TRUNCATE on the source empties the MariaDB table; rows written after it arrive.
        exec(dbs.src, "TRUNCATE TABLE " + dbs.srcDb + ".user_activities");
        exec(dbs.src, "INSERT INTO " + dbs.srcDb + ".user_activities VALUES (7, 1007, 'login', '2024-01-06 07:00:00', 'mobile', 'ap')");
        await(this::targetRowsWithRegion, List.of(java.util.Arrays.asList("7", "1007", "login", "2024-01-06 07:00:00", "mobile", "ap")));

        Result drop = mocdc("task", "drop", "--task-name", TASK, "--source-uri", uri(dbs.source),
                "--bootstrap-servers", connect.cluster().kafka().bootstrapServers());
        assertThat(drop.exit()).as(drop.err()).isZero();
        assertThat(connect.cluster().connectors()).doesNotContain(TASK + "-source", TASK + "-sink");
    }

    // ---------------------------------------------------------------- helpers

    private Result mocdc(String... args) {
        return MoCdcRunner.runOn(connect.restUrl(), args);
    }

    private static String uri(MatrixOneUri server) {
        return "mysql://root:" + PASSWORD + "@" + server.host() + ":" + server.port();
    }

    private static List<String> row(int id, int user, String type, String when, String device) {
        return List.of(String.valueOf(id), String.valueOf(user), type, when, device);
    }

    private List<List<String>> targetRows() {
        return query("select activity_id, user_id, activity_type, date_format(timestamp, '%Y-%m-%d %H:%i:%s'), device from "
                + dbs.dstDb + ".analytics_activities order by activity_id");
    }

    private List<List<String>> targetRowsWithRegion() {
        return query("select activity_id, user_id, activity_type, date_format(timestamp, '%Y-%m-%d %H:%i:%s'), device, "
                + "`région ü`` x` from " + dbs.dstDb + ".analytics_activities order by activity_id");
    }

    private List<List<String>> query(String sql) {
        try {
            return rows(dbs.dst, sql);
        } catch (SQLException e) {
            return List.of();
        }
    }

    private static void await(Supplier<List<List<String>>> actual, List<List<String>> expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline && !actual.get().equals(expected)) {
            Thread.sleep(500);
        }
        assertThat(actual.get()).isEqualTo(expected);
    }
}
