package io.matrixone.cdc.source;

import io.matrixone.cdc.common.ChangeEvent;
import io.matrixone.cdc.common.SemanticTypes;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * The one place that maps a MatrixOne column to a Connect schema and reads its values, without loss:
 * unsigned integers widen (BIGINT UNSIGNED becomes Decimal(20,0)), DATETIME with more than millisecond
 * precision and every TIME are microseconds, ENUM is its label, vectors are arrays. Every field schema
 * carries the declared MatrixOne type so a sink can recreate the column exactly.
 */
final class ColumnTypes {

    private ColumnTypes() {
    }

    static Schema schema(Column column, boolean optional) {
        SchemaBuilder builder = builder(column);
        builder.parameter(ChangeEvent.COLUMN_TYPE_PARAM, column.declaredType());
        if (optional) {
            builder.optional();
        }
        return builder.build();
    }

    private static SchemaBuilder builder(Column column) {
        String type = column.dataType();
        return switch (type) {
            case "TINYINT" -> SchemaBuilder.int8();
            case "SMALLINT", "TINYINT UNSIGNED" -> SchemaBuilder.int16();
            case "INT", "MEDIUMINT", "SMALLINT UNSIGNED", "MEDIUMINT UNSIGNED" -> SchemaBuilder.int32();
            case "BIGINT", "INT UNSIGNED" -> SchemaBuilder.int64();
            case "BIGINT UNSIGNED" -> Decimal.builder(0).parameter("connect.decimal.precision", "20");
            case "DECIMAL" -> Decimal.builder(column.scale()).parameter("connect.decimal.precision", String.valueOf(column.size(38)));
            case "FLOAT" -> SchemaBuilder.float32();
            case "DOUBLE" -> SchemaBuilder.float64();
            case "BOOL", "BOOLEAN" -> SchemaBuilder.bool();
            case "CHAR", "VARCHAR", "TEXT", "TINYTEXT", "MEDIUMTEXT", "LONGTEXT", "DATALINK" -> SchemaBuilder.string();
            case "JSON" -> SchemaBuilder.string().name(SemanticTypes.JSON);
            case "UUID" -> SchemaBuilder.string().name(SemanticTypes.UUID);
            case "ENUM" -> SchemaBuilder.string().name(SemanticTypes.ENUM).parameter(SemanticTypes.ENUM_VALUES_PARAM, column.enumLabels());
            case "BLOB", "TINYBLOB", "MEDIUMBLOB", "LONGBLOB", "BINARY", "VARBINARY" -> SchemaBuilder.bytes();
            case "BIT" -> SchemaBuilder.int64();
            case "DATE" -> Date.builder();
            case "TIME" -> SchemaBuilder.int64().name(SemanticTypes.MICRO_TIME);
            case "DATETIME", "TIMESTAMP" -> column.size(0) <= 3 ? Timestamp.builder() : SchemaBuilder.int64().name(SemanticTypes.MICRO_TIMESTAMP);
            case "VECF32" -> SchemaBuilder.array(Schema.FLOAT32_SCHEMA).name(SemanticTypes.VECF32)
                    .parameter(SemanticTypes.VECTOR_DIMENSION_PARAM, String.valueOf(column.size(0)));
            case "VECF64" -> SchemaBuilder.array(Schema.FLOAT64_SCHEMA).name(SemanticTypes.VECF64)
                    .parameter(SemanticTypes.VECTOR_DIMENSION_PARAM, String.valueOf(column.size(0)));
            default -> throw new ConnectException("column " + column.name() + " has MatrixOne type " + column.declaredType()
                    + ", which this connector cannot capture yet; exclude the table or change the column type");
        };
    }

