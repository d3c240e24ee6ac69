package io.matrixone.cdc.sink;

import io.matrixone.cdc.common.TableId;
import io.matrixone.cdc.sink.MatrixOneSinkConfig.InsertMode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.connect.data.Schema;

/**
 * Everything the sink says differently to one kind of target database, in one place per kind (after the Confluent
 * JDBC sink's {@code DatabaseDialect}): session setup, column types, DDL, upsert and delete SQL, identifier quoting,
 * value binding, statement size limits and which errors are worth a retry. The rest of the sink (reading records,
 * batching, retries, dead letter queue) is the same for every target. Chosen by {@code sink.dialect}.
 */
interface SinkDialect {

    /** The {@code sink.dialect} value. */
    String name();

    /** The kind of server, as messages name it: "MatrixOne", "MySQL". */
    String serverName();

    /** Runs once on each new connection before anything else: session settings, facts about the server. */
    void prepareSession(Connection conn) throws SQLException;

    /** The target column type for a record field; {@code key} columns need types the target can index. */
    String columnType(Schema schema, boolean key);

    /** An identifier as the target reads it whatever it contains (spaces, quotes, unicode). */
    String quote(String identifier);

    /** {@code db.table}, both parts quoted. */
    default String quote(TableId table) {
        return quote(table.database()) + "." + quote(table.table());
    }

    /** {@code CREATE TABLE IF NOT EXISTS} with these column and key definitions (already quoted and typed). */
    String createTable(TableId table, List<String> definitions);

    /** A multi-row write of {@code rows} rows, as {@code mode} asks; values are bound as parameters. */
    String write(InsertMode mode, TableId table, List<String> columns, List<String> keyColumns, int rows);

    /** Whether large upserts may go through a staging table loaded with LOAD DATA LOCAL ({@link StagedUpserts}). */
    default boolean stagesUpserts() {
        return false;
    }

    /** A delete of {@code rows} keys; values are bound as parameters. */
    String delete(TableId table, List<String> keyColumns, int rows);

    /** A Connect value as the JDBC driver binds it so the target stores it unchanged. */
    Object toJdbc(Schema schema, Object value);

    /** The largest statement to send: {@code configured} (max.statement.bytes), lowered to what the server takes. */
    int maxStatementBytes(int configured);

    /** True for failures that a retry on a fresh connection can get past (conflicts, deadlocks, lost connections). */
    boolean isRetriable(SQLException e);

    /** One line for logs and errors: whose error, its code, SQLSTATE and message. */
    String describe(SQLException e);

    /** The dialect a {@code sink.dialect} value names. */
    static SinkDialect named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case MatrixOneDialect.NAME -> new MatrixOneDialect();
            case MySqlDialect.NAME -> new MySqlDialect();
            default -> throw new IllegalArgumentException("unknown sink dialect '" + name + "': matrixone or mysql");
        };
    }
}
