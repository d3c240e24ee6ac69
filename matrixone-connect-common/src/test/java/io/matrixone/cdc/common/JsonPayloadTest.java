package io.matrixone.cdc.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.DecimalFormat;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The token-by-token payload writer and reader against JsonConverter itself: the same bytes written, the same
 * Connect data read, over every type a mo-cdc record carries and values chosen to be awkward; and records in other
 * shapes read as JsonConverter reads them (or refused as it refuses them).
 */
class JsonPayloadTest {

    private static final Schema ROW = SchemaBuilder.struct().name("p.db.t.Value").optional()
            .field("id", Schema.INT64_SCHEMA)
            .field("i8", Schema.OPTIONAL_INT8_SCHEMA)
            .field("i16", Schema.OPTIONAL_INT16_SCHEMA)
            .field("i32", SchemaBuilder.int32().optional().parameter(ChangeEvent.COLUMN_TYPE_PARAM, "INT").build())
            .field("f32", Schema.OPTIONAL_FLOAT32_SCHEMA)
            .field("f64", Schema.OPTIONAL_FLOAT64_SCHEMA)
            .field("flag", Schema.OPTIONAL_BOOLEAN_SCHEMA)
            .field("text", Schema.OPTIONAL_STRING_SCHEMA)
            .field("doc", SchemaBuilder.string().name(SemanticTypes.JSON).optional().build())
            .field("blob", Schema.OPTIONAL_BYTES_SCHEMA)
            .field("amount", Decimal.builder(4).optional().parameter("connect.decimal.precision", "38").build())
            .field("whole", Decimal.builder(0).optional().parameter("connect.decimal.precision", "20").build())
            .field("day", Date.builder().optional().build())
            .field("clock", Time.builder().optional().build())
            .field("at", Timestamp.builder().optional().build())
            .field("micros", SchemaBuilder.int64().name(SemanticTypes.MICRO_TIMESTAMP).optional().build())
            .field("vec", SchemaBuilder.array(Schema.FLOAT32_SCHEMA).name(SemanticTypes.VECF32).optional().build())
            .field("vec64", SchemaBuilder.array(Schema.FLOAT64_SCHEMA).optional().build())
            .build();
    private static final Schema SOURCE = SchemaBuilder.struct().name("io.matrixone.cdc.Source")
            .field("db", Schema.STRING_SCHEMA).field("ts_ns", Schema.INT64_SCHEMA).field("snapshot", Schema.OPTIONAL_STRING_SCHEMA)
            .build();
    private static final Schema ENVELOPE = SchemaBuilder.struct().name("p.db.t.Envelope")
            .field("before", ROW).field("after", ROW).field("source", SOURCE).field("op", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
            .build();

    private static final String[] TEXTS = {"", "plain", "quote \" brace } bracket ] backslash \\ slash /",
        "tab\tnewline\ncr\rnul\u0000bell\u0007", "日本語 🙂 é", "\u2028\u2029", "{\"payload\":1}", " leading and trailing "};
    private static final float[] FLOATS = {0f, -0f, 1.1f, -3.4028235e38f, Float.MIN_VALUE, Float.MAX_VALUE, 1e-10f, 16777217f};
    private static final double[] DOUBLES = {0d, -0d, 0.1, -2.25e-300, Double.MIN_VALUE, Double.MAX_VALUE, 1e20, 123456789.123456789};

    private static Map<String, String> config(String decimalFormat) {
        return Map.of("schemas.enable", "true", "decimal.format", decimalFormat);
    }

    private static <C extends org.apache.kafka.connect.storage.Converter> C configured(C converter, String decimalFormat) {
        converter.configure(config(decimalFormat), false);
        return converter;
    }

    /** A row of awkward values; every nullable column null with {@code nulls}. */
    private static Struct row(Random random, boolean nulls) {
        Struct row = new Struct(ROW).put("id", random.nextLong());
        if (nulls) {
            return row;
        }
        byte[] blob = new byte[random.nextInt(40)];
        random.nextBytes(blob);
        List<Float> vector = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            vector.add(FLOATS[random.nextInt(FLOATS.length)]);
        }
        BigInteger unscaled = new BigInteger(random.nextInt(120) + 1, random);
        return row.put("i8", (byte) random.nextInt()).put("i16", (short) random.nextInt()).put("i32", random.nextInt())
                .put("f32", random.nextBoolean() ? FLOATS[random.nextInt(FLOATS.length)] : random.nextFloat() * 1e6f)
                .put("f64", random.nextBoolean() ? DOUBLES[random.nextInt(DOUBLES.length)] : random.nextGaussian() * 1e9)
                .put("flag", random.nextBoolean())
                .put("text", TEXTS[random.nextInt(TEXTS.length)] + random.nextInt())
                .put("doc", "{\"k\": [1, \"v\\\"\"]}")
                .put("blob", blob)
                .put("amount", new BigDecimal(random.nextBoolean() ? unscaled : unscaled.negate(), 4))
                .put("whole", new BigDecimal(new BigInteger(64, random)))
                .put("day", new java.util.Date(86_400_000L * (random.nextInt(200_000) - 100_000)))
                .put("clock", new java.util.Date(random.nextInt(86_400_000)))
                .put("at", new java.util.Date(random.nextLong() % 300_000_000_000_000L))
                .put("micros", random.nextLong())
                .put("vec", vector)
                .put("vec64", List.of(random.nextDouble(), -0d));
    }

