package io.matrixone.cdc.sink;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the MySQL dialect needs to know about the server it writes to, read once per connection: which server it is
 * (MariaDB or MySQL, and its version) and the largest packet it accepts.
 *
 * @param mariaDb whether the server is MariaDB (its version string says so)
 * @param major major version, e.g. 10 for MariaDB 10.11, 8 for MySQL 8.0
 * @param minor minor version
 * @param maxAllowedPacket {@code @@max_allowed_packet}: no statement may be longer
 */
record MySqlServer(boolean mariaDb, int major, int minor, long maxAllowedPacket) {

    private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)");

    /** What a server is taken to be before a connection said otherwise: a MySQL 8 with its default packet size. */
    static final MySqlServer ASSUMED = new MySqlServer(false, 8, 0, 64L * 1024 * 1024);

    static MySqlServer read(Connection conn) throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT version(), @@max_allowed_packet")) {
            rs.next();
            return of(rs.getString(1), rs.getLong(2));
        }
    }

    static MySqlServer of(String version, long maxAllowedPacket) {
        Matcher m = VERSION.matcher(version);
        int major = m.find() ? Integer.parseInt(m.group(1)) : 0;
        int minor = major == 0 ? 0 : Integer.parseInt(m.group(2));
        return new MySqlServer(version.toLowerCase(java.util.Locale.ROOT).contains("mariadb"), major, minor, maxAllowedPacket);
    }

    /** MariaDB 10.7 added a UUID column type; MySQL has none. */
    boolean hasUuidType() {
        return mariaDb && (major > 10 || (major == 10 && minor >= 7));
    }

    /**
     * A binary collation that does not pad: MatrixOne compares strings byte by byte, so 'a' and 'a ' are two keys
     * there and must stay two rows here. PAD SPACE collations (utf8mb4_bin in both servers) would take them for one
     * key and an upsert would silently overwrite one row with the other.
     */
    String binaryCollation() {
        if (mariaDb) {
            return "utf8mb4_nopad_bin";
        }
        return major >= 8 ? "utf8mb4_0900_bin" : "utf8mb4_bin";
    }
}
