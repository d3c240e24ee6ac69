package io.matrixone.cdc.sink;

import io.matrixone.cdc.common.Identifiers;
import io.matrixone.cdc.common.TableId;
import io.matrixone.cdc.sink.MatrixOneSinkConfig.InsertMode;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.apache.kafka.connect.data.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MySQL and MariaDB as the target ({@code --sink-type mysql}). The statements are MatrixOne's (both speak the same
 * upsert, tuple-IN delete and backtick quoting), so they come from {@link SqlStatements}; what differs is:
 * <ul>
 *   <li>the session: a strict SQL mode, so a value the column cannot hold fails the write (naming the column)
 *       instead of being truncated, rounded or zeroed with a warning, and UTC as the session time zone;</li>
 *   <li>column types ({@link MySqlColumnTypes}) and tables created with a binary, no-pad utf8mb4 collation;</li>
 *   <li>statements kept under the server's {@code max_allowed_packet};</li>
 *   <li>retriable errors: deadlocks, lock wait timeouts, shutdowns and lost connections ({@link MySqlErrors}).</li>
 * </ul>
 */
final class MySqlDialect implements SinkDialect {

    static final String NAME = "mysql";

    /**
     * STRICT_ALL_TABLES / STRICT_TRANS_TABLES: out-of-range, too long and invalid values are errors, not warnings.
     * NO_ZERO_DATE / NO_ZERO_IN_DATE: no '0000-00-00' stand-ins for bad dates. ERROR_FOR_DIVISION_BY_ZERO for
     * completeness. NO_AUTO_VALUE_ON_ZERO: a 0 copied into an AUTO_INCREMENT column stays 0, as on the source.
     * NO_ENGINE_SUBSTITUTION: never silently another storage engine. No NO_BACKSLASH_ESCAPES: the driver escapes
     * bound strings with backslashes.
     */
    static final String SQL_MODE = "STRICT_ALL_TABLES,STRICT_TRANS_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,"
            + "ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION";

    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS");

    /** Room in a packet for the protocol's own bytes around the statement. */
    private static final int PACKET_OVERHEAD = 1024;

    private static final Logger LOG = LoggerFactory.getLogger(MySqlDialect.class);

    private volatile MySqlServer server;

    MySqlDialect() {
        this(MySqlServer.ASSUMED);
    }

    /** With the server's facts known (tests; a connection replaces them). */
    MySqlDialect(MySqlServer server) {
        this.server = server;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String serverName() {
        return "MySQL";
    }

    @Override
    public void prepareSession(Connection conn) throws SQLException {
        try (Statement st = conn.createStatement()) {
            // time_zone: a TIMESTAMP column made by hand stores the UTC time the sink binds, unshifted.
            st.execute("SET SESSION sql_mode = '" + SQL_MODE + "', time_zone = '+00:00'");
        }
        MySqlServer read = MySqlServer.read(conn);
        if (!read.equals(server)) {
            LOG.info("MySQL dialect writing to {} {}.{} (max_allowed_packet {} bytes)", read.mariaDb() ? "MariaDB" : "MySQL",
                    read.major(), read.minor(), read.maxAllowedPacket());
        }
        server = read;
    }

    MySqlServer server() {
        return server;
    }

    @Override
    public String columnType(Schema schema, boolean key) {
        return MySqlColumnTypes.sqlType(schema, key, server);
    }

    @Override
    public String quote(String identifier) {
        return Identifiers.quote(identifier);
    }

    @Override
    public String createTable(TableId table, List<String> definitions) {
        return "CREATE TABLE IF NOT EXISTS " + quote(table) + " (" + String.join(", ", definitions) + ")"
                + " DEFAULT CHARSET=utf8mb4 COLLATE=" + server.binaryCollation();
    }

    @Override
    public String write(InsertMode mode, TableId table, List<String> columns, List<String> keyColumns, int rows) {
        // The same SQL as MatrixOne's. A key-only row is a REPLACE there; here too it is correct (delete and
        // re-insert of the same key). INSERT IGNORE is never used: it would turn strict-mode errors into warnings.
        return SqlStatements.write(mode, table, columns, keyColumns, rows);
    }

    @Override
    public String delete(TableId table, List<String> keyColumns, int rows) {
        return SqlStatements.delete(table, keyColumns, rows);
    }

    /**
     * The MatrixOne conversions, with date-times and times bound as text: Connector/J takes MariaDB 10.x for a
     * 5.5 server (its handshake says 5.5.5-10.x) and drops the fraction of a LocalDateTime or LocalTime it binds,
     * so 23:59:59.999999 arrived as 23:59:59 (MySqlTypesIT found it). Text keeps every microsecond. TIME is text
     * already (negative, past 24 h); vectors are '[1.5,2.0]', the JSON array text the LONGTEXT column keeps.
     */
    @Override
    public Object toJdbc(Schema schema, Object value) {
        Object converted = ValueConverter.toJdbc(schema, value);
        if (converted instanceof LocalDateTime dateTime) {
            return DATE_TIME.format(dateTime);
        }
        if (converted instanceof LocalTime time) {
            return TIME.format(time);
        }
        return converted;
    }

    @Override
    public int maxStatementBytes(int configured) {
        long packet = server.maxAllowedPacket() - PACKET_OVERHEAD;
        return packet > 0 && packet < configured ? (int) packet : configured;
    }

    @Override
    public boolean isRetriable(SQLException e) {
        return MySqlErrors.isRetriable(e);
    }

    @Override
    public String describe(SQLException e) {
        return MySqlErrors.describe(e);
    }
}
