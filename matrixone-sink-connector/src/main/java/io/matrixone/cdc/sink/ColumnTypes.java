package io.matrixone.cdc.sink;

import io.matrixone.cdc.common.ChangeEvent;
import io.matrixone.cdc.common.SemanticTypes;
import java.util.Map;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

/**
 * The one place that decides a target column's MatrixOne type from a record's field schema. A field
 * that carries the source's declared type ({@link ChangeEvent#COLUMN_TYPE_PARAM}, set by this
 * project's source and by Debezium with column.propagate.source.type) gets exactly that type;
 * otherwise the Connect type decides.
 */
final class ColumnTypes {

    /** Debezium's time types, so Debezium envelopes from MySQL and others create sensible columns. */
    private static final Map<String, String> NAMED = Map.ofEntries(
            Map.entry(Decimal.LOGICAL_NAME, ""), // handled below: needs precision and scale
            Map.entry(Date.LOGICAL_NAME, "DATE"),
            Map.entry(Time.LOGICAL_NAME, "TIME(3)"),
            Map.entry(Timestamp.LOGICAL_NAME, "DATETIME(3)"),
            Map.entry(SemanticTypes.MICRO_TIME, "TIME(6)"),
            Map.entry(SemanticTypes.MICRO_TIMESTAMP, "DATETIME(6)"),
            Map.entry("io.debezium.time.Date", "DATE"),
            Map.entry("io.debezium.time.Time", "TIME(3)"),
            Map.entry("io.debezium.time.NanoTime", "TIME(6)"),
            Map.entry("io.debezium.time.Timestamp", "DATETIME(3)"),
            Map.entry("io.debezium.time.NanoTimestamp", "DATETIME(6)"),
            Map.entry("io.debezium.time.ZonedTimestamp", "TIMESTAMP(6)"),
            Map.entry(SemanticTypes.JSON, "JSON"),
            Map.entry(SemanticTypes.UUID, "UUID"),
            Map.entry(SemanticTypes.ENUM, ""), // handled below: needs its labels
            Map.entry(SemanticTypes.VECF32, ""),
            Map.entry(SemanticTypes.VECF64, ""));

    private ColumnTypes() {
    }

    /** The column type for a field; {@code key} columns avoid types MatrixOne cannot index (TEXT). */
    static String sqlType(Schema schema, boolean key) {
        Map<String, String> params = schema.parameters();
        if (params != null && params.get(ChangeEvent.COLUMN_TYPE_PARAM) != null) {
            return params.get(ChangeEvent.COLUMN_TYPE_PARAM);
        }
        String name = schema.name();
        if (name != null && NAMED.containsKey(name)) {
            return switch (name) {
                case Decimal.LOGICAL_NAME -> "DECIMAL(" + param(schema, "connect.decimal.precision", "38") + ","
                        + param(schema, Decimal.SCALE_FIELD, "0") + ")";
                case SemanticTypes.ENUM -> enumType(schema);
                case SemanticTypes.VECF32 -> "VECF32(" + param(schema, SemanticTypes.VECTOR_DIMENSION_PARAM, "?") + ")";
                case SemanticTypes.VECF64 -> "VECF64(" + param(schema, SemanticTypes.VECTOR_DIMENSION_PARAM, "?") + ")";
                default -> NAMED.get(name);
            };
        }
        return switch (schema.type()) {
            case INT8 -> "TINYINT";
            case INT16 -> "SMALLINT";
            case INT32 -> "INT";
            case INT64 -> "BIGINT";
            case FLOAT32 -> "FLOAT";
            case FLOAT64 -> "DOUBLE";
            case BOOLEAN -> "BOOL";
            case STRING -> key ? "VARCHAR(255)" : "TEXT";
            case BYTES -> key ? "VARBINARY(255)" : "BLOB";
            default -> throw new RecordConversionException("no MatrixOne column type for a " + schema.type()
                    + " field" + (name == null ? "" : " named " + name) + "; write it as a string or flatten it first");
        };
    }

    private static String enumType(Schema schema) {
        String allowed = param(schema, SemanticTypes.ENUM_VALUES_PARAM, null);
        if (allowed == null || allowed.isEmpty()) {
            return "VARCHAR(255)";
        }
        StringBuilder type = new StringBuilder("ENUM(");
        String[] labels = allowed.split(",");
        for (int i = 0; i < labels.length; i++) {
            type.append(i == 0 ? "" : ",").append(io.matrixone.cdc.common.Identifiers.literal(labels[i]));
        }
        return type.append(')').toString();
    }

    private static String param(Schema schema, String key, String fallback) {
        Map<String, String> params = schema.parameters();
        String value = params == null ? null : params.get(key);
        if (value == null && fallback != null && fallback.equals("?")) {
            throw new RecordConversionException("vector field without a '" + key + "' parameter: its dimension is unknown");
        }
        return value == null ? fallback : value;
    }
}
