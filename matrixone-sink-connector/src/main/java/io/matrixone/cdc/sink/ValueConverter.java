package io.matrixone.cdc.sink;

import io.matrixone.cdc.common.SemanticTypes;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

/**
 * Turns a Connect value into what Connector/J binds so that it lands in MatrixOne unchanged: dates
 * and times as wall-clock values (no time-zone shift), microsecond types with their microseconds,
 * vectors as MatrixOne's {@code [1,2,3]} text.
 */
final class ValueConverter {

    private ValueConverter() {
    }

    static Object toJdbc(Schema schema, Object value) {
        if (value == null) {
            return null;
        }
        String name = schema.name();
        if (name != null) {
            switch (name) {
                case Decimal.LOGICAL_NAME:
                    return (BigDecimal) value;
                case Date.LOGICAL_NAME:
                    return LocalDate.ofInstant(((java.util.Date) value).toInstant(), ZoneOffset.UTC);
                case Time.LOGICAL_NAME:
                    return LocalTime.ofNanoOfDay(((java.util.Date) value).getTime() % 86_400_000L * 1_000_000L);
                case Timestamp.LOGICAL_NAME:
                    return LocalDateTime.ofInstant(((java.util.Date) value).toInstant(), ZoneOffset.UTC);
                case SemanticTypes.MICRO_TIMESTAMP:
                    return microsToDateTime((Long) value);
                case SemanticTypes.MICRO_TIME:
                    return microsToTimeText((Long) value);
                case "io.debezium.time.Date":
                    return LocalDate.ofEpochDay(((Number) value).longValue());
                case "io.debezium.time.Time":
                    return microsToTimeText(((Number) value).longValue() * 1000L);
                case "io.debezium.time.NanoTime":
                    return microsToTimeText(((Number) value).longValue() / 1000L);
                case "io.debezium.time.Timestamp":
                    return LocalDateTime.ofInstant(Instant.ofEpochMilli((Long) value), ZoneOffset.UTC);
                case "io.debezium.time.NanoTimestamp":
                    return microsToDateTime((Long) value / 1000L);
                case "io.debezium.time.ZonedTimestamp":
                    return OffsetDateTime.parse((String) value).atZoneSameInstant(ZoneOffset.UTC).toLocalDateTime();
                case SemanticTypes.VECF32:
                case SemanticTypes.VECF64:
                    return vectorText((List<?>) value);
                default:
                    break;
            }
        }
        return switch (schema.type()) {
            case BYTES -> value instanceof ByteBuffer buffer ? bytes(buffer) : value;
            // Connector/J writes a float as its shortest text, 3.4028235E38 for FLT_MAX, which MatrixOne refuses as
            // above FLT_MAX; the float's exact value as a double is the same float and is accepted.
            case FLOAT32 -> ((Float) value).doubleValue();
            case ARRAY, MAP, STRUCT -> throw new RecordConversionException("cannot write a " + schema.type()
                    + " value to a MatrixOne column");
            default -> value;
        };
    }

    static LocalDateTime microsToDateTime(long micros) {
        return LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                (int) Math.floorMod(micros, 1_000_000L) * 1000, ZoneOffset.UTC);
    }

    /** TIME may be negative or past 24 hours in MatrixOne (as in MySQL), so it is written as text. */
    static String microsToTimeText(long micros) {
        String sign = micros < 0 ? "-" : "";
        long abs = Math.abs(micros);
        long seconds = abs / 1_000_000L;
        return String.format("%s%02d:%02d:%02d.%06d", sign, seconds / 3600, seconds / 60 % 60, seconds % 60, abs % 1_000_000L);
    }

    private static String vectorText(List<?> values) {
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            text.append(i == 0 ? "" : ",").append(values.get(i));
        }
        return text.append(']').toString();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] copy = new byte[buffer.remaining()];
        buffer.duplicate().get(copy);
        return copy;
    }
}
