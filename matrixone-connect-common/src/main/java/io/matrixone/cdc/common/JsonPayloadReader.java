package io.matrixone.cdc.common;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

/**
 * Reads a payload in the shape JsonConverter writes (struct fields in schema order, each value in its schema's
 * JSON form) straight into Connect data, giving what JsonConverter's own reading gives. JsonConverter first builds
 * a tree of JSON nodes for every record and then walks it: about a quarter of the sink task's CPU in a copy's
 * profile. Reading token by token skips the tree.
 *
 * <p>Anything else (another field order, a missing or extra field, a number where a string belongs, a map, a
 * value JsonConverter would coerce or refuse) is {@link #NOT_HERE}: the caller then reads the record as
 * JsonConverter does, which also words the errors.
 */
final class JsonPayloadReader {

    /** The payload is not in the shape read here; JsonConverter decides. Thrown often enough to carry no stack. */
    static final class NotHere extends Exception {
        private NotHere() {
            super("not in the shape JsonPayloadReader reads", null, false, false);
        }
    }

    static final NotHere NOT_HERE = new NotHere();

    private final JsonFactory factory;
    private final boolean replaceNullWithDefault;

    /** @param factory parses numbers as JsonConverter's reader does (leading zeros allowed) */
    JsonPayloadReader(JsonFactory factory, boolean replaceNullWithDefault) {
        this.factory = factory;
        this.replaceNullWithDefault = replaceNullWithDefault;
    }

    /** Whether values of {@code schema} can be read here: anything but maps, which are left to JsonConverter. */
    static boolean reads(Schema schema) {
        return switch (schema.type()) {
            case MAP -> false;
            case ARRAY -> reads(schema.valueSchema());
            case STRUCT -> schema.fields().stream().allMatch(field -> reads(field.schema()));
            default -> true;
        };
    }

    /** The Connect value of the JSON in {@code json[offset, offset + length)}. */
    Object read(Schema schema, byte[] json, int offset, int length) throws IOException, NotHere {
        try (JsonParser parser = factory.createParser(json, offset, length)) {
            parser.nextToken();
            Object value = read(parser, schema);
            if (parser.nextToken() != null) {
                throw NOT_HERE;
            }
            return value;
        }
    }

    private Object read(JsonParser p, Schema schema) throws IOException, NotHere {
        JsonToken token = p.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            if (schema.defaultValue() != null && replaceNullWithDefault) {
                return schema.defaultValue();
            }
            if (schema.isOptional()) {
                return null;
            }
            throw NOT_HERE;
        }
        String logical = schema.name();
        if (logical != null) {
            switch (logical) {
                case Decimal.LOGICAL_NAME -> {
                    if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
                        return p.getDecimalValue();
                    }
                    if (token == JsonToken.VALUE_STRING) {
                        return Decimal.toLogical(schema, bytesOf(p));
                    }
                    throw NOT_HERE;
                }
                case Date.LOGICAL_NAME -> {
                    return Date.toLogical(schema, intOf(p, token));
                }
                case Time.LOGICAL_NAME -> {
                    return Time.toLogical(schema, intOf(p, token));
                }
                case Timestamp.LOGICAL_NAME -> {
                    return Timestamp.toLogical(schema, longOf(p, token));
                }
                default -> { // a semantic name on a plain type: read as that type
                }
            }
        }
        return switch (schema.type()) {
            case BOOLEAN -> {
                if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE) {
                    throw NOT_HERE;
                }
                yield token == JsonToken.VALUE_TRUE;
            }
            case INT8 -> (byte) intOf(p, token);
            case INT16 -> (short) intOf(p, token);
            case INT32 -> intOf(p, token);
            case INT64 -> longOf(p, token);
            // JsonConverter reads every fraction as a BigDecimal (exact) and narrows it from there.
            case FLOAT32 -> decimalOf(p, token).floatValue();
            case FLOAT64 -> decimalOf(p, token).doubleValue();
            case STRING -> {
                if (token != JsonToken.VALUE_STRING) {
                    throw NOT_HERE;
                }
                yield p.getText();
            }
            case BYTES -> {
                if (token != JsonToken.VALUE_STRING) {
                    throw NOT_HERE;
                }
                yield bytesOf(p);
            }
            case ARRAY -> {
                if (token != JsonToken.START_ARRAY) {
                    throw NOT_HERE;
                }
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(read(p, schema.valueSchema()));
                }
                yield list;
            }
            case STRUCT -> {
                if (token != JsonToken.START_OBJECT) {
                    throw NOT_HERE;
                }
                List<Field> fields = schema.fields();
                Object[] values = new Object[fields.size()];
                for (int i = 0; i < values.length; i++) {
                    Field field = fields.get(i);
                    if (p.nextToken() != JsonToken.FIELD_NAME || !field.name().equals(p.currentName())) {
                        throw NOT_HERE;
                    }
                    p.nextToken();
                    values[i] = read(p, field.schema());
                }
                if (p.nextToken() != JsonToken.END_OBJECT) {
                    throw NOT_HERE;
                }
                // Each value was read as its field's schema says (null only where the schema allows it).
                yield TrustedStructs.of(schema.schema(), values);
            }
            default -> throw NOT_HERE; // maps
        };
    }

    /** A JSON int (JsonConverter would cut a wider number down; that is left to it). */
    private static int intOf(JsonParser p, JsonToken token) throws IOException, NotHere {
        if (token != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
            throw NOT_HERE;
        }
        return p.getIntValue();
    }

    /**
     * A base64 string's bytes. Jackson's own decoding gives each parser (one per record) a new 500-byte buffer for the
     * few bytes of a decimal: 3% of the worker's allocation in a copy's profile (twenty-eighth session). Text the JDK's
     * decoder rejects is left to JsonConverter's reading.
     */
    private static byte[] bytesOf(JsonParser p) throws IOException, NotHere {
        try {
            return Base64.getDecoder().decode(p.getText());
        } catch (IllegalArgumentException e) {
            throw NOT_HERE;
        }
    }

    private static long longOf(JsonParser p, JsonToken token) throws IOException, NotHere {
        if (token != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw NOT_HERE;
        }
        return p.getLongValue();
    }

    private static java.math.BigDecimal decimalOf(JsonParser p, JsonToken token) throws IOException, NotHere {
        if (token != JsonToken.VALUE_NUMBER_FLOAT) {
            throw NOT_HERE;
        }
        return p.getDecimalValue();
    }
}
