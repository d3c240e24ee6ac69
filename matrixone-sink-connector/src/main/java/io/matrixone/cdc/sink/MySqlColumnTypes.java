package io.matrixone.cdc.sink;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.connect.data.Schema;

/**
 * MatrixOne column types as MySQL / MariaDB types that hold every value the MatrixOne column can, so nothing is
 * lost on the way; a value the target still cannot hold (a TIME beyond ±838:59:59, a DECIMAL scale above 30 on
 * MySQL) fails the write under the strict SQL mode the dialect sets, never rounds or truncates.
 *
 * <p>A field's MatrixOne type is the one {@link ColumnTypes} gives (the source's declared type, else one made from
 * the Connect schema); this class translates it:
 * <ul>
 *   <li>integers (signed and UNSIGNED), DECIMAL(p,s), FLOAT, DOUBLE, BOOL, DATE, DATETIME(n), TIME(n), CHAR, BINARY,
 *       VARBINARY, ENUM, BIT, JSON: the same type (MariaDB's JSON is LONGTEXT with a JSON_VALID check).</li>
 *   <li>TEXT and BLOB (any size): LONGTEXT and LONGBLOB. MatrixOne has one text and one blob type of up to
 *       gigabytes; MySQL's TEXT and BLOB stop at 64 KiB.</li>
 *   <li>VARCHAR(n) longer than {@value #MAX_VARCHAR} characters: LONGTEXT (MySQL rows hold at most 64 KiB, which
 *       utf8mb4 reaches at 16,383 characters).</li>
 *   <li>TIMESTAMP(n): DATETIME(n). MySQL's TIMESTAMP ends in 2038 (MatrixOne's in 9999) and may update itself;
 *       the sink writes the UTC time the source read, which a DATETIME keeps as it is.</li>
 *   <li>UUID: UUID on MariaDB 10.7 and later, else CHAR(36) holding the canonical text.</li>
 *   <li>VECF32(n) / VECF64(n): LONGTEXT holding the vector as a JSON array of numbers, e.g. {@code [1.5,-2.0,3.0]}
 *       (MySQL and MariaDB have no vector type; the JSON array reads back with any JSON function).</li>
 *   <li>A key column cannot be TEXT or BLOB (MySQL cannot index them whole): VARCHAR(255) / VARBINARY(255), as for
 *       MatrixOne; a longer key value then fails the write.</li>
 * </ul>
 * Any other type is passed through as written.
 */
final class MySqlColumnTypes {

    static final int MAX_VARCHAR = 16_383;

    private static final Pattern TYPE = Pattern.compile("^([A-Z0-9_ ]+?)\\s*(?:\\((.*)\\))?\\s*(UNSIGNED)?$", Pattern.DOTALL);

    private MySqlColumnTypes() {
    }

    static String sqlType(Schema schema, boolean key, MySqlServer server) {
        return fromMatrixOne(ColumnTypes.sqlType(schema, key), key, server);
    }

    /** The MySQL type for a MatrixOne type as written in DDL, e.g. {@code TIMESTAMP(6)} gives {@code DATETIME(6)}. */
    static String fromMatrixOne(String matrixOneType, boolean key, MySqlServer server) {
        String trimmed = matrixOneType.trim();
        Matcher m = TYPE.matcher(trimmed.toUpperCase(Locale.ROOT));
        if (!m.matches()) {
            return trimmed;
        }
        String base = m.group(1).trim();
        String args = m.group(2);
        return switch (base) {
            case "TEXT", "TINYTEXT", "MEDIUMTEXT", "LONGTEXT" -> key ? "VARCHAR(255)" : "LONGTEXT";
            case "BLOB", "TINYBLOB", "MEDIUMBLOB", "LONGBLOB" -> key ? "VARBINARY(255)" : "LONGBLOB";
            case "VARCHAR" -> !key && args != null && isNumber(args) && Integer.parseInt(args.trim()) > MAX_VARCHAR ? "LONGTEXT" : trimmed;
            case "TIMESTAMP" -> "DATETIME" + (args == null ? "" : "(" + args.trim() + ")");
            case "UUID" -> server.hasUuidType() ? "UUID" : "CHAR(36)";
            case "VECF32", "VECF64" -> "LONGTEXT";
            // ENUM labels are data: keep them as written, not upper-cased.
            default -> trimmed;
        };
    }

    private static boolean isNumber(String text) {
        return text.trim().matches("\\d{1,9}");
    }
}
