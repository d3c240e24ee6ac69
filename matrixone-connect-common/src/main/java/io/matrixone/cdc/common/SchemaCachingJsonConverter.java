package io.matrixone.cdc.common;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;
import org.apache.kafka.connect.storage.Converter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka's {@link JsonConverter} with schemas enabled, byte for byte the same format ({@code {"schema":...,"payload":...}},
 * readable by any JsonConverter), without re-writing and re-reading the schema of every record.
 *
 * <p>A MatrixOne change record's embedded schema (the Debezium envelope: before, after, source) is several times
 * longer than its values, and profiles of a snapshot copy found about two thirds of the source task's time writing
 * it out as JSON and about as much of the sink task's time parsing it again and hashing it to find the cached
 * Connect schema. This converter writes each schema's JSON once and copies the bytes into every record that uses
 * it; reading, it finds the schema's bytes in the record, looks the Connect schema up by those bytes, and parses
 * only the payload. Anything it does not recognise (another producer's spacing or field order, a new schema) goes
 * through JsonConverter itself, whose result then fills the caches.
 *
 * <p>Payloads are written and read token by token ({@link JsonPayloadWriter}, {@link JsonPayloadReader}) in the
 * shapes mo-cdc's records have, without JsonConverter's tree of JSON nodes. Any other shape is written and read by
 * JsonConverter's own code (reading: its {@code convertToConnect}, reached by reflection; if a Kafka version lacks it,
 * such records take JsonConverter's full path, slower but the same).
 */
public final class SchemaCachingJsonConverter implements Converter {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaCachingJsonConverter.class);
    private static final byte[] SCHEMA_PREFIX = "{\"schema\":".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PAYLOAD_INFIX = ",\"payload\":".getBytes(StandardCharsets.UTF_8);
    /** Schemas remembered per direction; a task sees one or a few per table. */
    private static final int CACHE_SIZE = 1024;
    private static final MethodHandle CONVERT_TO_CONNECT = convertToConnect();

    private final JsonConverter full = new JsonConverter();
    private final JsonConverter payloadOnly = new JsonConverter();
    private final ObjectMapper payloadTreeReader = payloadTreeReader();
    private final ObjectMapper schemaWriter = new ObjectMapper();
    /** Per schema written: the record's bytes up to its payload, and whether the payload writer takes the schema. */
    private final Map<Schema, Written> written = new IdentityHashMap<>();
    /** Per schema read, by its JSON: the Connect schema, and whether the payload reader takes it. */
    private final Map<ByteBuffer, Read> schemas = new HashMap<>();
    private byte[] lastSchemaJson;
    private Read lastSchema;
    private JsonConverterConfig config;
    private boolean schemasEnabled;
    private JsonPayloadWriter payloadWriter;
    private JsonPayloadReader payloadReader;

    private record Written(byte[] head, boolean streamed) {
    }

    private record Read(Schema schema, boolean streamed) {
    }

    /** Parses a payload as JsonConverter does: exact decimals, leading zeros allowed. */
    static ObjectMapper payloadTreeReader() {
        return new ObjectMapper()
                .enable(JsonReadFeature.ALLOW_LEADING_ZEROS_FOR_NUMBERS.mappedFeature())
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .setNodeFactory(new JsonNodeFactory(true));
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        full.configure(configs, isKey);
        Map<String, Object> withoutSchemas = new HashMap<>(configs);
        withoutSchemas.put(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, "false");
        payloadOnly.configure(withoutSchemas, isKey);
        Map<String, Object> typed = new HashMap<>(configs);
        typed.put("converter.type", isKey ? "key" : "value");
        config = new JsonConverterConfig(typed);
        schemasEnabled = config.schemasEnabled();
        payloadWriter = new JsonPayloadWriter(config.decimalFormat());
        payloadReader = new JsonPayloadReader(payloadTreeReader.getFactory(), config.replaceNullWithDefault());
    }

    @Override
    public ConfigDef config() {
        return JsonConverterConfig.configDef();
    }

    @Override
    public byte[] fromConnectData(String topic, Schema schema, Object value) {
        if (!schemasEnabled || schema == null || value == null) {
            return full.fromConnectData(topic, schema, value);
        }
        Written head = written.get(schema);
        if (head == null) {
            head = new Written(concat(SCHEMA_PREFIX, writeSchema(schema), PAYLOAD_INFIX), JsonPayloadWriter.writes(schema));
            if (written.size() >= CACHE_SIZE) {
                written.clear();
            }
            written.put(schema, head);
        }
        if (head.streamed()) {
            try {
                return payloadWriter.write(head.head(), schema, value, (byte) '}');
            } catch (IOException | RuntimeException e) {
                // JsonConverter writes it or words the error
            }
        }
        return concat(head.head(), payloadOnly.fromConnectData(topic, schema, value), new byte[] {'}'});
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }

    private byte[] writeSchema(Schema schema) {
        try {
            return schemaWriter.writeValueAsBytes(full.asJsonSchema(schema));
        } catch (IOException e) {
            throw new DataException("cannot write the JSON schema of " + schema, e);
        }
    }

    @Override
    public SchemaAndValue toConnectData(String topic, byte[] value) {
        if (!schemasEnabled || value == null || CONVERT_TO_CONNECT == null || !startsWith(value, 0, SCHEMA_PREFIX)) {
            return full.toConnectData(topic, value);
        }
        // Records come in runs of one table's schema: try the last one seen before scanning for the schema's end.
        if (lastSchemaJson != null && startsWith(value, SCHEMA_PREFIX.length, lastSchemaJson)
                && startsWith(value, SCHEMA_PREFIX.length + lastSchemaJson.length, PAYLOAD_INFIX) && value[value.length - 1] == '}') {
            return readPayload(value, SCHEMA_PREFIX.length + lastSchemaJson.length, lastSchema);
        }
        int schemaEnd = endOfJsonObject(value, SCHEMA_PREFIX.length);
        if (schemaEnd < 0 || !startsWith(value, schemaEnd, PAYLOAD_INFIX) || value[value.length - 1] != '}') {
            return full.toConnectData(topic, value);
        }
        ByteBuffer key = ByteBuffer.wrap(value, SCHEMA_PREFIX.length, schemaEnd - SCHEMA_PREFIX.length);
        Read schema = schemas.get(key);
        if (schema == null) {
            SchemaAndValue read = full.toConnectData(topic, value);
            if (schemas.size() >= CACHE_SIZE) {
                schemas.clear();
            }
            if (read.schema() != null) {
                schemas.put(ByteBuffer.wrap(Arrays.copyOfRange(value, SCHEMA_PREFIX.length, schemaEnd)),
                        new Read(read.schema(), JsonPayloadReader.reads(read.schema())));
            }
            return read;
        }
        lastSchemaJson = Arrays.copyOfRange(value, SCHEMA_PREFIX.length, schemaEnd);
        lastSchema = schema;
        return readPayload(value, schemaEnd, schema);
    }

    /** The record's payload, which follows the schema's JSON ending at {@code schemaEnd}, as Connect data. */
    private SchemaAndValue readPayload(byte[] value, int schemaEnd, Read read) {
        int payloadStart = schemaEnd + PAYLOAD_INFIX.length;
        int payloadLength = value.length - 1 - payloadStart;
        Schema schema = read.schema();
        if (read.streamed()) {
            try {
                return new SchemaAndValue(schema, payloadReader.read(schema, value, payloadStart, payloadLength));
            } catch (JsonPayloadReader.NotHere | IOException | RuntimeException e) {
                // not in the shape read token by token: JsonConverter's own reading decides
            }
        }
        try {
            JsonNode payload = payloadTreeReader.readTree(value, payloadStart, payloadLength);
            return new SchemaAndValue(schema, CONVERT_TO_CONNECT.invoke(schema, payload, config));
        } catch (IOException e) {
            return full.toConnectData(null, value); // not JSON after all: JsonConverter says what is wrong
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new DataException("cannot convert a JSON payload to Connect data", e);
        }
    }

    /** Index just past the JSON object that starts at {@code from}, or -1 when there is none. */
    static int endOfJsonObject(byte[] json, int from) {
        if (from >= json.length || json[from] != '{') {
            return -1;
        }
        int depth = 0;
        boolean inString = false;
        for (int i = from; i < json.length; i++) {
            byte b = json[i];
            if (inString) {
                if (b == '\\') {
                    i++;
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b == '"') {
                inString = true;
            } else if (b == '{' || b == '[') {
                depth++;
            } else if (b == '}' || b == ']') {
                depth--;
                if (depth == 0) {
                    return i + 1;
                }
            }
        }
        return -1;
    }

    private static boolean startsWith(byte[] bytes, int at, byte[] prefix) {
        return bytes.length - at >= prefix.length && Arrays.equals(bytes, at, at + prefix.length, prefix, 0, prefix.length);
    }

    /** Whether records are read by their payload alone (this Kafka's JsonConverter has the code it reuses). */
    static boolean readsPayloadsAlone() {
        return CONVERT_TO_CONNECT != null;
    }

    private static MethodHandle convertToConnect() {
        try {
            return MethodHandles.privateLookupIn(JsonConverter.class, MethodHandles.lookup()).findStatic(JsonConverter.class,
                    "convertToConnect", MethodType.methodType(Object.class, Schema.class, JsonNode.class, JsonConverterConfig.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("This Kafka's JsonConverter has no convertToConnect(Schema, JsonNode, JsonConverterConfig): every record is"
                    + " read by JsonConverter in full ({})", e.toString());
            return null;
        }
    }

    @Override
    public void close() {
        full.close();
        payloadOnly.close();
    }
}