    private static Struct envelope(Random random, String op) {
        Struct source = new Struct(SOURCE).put("db", "db").put("ts_ns", random.nextLong()).put("snapshot", op.equals("r") ? "true" : null);
        Struct row = row(random, random.nextInt(5) == 0);
        return new Struct(ENVELOPE).put("before", op.equals("d") ? row : null).put("after", op.equals("d") ? null : row)
                .put("source", source).put("op", op).put("ts_ms", random.nextBoolean() ? null : random.nextLong());
    }

    @ParameterizedTest
    @ValueSource(strings = {"NUMERIC", "BASE64"})
    void writesTheBytesJsonConverterWritesAndReadsWhatItReads(String decimalFormat) throws Exception {
        assertThat(JsonPayloadWriter.writes(ENVELOPE)).isTrue();
        SchemaCachingJsonConverter fast = configured(new SchemaCachingJsonConverter(), decimalFormat);
        JsonConverter plain = configured(new JsonConverter(), decimalFormat);
        JsonPayloadWriter writer = new JsonPayloadWriter(DecimalFormat.valueOf(decimalFormat));
        JsonPayloadReader reader = new JsonPayloadReader(SchemaCachingJsonConverter.payloadTreeReader().getFactory(), true);
        Random random = new Random(20261202);
        for (int i = 0; i < 2_000; i++) {
            Struct value = envelope(random, new String[] {"r", "c", "u", "d"}[i % 4]);
            byte[] expected = plain.fromConnectData("t", ENVELOPE, value);
            // The writer and reader themselves (not JsonConverter behind them) give these bytes and this value.
            String text = new String(expected, StandardCharsets.UTF_8);
            int payloadAt = text.lastIndexOf(",\"payload\":") + ",\"payload\":".length();
            byte[] head = text.substring(0, payloadAt).getBytes(StandardCharsets.UTF_8);
            assertThat(writer.write(head, ENVELOPE, value, (byte) '}')).isEqualTo(expected);
            assertThat(reader.read(ENVELOPE, expected, head.length, expected.length - 1 - head.length))
                    .isEqualTo(plain.toConnectData("t", expected).value());
            assertThat(new String(fast.fromConnectData("t", ENVELOPE, value), StandardCharsets.UTF_8))
                    .isEqualTo(new String(expected, StandardCharsets.UTF_8));
            SchemaAndValue read = fast.toConnectData("t", expected);
            assertThat(read.schema()).isEqualTo(ENVELOPE);
            // Equal to the value written, but for the sign of a zero float, which JsonConverter reads as 0.0 (via BigDecimal).
            assertThat(read.value()).isEqualTo(plain.toConnectData("t", expected).value());
        }
    }

    @Test
    void aFailedWriteLeavesTheNextRecordsBytesExact() throws Exception {
        JsonPayloadWriter writer = new JsonPayloadWriter(DecimalFormat.NUMERIC);
        JsonConverter plain = configured(new JsonConverter(), "NUMERIC");
        Random random = new Random(7);
        // A value the writer refuses half way through the record: the source block's required db left null.
        Struct half = TrustedStructs.of(ENVELOPE, null, envelope(random, "c").getStruct("after"),
                TrustedStructs.of(SOURCE, null, 1L, null), "c", null);
        assertThatThrownBy(() -> writer.write(new byte[0], ENVELOPE, half, (byte) '}')).isInstanceOf(DataException.class);
        for (int i = 0; i < 3; i++) {
            Struct value = envelope(random, "u");
            byte[] expected = plain.fromConnectData("t", ENVELOPE, value);
            String text = new String(expected, StandardCharsets.UTF_8);
            byte[] head = text.substring(0, text.lastIndexOf(",\"payload\":") + ",\"payload\":".length()).getBytes(StandardCharsets.UTF_8);
            assertThat(new String(writer.write(head, ENVELOPE, value, (byte) '}'), StandardCharsets.UTF_8)).isEqualTo(text);
        }
    }

