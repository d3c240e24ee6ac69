package io.matrixone.cdc.testing;

import io.matrixone.cdc.common.SchemaCachingJsonConverter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;
import org.apache.kafka.connect.storage.ConverterType;

/**
 * Kafka record bytes as Connect's own JsonConverter (schemas enabled) writes and reads them: tests
 * produce records the way a source connector would and read back what a source connector wrote.
 */
public final class ConnectJson {

    private static final JsonConverter KEYS = converter(ConverterType.KEY);
    private static final JsonConverter VALUES = converter(ConverterType.VALUE);

    /**
     * Connector settings for this format, as mo-cdc sets them: the connectors write and read it with
     * {@link SchemaCachingJsonConverter}, and tests read and write it with JsonConverter itself, which proves the
     * two speak the same bytes.
     */
    public static final Map<String, String> CONVERTER_CONFIG = Map.of(
            "key.converter", SchemaCachingJsonConverter.class.getName(),
            "key.converter.schemas.enable", "true",
            "value.converter", SchemaCachingJsonConverter.class.getName(),
            "value.converter.schemas.enable", "true");

    private ConnectJson() {
    }

    private static JsonConverter converter(ConverterType type) {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, "true",
                JsonConverterConfig.TYPE_CONFIG, type.getName(),
                JsonConverterConfig.DECIMAL_FORMAT_CONFIG, "NUMERIC"));
        return converter;
    }

    public static String key(Schema schema, Object value) {
        return new String(KEYS.fromConnectData("t", schema, value), StandardCharsets.UTF_8);
    }

    /** A value as JSON text; {@code null} value gives null (a tombstone). */
    public static String value(Schema schema, Object value) {
        return value == null ? null : new String(VALUES.fromConnectData("t", schema, value), StandardCharsets.UTF_8);
    }

    public static SchemaAndValue readKey(byte[] bytes) {
        return KEYS.toConnectData("t", bytes);
    }

    public static SchemaAndValue readValue(byte[] bytes) {
        return VALUES.toConnectData("t", bytes);
    }
}
