package io.matrixone.cdc.it.mysql;

import static io.matrixone.cdc.testing.Sql.exec;
import static io.matrixone.cdc.testing.Sql.rows;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.matrixone.cdc.testing.CdcDatabases;
import io.matrixone.cdc.testing.ConnectClusterHarness;
import io.matrixone.cdc.testing.MariaDbTarget;
import io.matrixone.cdc.testing.MatrixOnePipelineExtension;
import io.matrixone.cdc.testing.ConnectJson;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.test.TestUtils;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Test;

/**
 * Every MatrixOne column type into a real MariaDB with {@code sink.dialect=mysql}: source MatrixOne -> source
 * connector -> Kafka (JSON, as mo-cdc configures it) -> sink connector -> MariaDB, through the snapshot and then
 * streamed inserts, updates and deletes; the target table is created by the sink. Values at their limits (unsigned
 * maxima, DECIMAL(38,x), TIME(6) negative and past 24 h, DATETIME/TIMESTAMP(6) from year 1 to 9999, the smallest
 * float and double), JSON, UUID, BLOB/BINARY, BOOL and vectors are compared with the source value by value.
 * Then a value MariaDB cannot hold (a TIME of 900 hours) fails the sink task naming table, key and column, and
 * with errors.tolerance=all goes to the dead letter queue while the rows after it are written.
 *
 * <p>ENUM is not here: MatrixOne's DATA BRANCH DIFF cannot read tables with an ENUM column, so the source does not
 * capture them (README); the ENUM type mapping is covered by MySqlDialectTest.
 */