    /** Reads column {@code index} of the current row as the value of {@link #schema}. */
    static Object read(ResultSet rs, int index, Column column) throws SQLException {
        Object value = switch (column.dataType()) {
            case "TINYINT" -> rs.getByte(index);
            case "SMALLINT", "TINYINT UNSIGNED" -> rs.getShort(index);
            case "INT", "MEDIUMINT", "SMALLINT UNSIGNED", "MEDIUMINT UNSIGNED" -> rs.getInt(index);
            case "BIGINT", "INT UNSIGNED", "BIT" -> rs.getLong(index);
            case "BIGINT UNSIGNED" -> decimal(rs.getBigDecimal(index), 0);
            case "DECIMAL" -> decimal(rs.getBigDecimal(index), column.scale());
            case "FLOAT" -> floatValue(rs.getString(index));
            case "DOUBLE" -> rs.getDouble(index);
            case "BOOL", "BOOLEAN" -> rs.getBoolean(index);
            case "BLOB", "TINYBLOB", "MEDIUMBLOB", "LONGBLOB", "BINARY", "VARBINARY" -> rs.getBytes(index);
            case "DATE" -> date(rs.getObject(index, LocalDate.class));
            case "TIME" -> timeMicros(rawText(rs, index));
            case "DATETIME", "TIMESTAMP" -> dateTime(rs.getObject(index, LocalDateTime.class), column.size(0) <= 3);
            case "VECF32" -> vector(rs.getString(index), true);
            case "VECF64" -> vector(rs.getString(index), false);
            default -> rs.getString(index);
        };
        return rs.wasNull() ? null : value;
    }

    /**
     * The value as the server sent it. Connector/J drops the fraction when it formats a TIME itself;
     * statements here use the text protocol, so the raw bytes are the server's own text.
     */
    private static String rawText(ResultSet rs, int index) throws SQLException {
        byte[] bytes = rs.getBytes(index);
        return bytes == null ? null : new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * A FLOAT from MatrixOne's text. Not {@code getFloat}: MatrixOne prints FLT_MAX as 340282350000000000000000000000000000000,
     * which Connector/J reads as a double above FLT_MAX and refuses; the nearest float is FLT_MAX itself.
     */
    static Float floatValue(String text) {
        return text == null ? null : Float.parseFloat(text);
    }

    private static BigDecimal decimal(BigDecimal value, int scale) {
        return value == null ? null : value.setScale(scale, RoundingMode.UNNECESSARY);
    }

    private static java.util.Date date(LocalDate value) {
        return value == null ? null : java.util.Date.from(value.atStartOfDay().toInstant(ZoneOffset.UTC));
    }

    private static Object dateTime(LocalDateTime value, boolean millis) {
        if (value == null) {
            return null;
        }
        if (millis) {
            return java.util.Date.from(value.toInstant(ZoneOffset.UTC));
        }
        return value.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + value.getNano() / 1000;
    }

    /** TIME text ({@code [-]HHH:MM:SS[.ffffff]}) as signed microseconds: TIME may be negative or past 24 h. */
    static Long timeMicros(String text) {
        if (text == null) {
            return null;
        }
        boolean negative = text.startsWith("-");
        String[] parts = (negative ? text.substring(1) : text).split(":");
        String[] seconds = parts[2].split("\\.");
        long micros = (Long.parseLong(parts[0]) * 3600 + Long.parseLong(parts[1]) * 60 + Long.parseLong(seconds[0])) * 1_000_000L;
        if (seconds.length > 1) {
            micros += Long.parseLong((seconds[1] + "000000").substring(0, 6));
        }
        return negative ? -micros : micros;
    }

    private static List<Object> vector(String text, boolean floats) {
        if (text == null) {
            return null;
        }
        List<Object> values = new ArrayList<>();
        String inside = text.trim().substring(1, text.trim().length() - 1);
        if (!inside.isBlank()) {
            for (String item : inside.split(",")) {
                values.add(floats ? (Object) Float.parseFloat(item.trim()) : (Object) Double.parseDouble(item.trim()));
            }
        }
        return values;
    }
}
