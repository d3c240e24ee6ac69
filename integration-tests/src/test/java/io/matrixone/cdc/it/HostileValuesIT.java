package io.matrixone.cdc.it;

import static io.matrixone.cdc.testing.Sql.exec;
import static io.matrixone.cdc.testing.Sql.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.testing.CdcDatabases;
import io.matrixone.cdc.testing.ConnectClusterHarness;
import io.matrixone.cdc.testing.ConnectJson;
import io.matrixone.cdc.testing.MatrixOnePipelineExtension;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.kafka.test.TestUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Values that break naive CDC pipelines, end to end: source MatrixOne -> source connector -> Kafka (JSON, as
 * mo-cdc configures it) -> sink connector -> target MatrixOne, through the snapshot and then streamed inserts,
 * updates and deletes. NUL bytes, quotes, backslashes and control characters in strings, blobs and keys; a
 * 14 MiB LONGBLOB (a ~20 MB Kafka record, so the producer and topic limits are raised as README "Operations"
 * says; 15,000,000 bytes is the JSON converter's ceiling, see {@link #BIG}); DECIMAL(38,x) at its limits;
 * DATE / DATETIME / TIMESTAMP / TIME at their limits; FLOAT and DOUBLE at their largest, smallest normal and
 * smallest subnormal values; BIGINT UNSIGNED max. The target is compared with the source column by column.
 */
@ExtendWith(MatrixOnePipelineExtension.class)
class HostileValuesIT {

    private static final String PREFIX = "hostile";
    /**
     * The big blob. MatrixOne takes 16 MiB (and more) in a LONGBLOB, but the JSON path does not: Kafka's JsonConverter
     * reads with Jackson's default limit of 20,000,000 characters per string, so a bytes value (base64) above
     * 15,000,000 bytes fails the sink task ("String value length ... exceeds the maximum allowed"); a 16 MiB blob did.
     * The largest round size under that limit; README "Operations" says so.
     */
    private static final int BIG = 14 * 1024 * 1024;
    /** Kafka's limits for the big rows: one record carries the blob in base64 JSON (~19.6 MB). */
    private static final String MAX_RECORD_BYTES = String.valueOf(64 * 1024 * 1024);

    private static final String DDL = "(id int primary key, vc varchar(255), ch char(20), tx text, lt longtext, "
            + "bl blob, big longblob, vb varbinary(64), bn binary(8), "
            + "dmax decimal(38,0), dfrac decimal(38,10), dtiny decimal(38,37), d2 decimal(10,2), "
            + "f float, db double, u64 bigint unsigned, i64 bigint, "
            + "d date, dt0 datetime, dt3 datetime(3), dt6 datetime(6), ts0 timestamp, ts6 timestamp(6), "
            + "tm0 time, tm6 time(6), j json)";
    private static final List<String> COLUMNS = List.of("id", "vc", "ch", "tx", "lt", "bl", "big", "vb", "bn", "dmax", "dfrac",
            "dtiny", "d2", "f", "db", "u64", "i64", "d", "dt0", "dt3", "dt6", "ts0", "ts6", "tm0", "tm6", "j");
    /** How each column is rendered on both sides: bytes (and strings, to see every NUL) as hex, the big blob by digest. */
    private static final Map<String, String> RENDER = Map.of("vc", "hex(vc)", "ch", "hex(ch)", "tx", "hex(tx)", "lt", "hex(lt)",
            "bl", "hex(bl)", "big", "concat(length(big), ':', md5(big))", "vb", "hex(vb)", "bn", "hex(bn)", "j", "hex(cast(j as char))");

    private static final String NUL_MIX = "a\0b\0\0'\"\\\\'\\0\\n%_`";
    private static final String CONTROL = controlCharacters();

    private static CdcDatabases dbs;
    private static Connection src;
    private static Connection dst;
    private static String srcDb;
    private static String dstDb;
    private static ConnectClusterHarness connect;
    private static EmbeddedConnectCluster cluster;

    @BeforeAll
    static void start(CdcDatabases databases, ConnectClusterHarness harness) {
        dbs = databases;
        src = dbs.src;
        dst = dbs.dst;
        srcDb = dbs.srcDb;
        dstDb = dbs.dstDb;
        connect = harness;
        cluster = connect.cluster();
    }

    @Test
    void hostileValuesSurviveSnapshotAndStreaming() throws Exception {
        exec(src, "create table " + srcDb + ".vals " + DDL,
                "create table " + srcDb + ".keys (k varchar(64) primary key, v varchar(64), b varbinary(16))");
        // Snapshot: every extreme, then a 14 MiB blob.
        insert(1, maxima());
        insert(2, minima());
        insert(3, tiniest());
        insert(4, nulls());
        insert(100, bigRow(1));
        insertKeys("a\0b", "'", "\\", "\\0", "\"", "", CONTROL.substring(0, 10), "😀 ü", "%", "_");

        startConnector(sourceConfig(), "source");
        startConnector(sinkConfig(), "sink");
        awaitTargetEqualsSource(5, 10);

        // Streaming: inserts, updates to other extremes (and back to nulls), deletes, a second and a changed big blob.
        insert(5, maxima());
        insert(101, bigRow(2));
        update(1, minima());
        update(2, maxima());
        update(3, nulls());
        update(4, tiniest());
        update(100, bigRow(3));
        insertKeys("new\0key", "''", "\\\\");
        exec(src, "update " + srcDb + ".keys set v = concat(k, char(0), '\\\\'), b = x'00275c' where k in ('''', '\\\\', '')");
        Thread.sleep(1500);
        exec(src, "delete from " + srcDb + ".vals where id in (2, 101)");
        try (PreparedStatement st = src.prepareStatement("delete from " + srcDb + ".keys where k in (?, ?, ?)")) {
            st.setString(1, "a\0b");
            st.setString(2, "\"");
            st.setString(3, "new\0key");
            assertThat(st.executeUpdate()).as("hostile keys deleted on the source").isEqualTo(3);
        }
        insert(6, minima());
        awaitTargetEqualsSource(6, 10);

        cluster.deleteConnector(PREFIX + "-source");
        cluster.deleteConnector(PREFIX + "-sink");
    }

    // ---------------------------------------------------------------- the values

    /** Column values of one row (id aside), in COLUMNS order. */
    private static Map<String, Object> maxima() {
        return row(
                // strings and bytes: vc, ch, tx, lt, bl, big, vb, bn
                NUL_MIX, "it's \\ \0\"", CONTROL + NUL_MIX + "\r\n\t\u001a😀", "\\'" + "x".repeat(70_000) + "\0",
                new byte[] {0, 0x27, 0x22, 0x5c, 0x0a, 0x0d, 0x1a, (byte) 0xff, 0}, null, new byte[] {0, 0, 0x5c, 0x30},
                new byte[] {0x27, 0, 0x5c, 0, 0, 0, 0, (byte) 0xff},
                // decimals: dmax, dfrac, dtiny, d2
                new BigDecimal("99999999999999999999999999999999999999"),
                new BigDecimal("9999999999999999999999999999.9999999999"),
                new BigDecimal("9.9999999999999999999999999999999999999"), new BigDecimal("99999999.99"),
                // numbers: f, db, u64, i64
                Float.MAX_VALUE, Double.MAX_VALUE, new BigDecimal("18446744073709551615"), Long.MAX_VALUE,
                // dates and times: d, dt0, dt3, dt6, ts0, ts6, tm0, tm6
                "9999-12-31", "9999-12-31 23:59:59", "9999-12-31 23:59:59.999", "9999-12-31 23:59:59.999999",
                "9999-12-31 23:59:59", "9999-12-31 23:59:59.999999", "838:59:59", "838:59:59.999999",
                // json: j
                "{\"k\": \"a\\u0000b \\\" \\\\ '\", \"n\": 1e308}");
    }

    private static Map<String, Object> minima() {
        // MatrixOne's TIMESTAMP starts at 1970-01-01 00:00:01 (as MySQL's).
        return row(
                // strings and bytes: vc, ch, tx, lt, bl, big, vb, bn
                "\0", "'", "\\", "", new byte[0], new byte[] {0}, new byte[] {0}, new byte[] {0},
                // decimals: dmax, dfrac, dtiny, d2
                new BigDecimal("-99999999999999999999999999999999999999"),
                new BigDecimal("-9999999999999999999999999999.9999999999"),
                new BigDecimal("-9.9999999999999999999999999999999999999"), new BigDecimal("-99999999.99"),
                // numbers: f, db, u64, i64
                -Float.MAX_VALUE, -Double.MAX_VALUE, BigDecimal.ZERO, Long.MIN_VALUE,
                // dates and times: d, dt0, dt3, dt6, ts0, ts6, tm0, tm6
                "0001-01-01", "0001-01-01 00:00:00", "0001-01-01 00:00:00.000", "0001-01-01 00:00:00.000000",
                "1970-01-01 00:00:01", "1970-01-01 00:00:01.000000", "-838:59:59", "-838:59:59.999999",
                // json: j
                "[]");
    }

    private static Map<String, Object> tiniest() {
        return row(
                // strings and bytes: vc, ch, tx, lt, bl, big, vb, bn
                "\\0\\'\\\"\\\\", "\0", "\0\0\0", "\u2028\u2029\ufeff\uffff",
                new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf, (byte) 0xc0, (byte) 0x80}, new byte[] {0x5c, 0x27},
                new byte[] {(byte) 0x80}, new byte[] {0, 0, 0, 0, 0, 0, 0, 1},
                // decimals: dmax, dfrac, dtiny, d2
                new BigDecimal("-1"), new BigDecimal("-0.0000000001"), new BigDecimal("0.0000000000000000000000000000000000001"),
                new BigDecimal("-0.01"),
                // numbers: f, db, u64, i64
                Float.MIN_VALUE, Double.MIN_VALUE, new BigDecimal("9223372036854775808"), -1L,
                // dates and times: d, dt0, dt3, dt6, ts0, ts6, tm0, tm6
                "1969-12-31", "1969-12-31 23:59:59", "1969-12-31 23:59:59.999", "1969-12-31 23:59:59.999999",
                "2038-01-19 03:14:08", "1970-01-01 00:00:01.000001", "-00:00:01", "-00:00:00.000001",
                // json: j
                "{\"\": null}");
    }

    /** The columns after id, in COLUMNS order. */
    private static Map<String, Object> row(Object... values) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            row.put(COLUMNS.get(i + 1), values[i]);
        }
        return row;
    }

    /** Smallest normal float and double, and every column null. */
    private static Map<String, Object> nulls() {
        Map<String, Object> row = new LinkedHashMap<>();
        for (String column : COLUMNS.subList(1, COLUMNS.size())) {
            row.put(column, null);
        }
        row.put("f", -Float.MIN_NORMAL);
        row.put("db", -Double.MIN_NORMAL);
        return row;
    }

    /** A row whose LONGBLOB is 14 MiB of random bytes (NULs, quotes and backslashes among them). */
    private static Map<String, Object> bigRow(long seed) {
        byte[] big = new byte[BIG];
        new Random(seed).nextBytes(big);
        big[0] = 0;
        big[BIG - 1] = '\\';
        Map<String, Object> row = new LinkedHashMap<>();
        for (String column : COLUMNS.subList(1, COLUMNS.size())) {
            row.put(column, null);
        }
        row.put("vc", "big " + seed);
        row.put("big", big);
        return row;
    }

    private static String controlCharacters() {
        StringBuilder text = new StringBuilder();
        for (char c = 1; c < 0x20; c++) {
            text.append(c);
        }
        return text.append('\u007f').toString();
    }

    // ---------------------------------------------------------------- source writes

    private static void insert(int id, Map<String, Object> row) throws SQLException {
        String placeholders = "?" + ", ?".repeat(row.size());
        try (PreparedStatement st = src.prepareStatement("insert into " + srcDb + ".vals (id, " + String.join(", ", row.keySet())
                + ") values (" + placeholders + ")")) {
            st.setInt(1, id);
            bind(st, row, 2);
            st.executeUpdate();
        }
    }

    private static void update(int id, Map<String, Object> row) throws SQLException {
        List<String> sets = new ArrayList<>();
        row.keySet().forEach(c -> sets.add(c + " = ?"));
        try (PreparedStatement st = src.prepareStatement("update " + srcDb + ".vals set " + String.join(", ", sets) + " where id = ?")) {
            int next = bind(st, row, 1);
            st.setInt(next, id);
            assertThat(st.executeUpdate()).as("row " + id + " updated").isEqualTo(1);
        }
    }

    private static int bind(PreparedStatement st, Map<String, Object> row, int first) throws SQLException {
        int index = first;
        for (Object value : row.values()) {
            // Connector/J sends a float as its shortest text, which MatrixOne may refuse (3.4028235E38 > FLT_MAX
            // as a decimal): the exact double is the same float.
            st.setObject(index++, value instanceof Float f ? (Object) f.doubleValue() : value);
        }
        return index;
    }

    private static void insertKeys(String... keys) throws SQLException {
        try (PreparedStatement st = src.prepareStatement("insert into " + srcDb + ".keys values (?, ?, ?)")) {
            for (String key : keys) {
                st.setString(1, key);
                st.setString(2, "v" + key);
                st.setBytes(3, key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                st.executeUpdate();
            }
        }
    }

    // ---------------------------------------------------------------- connectors

    /** What mo-cdc's task create sets, plus the Kafka limits a row of 14 MiB needs (README "Operations"). */
    private static Map<String, String> common(String role) {
        Map<String, String> config = new HashMap<>();
        config.put("name", PREFIX + "-" + role);
        config.put("tasks.max", "1");
        config.putAll(ConnectJson.CONVERTER_CONFIG);
        config.put("value.converter.decimal.format", "NUMERIC");
        return config;
    }

    private static Map<String, String> sourceConfig() {
        Map<String, String> config = common("source");
        config.put("connector.class", "io.matrixone.cdc.source.MatrixOneSourceConnector");
        config.put("connection.uri", dbs.source.unmasked());
        config.put("topic.prefix", PREFIX);
        config.put("tables", srcDb + ".vals," + srcDb + ".keys");
        config.put("poll.interval.ms", "300");
        config.put("snapshot.fetch.size", "2");
        config.put("topic.creation.default.replication.factor", "1");
        config.put("topic.creation.default.partitions", "1");
        config.put("topic.creation.default.max.message.bytes", MAX_RECORD_BYTES);
        config.put("producer.override.max.request.size", MAX_RECORD_BYTES);
        config.put("producer.override.buffer.memory", String.valueOf(128 * 1024 * 1024));
        return config;
    }

    private static Map<String, String> sinkConfig() {
        Map<String, String> config = common("sink");
        config.put("connector.class", "io.matrixone.cdc.sink.MatrixOneSinkConnector");
        config.put("topics.regex", PREFIX + "\\..*");
        config.put("connection.uri", dbs.target.unmasked());
        config.put("tables", srcDb + ".vals:" + dstDb + ".vals," + srcDb + ".keys:" + dstDb + ".keys");
        config.put("retry.backoff.ms", "200");
        config.put("consumer.override.metadata.max.age.ms", "2000");
        config.put("consumer.override.max.partition.fetch.bytes", MAX_RECORD_BYTES);
        config.put("consumer.override.fetch.max.bytes", MAX_RECORD_BYTES);
        return config;
    }

    private static void startConnector(Map<String, String> config, String what) throws InterruptedException {
        cluster.configureConnector(config.get("name"), config);
        cluster.assertions().assertConnectorAndExactlyNumTasksAreRunning(config.get("name"), 1, "the " + what + " did not start");
    }

    // ---------------------------------------------------------------- comparison

    private static String valsQuery(String db) {
        List<String> select = new ArrayList<>();
        COLUMNS.forEach(c -> select.add(RENDER.getOrDefault(c, c)));
        return "select " + String.join(", ", select) + " from " + db + ".vals order by id";
    }

    private static String keysQuery(String db) {
        return "select hex(k), hex(v), hex(b) from " + db + ".keys order by hex(k)";
    }

    private static void awaitTargetEqualsSource(int valsRows, int keysRows) throws Exception {
        List<List<String>> vals = rows(src, valsQuery(srcDb));
        List<List<String>> keys = rows(src, keysQuery(srcDb));
        assertThat(vals).hasSize(valsRows);
        assertThat(keys).hasSize(keysRows);
        assertThat(vals.toString()).as("the source holds NUL bytes, in strings and blobs").contains("00");
        try {
            TestUtils.waitForCondition(() -> targetRows(valsQuery(dstDb)).equals(vals) && targetRows(keysQuery(dstDb)).equals(keys),
                    180_000, "target != source");
        } catch (AssertionError e) {
            // Say which columns differ, row by row, before failing.
            assertSameColumns(vals, targetRows(valsQuery(dstDb)), COLUMNS);
            assertSameColumns(keys, targetRows(keysQuery(dstDb)), List.of("k", "v", "b"));
            throw new AssertionError(e.getMessage() + "\nconnectors " + cluster.connectors() + " "
                    + cluster.connectorStatus(PREFIX + "-source") + " " + cluster.connectorStatus(PREFIX + "-sink"), e);
        }
        assertSameColumns(vals, rows(dst, valsQuery(dstDb)), COLUMNS);
        assertSameColumns(keys, rows(dst, keysQuery(dstDb)), List.of("k", "v", "b"));
    }

    /** Row by row (by first column), column by column, naming each difference. */
    private static void assertSameColumns(List<List<String>> expected, List<List<String>> actual, List<String> columns) {
        Map<String, List<String>> byKey = new LinkedHashMap<>();
        actual.forEach(r -> byKey.put(r.get(0), r));
        List<String> differences = new ArrayList<>();
        for (List<String> want : expected) {
            List<String> got = byKey.remove(want.get(0));
            if (got == null) {
                differences.add("row " + want.get(0) + " missing in the target");
                continue;
            }
            for (int i = 0; i < columns.size(); i++) {
                if (!java.util.Objects.equals(want.get(i), got.get(i))) {
                    differences.add("row " + want.get(0) + " column " + columns.get(i) + ": source " + abbreviate(want.get(i))
                            + ", target " + abbreviate(got.get(i)));
                }
            }
        }
        byKey.keySet().forEach(k -> differences.add("row " + k + " only in the target"));
        assertThat(differences).as("target vs source, column by column").isEmpty();
    }

    private static String abbreviate(String value) {
        return value == null || value.length() <= 200 ? value : value.substring(0, 200) + "...(" + value.length() + " chars)";
    }

    /** The target's rows, none while the sink has not created the table yet. */
    private static List<List<String>> targetRows(String query) {
        try {
            return rows(dst, query);
        } catch (SQLException e) {
            return List.of();
        }
    }
}
