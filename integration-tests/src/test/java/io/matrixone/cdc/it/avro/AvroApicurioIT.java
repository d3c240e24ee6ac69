package io.matrixone.cdc.it.avro;

import static io.matrixone.cdc.testing.Sql.exec;
import static io.matrixone.cdc.testing.Sql.rows;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.matrixone.cdc.common.MatrixOneUri;
import io.matrixone.cdc.testing.CdcDatabases;
import io.matrixone.cdc.testing.ConnectClusterHarness;
import io.matrixone.cdc.testing.MatrixOnePipelineExtension;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.kafka.test.TestUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Avro path end to end: source MatrixOne -> source connector -> Apicurio's Connect AvroConverter (schemas in a
 * real Apicurio Registry, Confluent wire format) -> Kafka -> the same converter -> sink connector -> target
 * MatrixOne. The target must equal the source, column types included, after the snapshot and after streamed
 * inserts, updates and deletes; the registry must hold the key and value schemas the records point at.
 */
@ExtendWith(MatrixOnePipelineExtension.class)
class AvroApicurioIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "avro";

    /** Every main column type; the sink creates the target table from the types carried through Avro. */
    private static final String COLUMNS_DDL = "id int primary key, i8 tinyint, i16 smallint, i32 int, i64 bigint, "
            + "u8 tinyint unsigned, u16 smallint unsigned, u32 int unsigned, u64 bigint unsigned, "
            + "dec38 decimal(38,10), dec10 decimal(10,2), f float, dbl double, ch char(5), vc varchar(40), txt text, "
            + "d date, dt datetime(6), dt0 datetime, ts timestamp(6), tm time(6), j json, bl blob, bin binary(3), "
            + "vb varbinary(10), b bool, uid uuid, v32 vecf32(3), v64 vecf64(2)";
    /** The same rendering on both sides, so the comparison is exact (binary as hex). */
    private static final String SELECT = "id, i8, i16, i32, i64, u8, u16, u32, u64, dec38, dec10, f, dbl, ch, vc, txt, "
            + "d, dt, dt0, ts, tm, j, hex(bl), hex(bin), hex(vb), b, uid, v32, v64";

    private static MatrixOneUri source;
    private static MatrixOneUri target;
    private static Connection src;
    private static Connection dst;
    private static String srcDb;
    private static String dstDb;
    private static ApicurioRegistry registry;
    private static ConnectClusterHarness connect;
    private static EmbeddedConnectCluster cluster;

    @BeforeAll
    static void start(CdcDatabases dbs, ConnectClusterHarness harness) throws Exception {
        source = dbs.source;
        target = dbs.target;
        src = dbs.src;
        dst = dbs.dst;
        srcDb = dbs.srcDb;
        dstDb = dbs.dstDb;
        connect = harness;
        cluster = connect.cluster();
        registry = ApicurioRegistry.start();
    }

    /** The registry goes first; the extension then stops the worker and drops the databases. */
    @AfterAll
    static void stop() throws Exception {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void everyColumnTypeSurvivesAvroThroughTheRegistryWhileStreaming() throws Exception {
        String table = srcDb + ".types";
        exec(src, "create table " + table + " (" + COLUMNS_DDL + ")",
                "insert into " + table + " values (1, -128, -32768, -2147483648, -9223372036854775808, 255, 65535, 4294967295, "
                        + "18446744073709551615, 1234567890123456789012345678.0123456789, -99999999.99, 1.5, -2.25e-300, "
                        + "'abc', 'héllo ''q'' \\\\ `', 'line1\\nline2', '2024-02-29', '2024-01-01 10:00:00.123456', "
                        + "'1969-12-31 23:59:59', '2024-03-01 12:34:56.654321', '-25:00:01.000005', '{\"a\": [1, 2]}', "
                        + "x'0001ff', 'xyz', x'006100', true, '0195dbb6-e31e-7572-bfdb-812fd02714a1', '[1.5, -2, 0]', '[1e-9, 2.5]')",
                "insert into " + table + " values (2, 127, 32767, 2147483647, 9223372036854775807, 0, 0, 0, 0, "
                        + "-0.0000000001, 0, -3.25, 1e300, '', '', '', '1970-01-01', '1970-01-01 00:00:00', "
                        + "'2038-01-19 03:14:08', '1970-01-02 00:00:00.000001', '838:59:59', '[]', x'', 'a', x'00', false, "
                        + "'00000000-0000-0000-0000-000000000000', '[0, 0, 0]', '[-1, 1]')",
                "insert into " + table + " (id) values (3)");

        Map<String, String> converters = registry.converterConfig();
        String topic = PREFIX + "." + srcDb + ".types";
        startConnector(sourceConfig(converters, table), "source");
        // The raw bytes on the topic: Confluent wire format, not JSON.
        ConsumerRecord<byte[], byte[]> first = cluster.kafka().consume(1, 120_000, topic).iterator().next();
        int keyId = confluentSchemaId(first.key());
        int valueId = confluentSchemaId(first.value());

        startConnector(sinkConfig(converters, topic, table), "sink");
        awaitTargetEqualsSource(table, 3);
        assertThat(columnTypes(dst, dstDb)).as("the target table the sink created from the Avro schemas")
                .isEqualTo(columnTypes(src, srcDb));

        // Streaming: inserts, updates of every type (to other values and to null), deletes, in several windows.
        exec(src, "insert into " + table + " values (4, 1, 2, 3, 4, 5, 6, 7, 8, 9.5, 10.25, 11.5, 12.5, 'x', 'y', 'z', "
                        + "'2000-01-01', '2000-01-01 00:00:00.5', '2000-01-01 00:00:01', '2000-01-01 00:00:02.25', '01:02:03.4', "
                        + "'{\"k\": \"v\"}', x'ff', 'b', x'ffee', true, 'ffffffff-ffff-ffff-ffff-ffffffffffff', '[3, 2, 1]', '[0.5, 0.25]')",
                "insert into " + table + " (id, vc) values (5, 'short-lived')",
                "update " + table + " set i8 = -1, u64 = 18446744073709551614, dec38 = -1.5, f = -0.5, vc = 'updated ü', "
                        + "d = '1999-12-31', dt = '1999-12-31 23:59:59.999999', ts = '2030-06-30 12:00:00', tm = '-00:00:00.000001', "
                        + "j = '{\"b\": null}', bl = x'00', b = false, v32 = '[9, 8, 7]', uid = null where id = 1",
                "update " + table + " set i16 = null, dec10 = null, txt = null, d = null, dt = null, j = null, bin = null, "
                        + "b = null, v64 = null where id = 2");
        Thread.sleep(1500);
        exec(src, "update " + table + " set vc = 'now set', u32 = 1, tm = '12:00:00' where id = 3",
                "delete from " + table + " where id = 5");
        Thread.sleep(1500);
        exec(src, "delete from " + table + " where id = 2",
                "insert into " + table + " (id, txt) values (6, 'last')",
                "update " + table + " set ch = 'late' where id = 4");
        awaitTargetEqualsSource(table, 4);

        assertRegistered(topic, keyId, valueId);
        cluster.deleteConnector(PREFIX + "-sink");
        cluster.deleteConnector(PREFIX + "-source");
    }

    /** The registry holds both subjects, and serves the schemas the records' ids name, under its Confluent API. */
    private static void assertRegistered(String topic, int keyId, int valueId) throws Exception {
        JsonNode subjects = JSON.readTree(okBody("/apis/ccompat/v7/subjects"));
        assertThat(subjects).extracting(JsonNode::asText).contains(topic + "-key", topic + "-value");

        String recordName = PREFIX + "." + srcDb + ".types";
        JsonNode keySchema = JSON.readTree(JSON.readTree(okBody("/apis/ccompat/v7/schemas/ids/" + keyId)).path("schema").asText());
        assertThat(keySchema.path("type").asText()).isEqualTo("record");
        assertThat(keySchema.path("namespace").asText() + "." + keySchema.path("name").asText()).isEqualTo(recordName + ".Key");

        JsonNode envelope = JSON.readTree(JSON.readTree(okBody("/apis/ccompat/v7/schemas/ids/" + valueId)).path("schema").asText());
        assertThat(envelope.path("namespace").asText() + "." + envelope.path("name").asText()).isEqualTo(recordName + ".Envelope");
        JsonNode latestSchema = JSON.readTree(JSON.readTree(okBody("/apis/ccompat/v7/subjects/" + topic + "-value/versions/latest"))
                .path("schema").asText());
        assertThat(latestSchema).as("the latest value schema is the one the records carry").isEqualTo(envelope);
        String latest = JSON.writeValueAsString(latestSchema);
        // Connect's logical types and the exact MatrixOne column types travel in the Avro schema.
        assertThat(latest).contains("\"logicalType\":\"decimal\"", "\"connect.name\":\"org.apache.kafka.connect.data.Date\"",
                "\"connect.name\":\"io.debezium.time.MicroTimestamp\"", "\"connect.name\":\"io.debezium.time.MicroTime\"");
        assertThat(latest.toLowerCase()).contains("decimal(38,10)", "bigint unsigned", "varbinary(10)");
    }

    private static String okBody(String path) {
        HttpResponse<String> response = registry.get(path);
        assertThat(response.statusCode()).as("GET " + path + ": " + response.body()).isEqualTo(200);
        return response.body();
    }

    /** Confluent wire format: magic byte 0, a 4-byte schema id, then the Avro binary. */
    private static int confluentSchemaId(byte[] payload) {
        assertThat(payload).as("a record payload").isNotNull().hasSizeGreaterThan(5);
        assertThat(payload[0]).as("Confluent magic byte").isZero();
        return ByteBuffer.wrap(payload, 1, 4).getInt();
    }

    private static Map<String, String> sourceConfig(Map<String, String> converters, String table) {
        Map<String, String> config = new HashMap<>(converters);
        config.put("name", PREFIX + "-source");
        config.put("connector.class", "io.matrixone.cdc.source.MatrixOneSourceConnector");
        config.put("tasks.max", "1");
        config.put("connection.uri", source.unmasked());
        config.put("topic.prefix", PREFIX);
        config.put("tables", table);
        config.put("poll.interval.ms", "300");
        config.put("topic.creation.default.replication.factor", "1");
        config.put("topic.creation.default.partitions", "1");
        return config;
    }

    private static Map<String, String> sinkConfig(Map<String, String> converters, String topic, String table) {
        Map<String, String> config = new HashMap<>(converters);
        config.put("name", PREFIX + "-sink");
        config.put("connector.class", "io.matrixone.cdc.sink.MatrixOneSinkConnector");
        config.put("tasks.max", "1");
        config.put("topics", topic);
        config.put("connection.uri", target.unmasked());
        config.put("tables", table + ":" + dstDb + ".types");
        config.put("retry.backoff.ms", "200");
        return config;
    }

    private static void startConnector(Map<String, String> config, String what) throws InterruptedException {
        cluster.configureConnector(config.get("name"), config);
        cluster.assertions().assertConnectorAndExactlyNumTasksAreRunning(config.get("name"), 1, "the " + what + " did not start");
    }

    private static List<List<String>> columnTypes(Connection c, String db) throws SQLException {
        return rows(c, "select column_name, lower(column_type) from information_schema.columns where table_schema = '" + db
                + "' and table_name = 'types' order by ordinal_position");
    }

    private static void awaitTargetEqualsSource(String table, int expectedRows) throws Exception {
        List<List<String>> expected = rows(src, "select " + SELECT + " from " + table + " order by id");
        assertThat(expected).hasSize(expectedRows);
        String query = "select " + SELECT + " from " + dstDb + ".types order by id";
        TestUtils.waitForCondition(() -> targetRows(query).equals(expected), 120_000,
                () -> "target " + targetRows(query) + "\n!= source " + expected + "\nconnectors " + cluster.connectors());
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