@ExtendWith(MatrixOnePipelineExtension.class)
@MariaDbTarget
class MySqlTypesIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** name, MatrixOne type, how the value is rendered on both servers, how the renderings compare. */
    private record Column(String name, String type, String render, Kind kind) {
    }

    private enum Kind { TEXT, TEMPORAL, FLOAT, DOUBLE, BOOL, JSON, VECTOR32, VECTOR64 }

    /**
     * A 70,000-byte TEXT by length and digest, in pieces with explicit lengths: MatrixOne's md5(), hex() and
     * substr(s, pos) (without a length) read only the first 65,535 bytes of a value.
     */
    private static final String TEXT_DIGEST = "concat(length(tx), ':', md5(substr(tx, 1, 60000)), ':', md5(substr(tx, 60001, 60000)))";

    private static final List<Column> COLUMNS = List.of(
            col("ti", "tinyint"), col("tiu", "tinyint unsigned"), col("si", "smallint"), col("siu", "smallint unsigned"),
            col("i", "int"), col("iu", "int unsigned"), col("bi", "bigint"), col("biu", "bigint unsigned"),
            col("d38", "decimal(38,0)"), col("d3810", "decimal(38,10)"), col("d3837", "decimal(38,37)"), col("d102", "decimal(10,2)"),
            new Column("f", "float", "cast(f as double)", Kind.FLOAT), new Column("db", "double", "db", Kind.DOUBLE),
            new Column("b", "bool", "b", Kind.BOOL),
            hex("c", "char(20)"), hex("vc", "varchar(255)"), new Column("tx", "text", TEXT_DIGEST, Kind.TEXT), hex("bl", "blob"), hex("bn", "binary(8)"),
            hex("vb", "varbinary(64)"),
            col("dd", "date"), col("dt0", "datetime"), temporal("dt6", "datetime(6)"), col("ts0", "timestamp"),
            temporal("ts6", "timestamp(6)"), col("tm0", "time"), temporal("tm6", "time(6)"),
            new Column("j", "json", "j", Kind.JSON), col("u", "uuid"),
            new Column("v32", "vecf32(3)", "v32", Kind.VECTOR32),
            new Column("v64", "vecf64(2)", "v64", Kind.VECTOR64));

    /** The same MySQL types the dialect should create (information_schema.columns.column_type on MariaDB). */
    private static final Map<String, String> MARIADB_TYPES = Map.ofEntries(
            Map.entry("id", "int(11)"), Map.entry("ti", "tinyint(4)"), Map.entry("tiu", "tinyint(3) unsigned"),
            Map.entry("si", "smallint(6)"), Map.entry("siu", "smallint(5) unsigned"), Map.entry("i", "int(11)"),
            Map.entry("iu", "int(10) unsigned"), Map.entry("bi", "bigint(20)"), Map.entry("biu", "bigint(20) unsigned"),
            Map.entry("d38", "decimal(38,0)"), Map.entry("d3810", "decimal(38,10)"), Map.entry("d3837", "decimal(38,37)"),
            Map.entry("d102", "decimal(10,2)"), Map.entry("f", "float"), Map.entry("db", "double"), Map.entry("b", "tinyint(1)"),
            Map.entry("c", "char(20)"), Map.entry("vc", "varchar(255)"), Map.entry("tx", "longtext"), Map.entry("bl", "longblob"),
            Map.entry("bn", "binary(8)"), Map.entry("vb", "varbinary(64)"), Map.entry("dd", "date"), Map.entry("dt0", "datetime"),
            Map.entry("dt6", "datetime(6)"), Map.entry("ts0", "datetime"), Map.entry("ts6", "datetime(6)"), Map.entry("tm0", "time"),
            Map.entry("tm6", "time(6)"), Map.entry("j", "longtext"), Map.entry("u", "uuid"), Map.entry("v32", "longtext"),
            Map.entry("v64", "longtext"));

    private static final List<String> MAXIMA = literals("127, 255, 32767, 65535, 2147483647, 4294967295, 9223372036854775807, 18446744073709551615, "
            + "99999999999999999999999999999999999999, 9999999999999999999999999999.9999999999, 9.9999999999999999999999999999999999999, "
            + "99999999.99, 3.4028234663852886e38, 1.7976931348623157e308, true, "
            + "'it''s ü 😀', 'tab\there \\\\ \"q\"', '" + "x".repeat(70_000) + "', x'00ff275c0a', x'0102030405060708', x'5c00ff', "
            + "'9999-12-31', '9999-12-31 23:59:59', '9999-12-31 23:59:59.999999', '9999-12-31 23:59:59', '9999-12-31 23:59:59.999999', "
            + "'838:59:59', '838:59:59.999999', '{\"k\": [1, \"ü\", null], \"n\": 1.5, \"o\": {}}', "
            + "'6ba7b810-9dad-11d1-80b4-00c04fd430c8', '[1.5, -2, 0.1]', '[1.7976931348623157e308, -0.5]'");
    private static final List<String> MINIMA = literals("-128, 0, -32768, 0, -2147483648, 0, -9223372036854775808, 0, "
            + "-99999999999999999999999999999999999999, -9999999999999999999999999999.9999999999, "
            + "-9.9999999999999999999999999999999999999, -99999999.99, -3.4028234663852886e38, -1.7976931348623157e308, false, "
            + "'', '', '', x'', x'0000000000000000', x'', "
            + "'0001-01-01', '0001-01-01 00:00:00', '0001-01-01 00:00:00.000000', '1970-01-01 00:00:01', '1970-01-01 00:00:01.000000', "
            + "'-838:59:59', '-838:59:59.999999', '[]', '00000000-0000-0000-0000-000000000000', '[0, 0, 0]', '[-1e-300, 0]'");
    private static final List<String> TRICKY = literals("0, 1, -1, 1, -1, 1, -1, 9223372036854775808, "
            + "1, -0.0000000001, 0.0000000000000000000000000000000000001, -0.01, 1.401298464324817e-45, 4.9e-324, true, "
            + "'😀', 'a\\0b', '\\\\''', x'00', x'ff00ff00ff00ff00', x'00', "
            + "'1969-12-31', '1969-12-31 23:59:59', '1969-12-31 23:59:59.999999', '2038-01-19 03:14:08', '2106-02-07 06:28:16.000001', "
            + "'100:00:00', '-00:00:00.000001', '{\"a\\\\u0000b\": \"\\\\\"q\\\\\"\", \"e\": 1e-7}', "
            + "'ffffffff-ffff-ffff-ffff-ffffffffffff', '[1e-45, 3.4e38, -7]', '[4.9e-324, 123456789.123456789]'");

    private CdcDatabases dbs;
    private ConnectClusterHarness connect;

    @BeforeEach
    void setUp(CdcDatabases dbs, ConnectClusterHarness connect) {
        this.dbs = dbs;
        this.connect = connect;
    }

    @Test
    void everyTypeRoundTripsValueByValue() throws Exception {
        List<String> ddl = new ArrayList<>();
        COLUMNS.forEach(c -> ddl.add(c.name + " " + c.type));
        exec(dbs.src, "create table " + dbs.srcDb + ".vals (id int primary key, " + String.join(", ", ddl) + ")");
        insert(1, MAXIMA);
        insert(2, MINIMA);
        insert(3, TRICKY);
        exec(dbs.src, "insert into " + dbs.srcDb + ".vals (id) values (4)");

        startConnector(sourceConfig("types", "vals"), "source");
        startConnector(sinkConfig("types", Map.of()), "sink");
        awaitTargetEqualsSource("vals", 4);
        assertThat(targetTypes("vals")).isEqualTo(new java.util.TreeMap<>(MARIADB_TYPES));

        // Streaming: inserts, updates to other extremes and to nulls, a delete.
        insert(5, MAXIMA);
        insert(6, TRICKY);
        update(4, MAXIMA);
        update(1, MINIMA);
        update(2, TRICKY);
        exec(dbs.src, "update " + dbs.srcDb + ".vals set " + String.join(", ", COLUMNS.stream().map(c -> c.name + " = null").toList())
                + " where id = 3");
        exec(dbs.src, "delete from " + dbs.srcDb + ".vals where id = 6");
        awaitTargetEqualsSource("vals", 5);
    }

    @Test
    void aValueMariaDbCannotHoldFailsTheTaskNamingTableKeyAndColumnOrGoesToTheDeadLetterQueue() throws Exception {
        exec(dbs.src, "create table " + dbs.srcDb + ".toolong (id int primary key, tm time, note varchar(10))",
                "insert into " + dbs.srcDb + ".toolong values (1, '12:00:00', 'ok'), (2, '900:00:00', 'too long')");
        startConnector(sourceConfig("toolong", "toolong"), "source");
        Map<String, String> strict = sinkConfig("toolong", Map.of());
        connect.cluster().configureConnector(strict.get("name"), strict);
        TestUtils.waitForCondition(() -> taskTrace(strict.get("name")).contains("Incorrect time value"), 180_000,
                "the sink task did not fail on a TIME MariaDB cannot hold");
        String trace = taskTrace(strict.get("name"));
        assertThat(trace).contains("for table " + dbs.dstDb + ".toolong key id=2").contains("`tm`");
        connect.cluster().deleteConnector(strict.get("name"));

        // errors.tolerance=all: the row goes to the dead letter queue, the others are written.
        Map<String, String> tolerant = sinkConfig("toolong", Map.of("errors.tolerance", "all",
                "errors.deadletterqueue.topic.name", "toolong-dlq", "errors.deadletterqueue.topic.replication.factor", "1",
                "errors.deadletterqueue.context.headers.enable", "true"));
        tolerant.put("name", "toolong-sink-dlq");
        startConnector(tolerant, "sink with a dead letter queue");
        exec(dbs.src, "insert into " + dbs.srcDb + ".toolong values (3, '-800:00:00', 'after')");
        TestUtils.waitForCondition(() -> rowsOr(dbs.dst, "select id, cast(tm as char), note from " + dbs.dstDb + ".toolong order by id")
                        .equals(List.of(List.of("1", "12:00:00", "ok"), List.of("3", "-800:00:00", "after"))), 180_000,
                "rows 1 and 3 written, row 2 not");
        var dlq = connect.cluster().kafka().consume(1, 60_000, "toolong-dlq");
        assertThat(dlq.count()).isEqualTo(1);
        String error = new String(dlq.iterator().next().headers().lastHeader("__connect.errors.exception.message").value(),
                java.nio.charset.StandardCharsets.UTF_8);
        assertThat(error).contains("for table " + dbs.dstDb + ".toolong key id=2").contains("Incorrect time value");
    }

    // ---------------------------------------------------------------- source writes

    private static Column col(String name, String type) {
        return new Column(name, type, "cast(" + name + " as char)", Kind.TEXT);
    }

    /** MatrixOne renders a zero fraction as nothing ('00:00:01'), MariaDB as '00:00:01.000000': the same value. */
    private static Column temporal(String name, String type) {
        return new Column(name, type, "cast(" + name + " as char)", Kind.TEMPORAL);
    }

    private static Column hex(String name, String type) {
        return new Column(name, type, "hex(" + name + ")", Kind.TEXT);
    }

    private void insert(int id, List<String> values) throws SQLException {
        exec(dbs.src, "insert into " + dbs.srcDb + ".vals (id, " + String.join(", ", COLUMNS.stream().map(Column::name).toList())
                + ") values (" + id + ", " + String.join(", ", values) + ")");
    }

    private void update(int id, List<String> values) throws SQLException {
        List<String> sets = new ArrayList<>();
        for (int i = 0; i < COLUMNS.size(); i++) {
            sets.add(COLUMNS.get(i).name + " = " + values.get(i));
        }
        exec(dbs.src, "update " + dbs.srcDb + ".vals set " + String.join(", ", sets) + " where id = " + id);
    }

    /** SQL literals separated by top-level commas (not those inside quotes or brackets). */
    private static List<String> literals(String text) {
        List<String> values = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted && c == '\\') {
                current.append(c).append(text.charAt(++i));
                continue;
            }
            if (c == '\'') {
                quoted = !quoted; // '' inside a literal toggles twice
            }
            if (c == ',' && !quoted) {
                values.add(current.toString().trim());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        values.add(current.toString().trim());
        if (values.size() != COLUMNS.size()) {
            throw new IllegalStateException(values.size() + " literals for " + COLUMNS.size() + " columns: " + values);
        }
        return values;
    }

    // ---------------------------------------------------------------- connectors

    private Map<String, String> sourceConfig(String prefix, String table) {
        Map<String, String> config = new HashMap<>(ConnectJson.CONVERTER_CONFIG);
        config.put("value.converter.decimal.format", "NUMERIC");
        config.put("name", prefix + "-source");
        config.put("tasks.max", "1");
        config.put("connector.class", "io.matrixone.cdc.source.MatrixOneSourceConnector");
        config.put("connection.uri", dbs.source.unmasked());
        config.put("topic.prefix", prefix);
        config.put("tables", dbs.srcDb + "." + table);
        config.put("poll.interval.ms", "300");
        config.put("topic.creation.default.replication.factor", "1");
        config.put("topic.creation.default.partitions", "1");
        return config;
    }

    private Map<String, String> sinkConfig(String prefix, Map<String, String> extra) {
        Map<String, String> config = new HashMap<>(ConnectJson.CONVERTER_CONFIG);
        config.put("value.converter.decimal.format", "NUMERIC");
        config.put("name", prefix + "-sink");
        config.put("tasks.max", "1");
        config.put("connector.class", "io.matrixone.cdc.sink.MatrixOneSinkConnector");
        config.put("sink.dialect", "mysql");
        config.put("connection.uri", dbs.target.unmasked());
        config.put("topics.regex", prefix + "\\..*");
        config.put("tables", dbs.srcDb + ".*:" + dbs.dstDb);
        config.put("retry.backoff.ms", "200");
        config.put("consumer.override.metadata.max.age.ms", "2000");
        config.putAll(extra);
        return config;
    }

    private void startConnector(Map<String, String> config, String what) throws InterruptedException {
        connect.cluster().configureConnector(config.get("name"), config);
        connect.cluster().assertions().assertConnectorAndExactlyNumTasksAreRunning(config.get("name"), 1, "the " + what + " did not start");
    }

    private String taskTrace(String connector) {
        try {
            var status = connect.cluster().connectorStatus(connector);
            return status.tasks().isEmpty() || status.tasks().get(0).trace() == null ? "" : status.tasks().get(0).trace();
        } catch (RuntimeException e) {
            return "";
        }
    }

    // ---------------------------------------------------------------- comparison

    private String query(String db, String table) {
        List<String> select = new ArrayList<>();
        select.add("id");
        COLUMNS.forEach(c -> select.add(c.render));
        return "select " + String.join(", ", select) + " from " + db + "." + table + " order by id";
    }

    private Map<String, String> targetTypes(String table) throws SQLException {
        Map<String, String> types = new java.util.TreeMap<>();
        for (List<String> row : rows(dbs.dst, "select column_name, column_type from information_schema.columns where table_schema = '"
                + dbs.dstDb + "' and table_name = '" + table + "'")) {
            types.put(row.get(0), row.get(1));
        }
        return types;
    }

    private void awaitTargetEqualsSource(String table, int expectedRows) throws Exception {
        List<List<String>> want = rows(dbs.src, query(dbs.srcDb, table));
        assertThat(want).hasSize(expectedRows);
        try {
            TestUtils.waitForCondition(() -> differences(want, rowsOr(dbs.dst, query(dbs.dstDb, table))).isEmpty(), 240_000,
                    "target != source");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ": " + differences(want, rowsOr(dbs.dst, query(dbs.dstDb, table))) + "\nsink "
                    + connect.cluster().connectorStatus("types-sink"), e);
        }
    }

    /** Row by row (by id), column by column, naming each difference; empty when equal. */
    private static List<String> differences(List<List<String>> expected, List<List<String>> actual) {
        Map<String, List<String>> byKey = new LinkedHashMap<>();
        actual.forEach(r -> byKey.put(r.get(0), r));
        List<String> differences = new ArrayList<>();
        for (List<String> want : expected) {
            List<String> got = byKey.remove(want.get(0));
            if (got == null) {
                differences.add("row " + want.get(0) + " missing in the target");
                continue;
            }
            for (int i = 0; i < COLUMNS.size(); i++) {
                Column column = COLUMNS.get(i);
                if (!same(column.kind, want.get(i + 1), got.get(i + 1))) {
                    differences.add("row " + want.get(0) + " column " + column.name + ": source " + abbreviate(want.get(i + 1))
                            + ", target " + abbreviate(got.get(i + 1)));
                }
            }
        }
        byKey.keySet().forEach(k -> differences.add("row " + k + " only in the target"));
        return differences;
    }

    private static boolean same(Kind kind, String source, String target) {
        if (source == null || target == null) {
            return source == null && target == null;
        }
        try {
            return switch (kind) {
                case TEXT -> source.equals(target);
                case TEMPORAL -> withoutZeroFraction(source).equals(withoutZeroFraction(target));
                // The float's exact value as a double on both sides: compared as the float it is.
                case FLOAT -> (float) Double.parseDouble(source) == (float) Double.parseDouble(target);
                case DOUBLE -> Double.parseDouble(source) == Double.parseDouble(target);
                case BOOL -> bool(source) == bool(target);
                case JSON -> JSON.readTree(source).equals(JSON.readTree(target));
                case VECTOR32, VECTOR64 -> sameVector(kind, JSON.readTree(source), JSON.readTree(target));
            };
        } catch (Exception e) {
            return false;
        }
    }

    private static String withoutZeroFraction(String text) {
        return text.contains(".") ? text.replaceAll("\\.?0+$", "") : text;
    }

    private static boolean bool(String text) {
        return text.equals("1") || text.equalsIgnoreCase("true");
    }

    private static boolean sameVector(Kind kind, JsonNode a, JsonNode b) {
        if (!a.isArray() || !b.isArray() || a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            double x = a.get(i).asDouble();
            double y = b.get(i).asDouble();
            if (kind == Kind.VECTOR32 ? (float) x != (float) y : x != y) {
                return false;
            }
        }
        return true;
    }

    private static List<List<String>> rowsOr(Connection c, String query) {
        try {
            return rows(c, query);
        } catch (SQLException e) {
            return List.of();
        }
    }

    private static String abbreviate(String value) {
        return value == null || value.length() <= 120 ? value : value.substring(0, 120) + "...(" + value.length() + " chars)";
    }
}
