package io.matrixone.cdc.common;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills a Connect {@link Struct} with values that are already of their fields' types, without {@link Struct#put}'s
 * check of each value.
 *
 * <p>That check costs more than it seems: each put builds a message string naming the field (before anything fails),
 * and putting a struct into another checks every field of the inner one again. A change record is an envelope of
 * rows and a source block, built by the source connector and again by the sink's converter, so a copy's profile
 * found {@code Struct.put} at 9% of the Connect worker's CPU and its strings at 8% of its allocations. The values
 * given here come from code that produces each field's type by its schema (the source's column readers, the JSON
 * payload reader), as unit tests of those classes check; a wrong value would still fail when the converter writes it.
 *
 * <p>This reads the private array Struct keeps its values in. If a Kafka version has no such array, every struct is
 * filled with checked puts instead (slower, the same result).
 */
public final class TrustedStructs {

    private static final Logger LOG = LoggerFactory.getLogger(TrustedStructs.class);
    private static final VarHandle VALUES = valuesHandle();

    private TrustedStructs() {
    }

    /** A struct of {@code schema} holding {@code values}, one per field in the schema's order. */
    public static Struct of(Schema schema, Object... values) {
        List<Field> fields = schema.fields();
        if (values.length != fields.size()) {
            throw new IllegalArgumentException(values.length + " values for the " + fields.size() + " fields of " + schema.name());
        }
        Struct struct = new Struct(schema);
        if (VALUES == null) {
            for (int i = 0; i < values.length; i++) {
                struct.put(fields.get(i), values[i]);
            }
        } else {
            System.arraycopy(values, 0, (Object[]) VALUES.get(struct), 0, values.length);
        }
        return struct;
    }

    /** Whether structs are filled without the checked puts (this Kafka's Struct has the array read here). */
    static boolean trusted() {
        return VALUES != null;
    }

    private static VarHandle valuesHandle() {
        try {
            VarHandle handle = MethodHandles.privateLookupIn(Struct.class, MethodHandles.lookup())
                    .findVarHandle(Struct.class, "values", Object[].class);
            Struct probe = new Struct(SchemaBuilder.struct().field("f", Schema.INT32_SCHEMA).build());
            return handle.get(probe) instanceof Object[] array && array.length == 1 ? handle : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("This Kafka's Struct keeps no values array mo-cdc can fill: every value is checked by Struct.put ({})",
                    e.toString());
            return null;
        }
    }
}