    @Test
    void schemasWithMapsAreLeftToJsonConverterBothWays() {
        Schema map = SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).optional().build();
        Schema schema = SchemaBuilder.struct().name("m").field("id", Schema.INT64_SCHEMA).field("tags", map)
                .field("list", SchemaBuilder.array(SchemaBuilder.struct().field("x", Schema.INT32_SCHEMA).build()).build()).build();
        assertThat(JsonPayloadReader.reads(schema)).isFalse();
        assertThat(JsonPayloadWriter.writes(schema)).isFalse();
        assertThat(JsonPayloadReader.reads(ENVELOPE)).isTrue();
        Struct x = new Struct(schema.field("list").schema().valueSchema()).put("x", 3);
        Struct value = new Struct(schema).put("id", 7L).put("tags", Map.of("a", 1)).put("list", List.of(x));
        SchemaCachingJsonConverter fast = configured(new SchemaCachingJsonConverter(), "NUMERIC");
        JsonConverter plain = configured(new JsonConverter(), "NUMERIC");
        byte[] bytes = plain.fromConnectData("t", schema, value);
        assertThat(fast.fromConnectData("t", schema, value)).isEqualTo(bytes);
        for (int i = 0; i < 3; i++) { // the first read fills the schema cache, the next ones use it
            assertThat(fast.toConnectData("t", bytes).value()).isEqualTo(plain.toConnectData("t", bytes).value());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"NUMERIC", "BASE64"})
    void floatsJsonWritesAsTextAreWrittenAndReadAsJsonConverterDoes(String decimalFormat) {
        SchemaCachingJsonConverter fast = configured(new SchemaCachingJsonConverter(), decimalFormat);
        JsonConverter plain = configured(new JsonConverter(), decimalFormat);
        for (float f : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            Struct value = new Struct(ENVELOPE).put("after", new Struct(ROW).put("id", 1L).put("f32", f).put("f64", (double) f))
                    .put("source", new Struct(SOURCE).put("db", "db").put("ts_ns", 1L)).put("op", "c");
            byte[] expected = plain.fromConnectData("t", ENVELOPE, value);
            assertThat(fast.fromConnectData("t", ENVELOPE, value)).isEqualTo(expected);
            assertThat(fast.toConnectData("t", expected).value()).isEqualTo(plain.toConnectData("t", expected).value());
        }
    }

    /** Payloads another producer could write for the same schema: fast and plain read the same, or both refuse. */
    @ParameterizedTest
    @ValueSource(strings = {
        "{\"id\":1,\"i8\":300}",
        "{\"id\":1,\"i32\":4294967297}",
        "{\"id\":99999999999999999999}",
        "{\"id\":1,\"f32\":1}",
        "{\"id\":1,\"f64\":\"NaN\"}",
        "{\"id\":1,\"text\":7}",
        "{\"id\":1,\"flag\":1}",
        "{\"id\":1,\"amount\":12}",
        "{\"id\":1,\"amount\":\"AQI=\"}",
        "{\"id\":1,\"amount\":1.5}",
        "{\"id\":1,\"day\":1.5}",
        "{\"id\":1,\"at\":-5}",
        "{\"id\":1,\"blob\":\"not base64!\"}",
        "{\"id\":1,\"vec\":[1.5,\"x\"]}",
        "{\"id\":1,\"id\":2}",
        "{\"i8\":1,\"id\":2}",
        "{\"i8\":1}",
        "{\"id\":null}",
        "{\"id\":1,\"extra\":true}",
        "{\"id\":1} ",
        "{\"id\":1}}",
        "{\"id\":01}",
        "[1]",
        "{\"id\":1,"})
    void payloadsInOtherShapesAreReadAsJsonConverterReadsThem(String rowJson) {
        SchemaCachingJsonConverter fast = configured(new SchemaCachingJsonConverter(), "NUMERIC");
        JsonConverter plain = configured(new JsonConverter(), "NUMERIC");
        byte[] written = plain.fromConnectData("t", ROW, new Struct(ROW).put("id", 1L));
        String head = new String(written, StandardCharsets.UTF_8);
        head = head.substring(0, head.lastIndexOf(",\"payload\":") + ",\"payload\":".length());
        byte[] record = (head + rowJson + "}").getBytes(StandardCharsets.UTF_8);
        fast.toConnectData("t", written); // the schema is cached
        Throwable plainError = catchThrowable(() -> plain.toConnectData("t", record));
        Throwable fastError = catchThrowable(() -> fast.toConnectData("t", record));
        if (plainError == null) {
            assertThat(fastError).isNull();
            assertThat(fast.toConnectData("t", record).value()).isEqualTo(plain.toConnectData("t", record).value());
        } else {
            assertThat(fastError).isNotNull().hasSameClassAs(plainError);
        }
    }
}
