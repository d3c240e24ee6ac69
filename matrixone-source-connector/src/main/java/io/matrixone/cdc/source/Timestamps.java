package io.matrixone.cdc.source;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import org.apache.kafka.common.config.ConfigException;

/**
 * MatrixOne timestamps as this connector uses them: physical Unix-epoch nanoseconds, the form
 * {@code {MO_TS = n}} takes, and readable UTC text for offsets and messages.
 */
final class Timestamps {

    private static final DateTimeFormatter TEXT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

    private Timestamps() {
    }

    static long toNanos(LocalDateTime utc) {
        Instant instant = utc.toInstant(ZoneOffset.UTC);
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    static String toText(long nanos) {
        return LocalDateTime.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L),
                (int) Math.floorMod(nanos, 1_000_000_000L), ZoneOffset.UTC).format(TEXT) + " UTC";
    }

    /** Parses 'yyyy-MM-dd HH:mm:ss[.f]' (UTC) or epoch nanoseconds; errors name {@code key}. */
    static long parse(String text, String key) {
        String value = text.trim();
        if (value.matches("\\d{16,20}")) {
            return Long.parseLong(value);
        }
        try {
            return toNanos(LocalDateTime.parse(value.replace(' ', 'T')));
        } catch (DateTimeParseException e) {
            throw new ConfigException(key, text, "expected 'yyyy-MM-dd HH:mm:ss[.ffffff]' (UTC) or Unix-epoch nanoseconds");
        }
    }
}
