package io.matrixone.cdc.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

class SchemaCachingJsonConverterTest {

    private static final Map<String, String> CONFIG = Map.of("schemas.enable", "true", "decimal.format", "NUMERIC");

    private static final Schema ROW = SchemaBuilder.struct().name("db.t.Value")
            .field("id", Schema.INT64_SCHEMA)
            .field("tiny", Schema.OPTIONAL_INT8_SCHEMA)
            .field("small", Schema.OPTIONAL_INT16_SCHEMA)
            .field("f", Schema.OPTIONAL_FLOAT32_SCHEMA)
            .field("d", Schema.OPTIONAL_FLOAT64_SCHEMA)
            .field("flag", Schema.OPTIONAL_BOOLEAN_SCHEMA)
            .field("text", Schema.OPTIONAL_STRING_SCHEMA)
            .field("blob", Schema.OPTIONAL_BYTES_SCHEMA)
            .field("amount", Decimal.builder(4).optional().parameter("connect.decimal.precision", "38").build())
            .field("day", Date.builder().optional().build())
            .field("at", Time.builder().optional().build())
            .field("ts", Timestamp.builder().optional().build())
            .field("vec", SchemaBuilder.array(Schema.FLOAT32_SCHEMA).optional().build())
            .field("tags", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.OPTIONAL_STRING_SCHEMA).optional().build())
            .build();
    private static final Schema ENVELOPE = SchemaBuilder.struct().name("db.t.Envelope")
            .field("before", SchemaBuilder.struct().name("db.t.Value").optional()
                    .field("id", Schema.INT64_SCHEMA).field("text", Schema.OPTIONAL_STRING_SCHEMA).build())
            .field("after", ROW)
            .field("op", Schema.STRING_SCHEMA)
            .build();

    private static Struct row(long id, String text) {
        return new Struct(ROW).put("id", id).put("tiny", (byte) -7).put("small", (short) 300).put("f", 1.5f)
                .put("d", -2.25e-300).put("flag", true).put("text", text)
                .put("blob", new byte[] {0, 1, (byte) 0xff, '"', '}'})
                .put("amount", new BigDecimal("-12345678901234567890123456789012.3456"))
                .put("day", new java.util.Date(86_400_000L * 19_000)).put("at", new java.util.Date(45_296_789L))
                .put("ts", new java.util.Date(1_764_000_000_123L)).put("vec", List.of(1.0f, -0.5f))
                .put("tags", Map.of("k{\"", "v}\\"));
    }

    private static Struct envelope(long id, String text) {
        return new Struct(ENVELOPE).put("before", null).put("after", row(id, text)).put("op", "c");
    }

    private static <C extends org.apache.kafka.connect.storage.Converter> C configured(C converter) {
        converter.configure(CONFIG, false);
        return converter;
    }

    @Test
    void writesWhatJsonConverterReadsBack() {
        SchemaCachingJsonConverter fast = configured(new SchemaCachingJsonConverter());
        JsonConverter plain = configured(new JsonConverter());
        for (String text : new String[] {"plain", "quote \" brace } bracket ] backslash \\", "日本語 🙂", null}) {
            Struct value = envelope(42, text);
            byte[] bytes = fast.fromConnectData("t", ENVELOPE, value);
            SchemaAndValue read = plain.toConnectData("t", bytes);
            assertThat(read.schema()).isEqualTo(ENVELOPE);
            assertThat(read.value()).isEqualTo(value);
        }
    }

    @Test
    void readsWhatJsonConverterWroteTheSameWayTheFirstAndTheCachedTime() {
        assertThat(SchemaCachingJsonConverter.readsPayloadsAlone()).isTrue();
        SchemaCachingJsonConverter fast = configured(new SchemaCachingJsonConverter());
        JsonConverter plain = configured(new JsonConverter());
        for (int i = 0; i < 3; i++) {
            Struct value = envelope(i, "row " + i + " {\"x\":[1]}");
            SchemaAndValue fromPlain = fast.toConnectData("t", plain.fromConnectData("t", ENVELOPE, value));
            SchemaAndValue fromFast = fast.toConnectData("t", fast.fromConnectData("t", ENVELOPE, value));
            assertThat(fromPlain.schema()).isEqualTo(ENVELOPE);
            assertThat(fromPlain.value()).isEqualTo(value);
            assertThat(fromFast.schema()).isEqualTo(ENVELOPE);
            assertThat(fromFast.value()).isEqualTo(value);
        }
    }

    @Test
    void theSameSchemaInAnotherShapeStillReads() {
        SchemaCachingJsonConverter fast = configured(new SchemaCachingJsonConverter());
        String spaced = "{ \"schema\": {\"type\":\"int64\",\"optional\":false}, \"payload\": 7 }";
        String reordered = "{\"payload\":8,\"schema\":{\"type\":\"int64\",\"optional\":false}}";
        assertThat(fast.toConnectData("t", spaced.getBytes(StandardCharsets.UTF_8)).value()).isEqualTo(7L);
        assertThat(fast.toConnectData("t", reordered.getBytes(StandardCharsets.UTF_8)).value()).isEqualTo(8L);
        assertThat(fast.toConnectData("t", null).value()).isNull();
        assertThat(fast.fromConnectData("t", null, null)).isNull();
    }

    @Test
    void bytesInBase64ReadAsJsonConverterReadsThemEvenWhereTheJdkDecoderRefusesTheText() {
        SchemaCachingJsonConverter fast = configured(new SchemaCachingJsonConverter());
        JsonConverter plain = configured(new JsonConverter());
        String schema = "{\"type\":\"bytes\",\"optional\":true}";
        // "AAH/" is 0x00 0x01 0xff; Jackson's decoder (JsonConverter's) also takes a space between the quads, the JDK's does not.
        for (String text : new String[] {"AAH/", "AAH/IiJ9", "AAH/ IiJ9", ""}) {
            byte[] json = ("{\"schema\":" + schema + ",\"payload\":\"" + text + "\"}").getBytes(StandardCharsets.UTF_8);
            SchemaAndValue expected = plain.toConnectData("t", json);
            assertThat(fast.toConnectData("t", json).value()).as(text).isEqualTo(expected.value());
            assertThat(fast.toConnectData("t", json).value()).as(text + ", its schema cached").isEqualTo(expected.value());
        }
    }

    @Test
    void findsTheEndOfAnObjectPastBracesInStrings() {
        byte[] json = "{\"schema\":{\"a\":\"}\\\"{\",\"b\":[{}]},\"payload\":1}".getBytes(StandardCharsets.UTF_8);
        int end = SchemaCachingJsonConverter.endOfJsonObject(json, 10);
        assertThat(new String(json, 10, end - 10, StandardCharsets.UTF_8)).isEqualTo("{\"a\":\"}\\\"{\",\"b\":[{}]}");
        assertThat(SchemaCachingJsonConverter.endOfJsonObject("{\"open".getBytes(StandardCharsets.UTF_8), 0)).isEqualTo(-1);
    }
}
