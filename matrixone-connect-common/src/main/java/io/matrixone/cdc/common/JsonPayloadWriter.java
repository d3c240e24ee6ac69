package io.matrixone.cdc.common;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.DecimalFormat;

/**
 * Writes a Connect value as the payload JsonConverter writes for it, byte for byte, straight to the output.
 * JsonConverter first builds a tree of JSON nodes for every record and then serializes it: a third of the source
 * task's CPU in a copy's profile. This writer makes the same generator calls the tree's nodes make (the same
 * Jackson defaults, so the same number, string and base64 forms), without the tree.
 *
 * <p>It knows the shapes mo-cdc's records have: structs, arrays, primitives and the Decimal, Date, Time and
 * Timestamp logical types, without default values. {@link #writes(Schema)} says whether a schema is one of them;
 * any other, and any value it fails on, is left to JsonConverter, which also words the errors.
 */
final class JsonPayloadWriter {

    private static final int KEPT_BYTES = 1 << 20;

    /**
     * A default ObjectMapper's factory: the generator features JsonConverter's serializer writes with; but no separator
     * between root values, as one generator writes record after record.
     */
    private final JsonFactory factory = new ObjectMapper().getFactory().setRootValueSeparator(null);
    private final boolean decimalsAsNumbers;
    /**
     * The payload of the record being written, kept from record to record: a fresh buffer per record (sized for the
     * schema's head, grown, then copied out) was a fifth of a copy's allocations (JFR); with this one a copy allocates
     * 16% fewer bytes per row. A converter serves one task thread, so one buffer does; one grown past
     * {@link #KEPT_BYTES} by a large value is let go.
     */
    private PayloadBuffer payload = new PayloadBuffer();
    /**
     * Writes every record's payload into {@link #payload}, flushed after each: a generator per record (with its
     * context, its nested structs' contexts and its buffers) was 5% of a copy's allocations. Null after a failed
     * write, which leaves it inside a value: the next record gets a new one.
     */
    private JsonGenerator generator;

    JsonPayloadWriter(DecimalFormat decimalFormat) {
        this.decimalsAsNumbers = decimalFormat == DecimalFormat.NUMERIC;
    }

    /** Whether values of this schema are written here: no maps and no default values anywhere in it. */
    static boolean writes(Schema schema) {
        if (schema.defaultValue() != null) {
            return false;
        }
        return switch (schema.type()) {
            case MAP -> false;
            case ARRAY -> writes(schema.valueSchema());
            case STRUCT -> schema.fields().stream().allMatch(field -> writes(field.schema()));
            default -> true;
        };
    }

    /** {@code prefix}, then the payload of {@code value}, then {@code suffix}, as one array. */
    byte[] write(byte[] prefix, Schema schema, Object value, byte suffix) throws IOException {
        payload.reset();
        if (generator == null) {
            generator = factory.createGenerator(payload);
        }
        try {
            write(generator, schema, value);
            generator.flush();
        } catch (IOException | RuntimeException e) {
            generator = null;
            throw e;
        }
        byte[] out = new byte[prefix.length + payload.size() + 1];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        payload.copyTo(out, prefix.length);
        out[out.length - 1] = suffix;
        if (payload.capacity() > KEPT_BYTES) {
            payload = new PayloadBuffer();
            generator = null;
        }
        return out;
    }

    /** A byte stream that copies its bytes into a given array, without toByteArray's extra array. */
    private static final class PayloadBuffer extends ByteArrayOutputStream {
        PayloadBuffer() {
            super(1024);
        }

        void copyTo(byte[] target, int at) {
            System.arraycopy(buf, 0, target, at, count);
        }

        int capacity() {
            return buf.length;
        }
    }

    private void write(JsonGenerator g, Schema schema, Object value) throws IOException {
        if (value == null) {
            if (!schema.isOptional()) {
                throw new DataException("null value for a required field");
            }
            g.writeNull();
            return;
        }
        String logical = schema.name();
        if (logical != null) {
            switch (logical) {
                case Decimal.LOGICAL_NAME -> {
                    if (decimalsAsNumbers) {
                        g.writeNumber((BigDecimal) value);
                    } else {
                        g.writeBinary(Decimal.fromLogical(schema, (BigDecimal) value));
                    }
                    return;
                }
                case Date.LOGICAL_NAME -> {
                    g.writeNumber(Date.fromLogical(schema, (java.util.Date) value));
                    return;
                }
                case Time.LOGICAL_NAME -> {
                    g.writeNumber(Time.fromLogical(schema, (java.util.Date) value));
                    return;
                }
                case Timestamp.LOGICAL_NAME -> {
                    g.writeNumber(Timestamp.fromLogical(schema, (java.util.Date) value));
                    return;
                }
                default -> { // a semantic name on a plain type: written as that type
                }
            }
        }
        switch (schema.type()) {
            case INT8 -> g.writeNumber((int) (Byte) value);
            case INT16 -> g.writeNumber((Short) value);
            case INT32 -> g.writeNumber((Integer) value);
            case INT64 -> g.writeNumber((Long) value);
            case FLOAT32 -> g.writeNumber((Float) value);
            case FLOAT64 -> g.writeNumber((Double) value);
            case BOOLEAN -> g.writeBoolean((Boolean) value);
            case STRING -> g.writeString(((CharSequence) value).toString());
            case BYTES -> g.writeBinary(value instanceof ByteBuffer buffer ? buffer.array() : (byte[]) value);
            case ARRAY -> {
                g.writeStartArray();
                for (Object element : (Collection<?>) value) {
                    write(g, schema.valueSchema(), element);
                }
                g.writeEndArray();
            }
            case STRUCT -> {
                Struct struct = (Struct) value;
                if (struct.schema() != schema && !struct.schema().equals(schema)) {
                    throw new DataException("Mismatching schema.");
                }
                g.writeStartObject();
                List<Field> fields = schema.fields(); // indexed: an iterator per struct per record was 0.7% of a copy's allocations
                for (int i = 0; i < fields.size(); i++) {
                    Field field = fields.get(i);
                    g.writeFieldName(field.name());
                    write(g, field.schema(), struct.get(field)); // no defaults here: as getWithoutDefault
                }
                g.writeEndObject();
            }
            default -> throw new DataException("not written here: " + schema.type());
        }
    }
}
