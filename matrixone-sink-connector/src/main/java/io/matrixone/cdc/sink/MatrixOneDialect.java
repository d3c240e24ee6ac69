package io.matrixone.cdc.sink;

import io.matrixone.cdc.common.Identifiers;
import io.matrixone.cdc.common.MatrixOneErrors;
import io.matrixone.cdc.common.TableId;
import io.matrixone.cdc.sink.MatrixOneSinkConfig.InsertMode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.apache.kafka.connect.data.Schema;

/**
 * MatrixOne as the target: the sink as it always was. Types are the source's declared MatrixOne types verbatim
 * ({@link ColumnTypes}), SQL is {@link SqlStatements}, values {@link ValueConverter}, errors {@link MatrixOneErrors}.
 * Nothing is added per connection or per statement, so the MatrixOne path costs what it did before dialects.
 */
final class MatrixOneDialect implements SinkDialect {

    static final String NAME = "matrixone";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String serverName() {
        return "MatrixOne";
    }

    @Override
    public void prepareSession(Connection conn) {
        // MatrixOne has no SQL modes to set, and the JDBC URL already fixes time zone and encoding.
    }

    @Override
    public boolean stagesUpserts() {
        return true;
    }

    @Override
    public String columnType(Schema schema, boolean key) {
        return ColumnTypes.sqlType(schema, key);
    }

    @Override
    public String quote(String identifier) {
        return Identifiers.quote(identifier);
    }

    @Override
    public String quote(TableId table) {
        return table.quoted();
    }

    @Override
    public String createTable(TableId table, List<String> definitions) {
        return "CREATE TABLE IF NOT EXISTS " + table.quoted() + " (" + String.join(", ", definitions) + ")";
    }

    @Override
    public String write(InsertMode mode, TableId table, List<String> columns, List<String> keyColumns, int rows) {
        return SqlStatements.write(mode, table, columns, keyColumns, rows);
    }

    @Override
    public String delete(TableId table, List<String> keyColumns, int rows) {
        return SqlStatements.delete(table, keyColumns, rows);
    }

    @Override
    public Object toJdbc(Schema schema, Object value) {
        return ValueConverter.toJdbc(schema, value);
    }

    @Override
    public int maxStatementBytes(int configured) {
        return configured; // MatrixOne takes 64 MiB, the most max.statement.bytes allows
    }

    @Override
    public boolean isRetriable(SQLException e) {
        return MatrixOneErrors.isRetriable(e);
    }

    @Override
    public String describe(SQLException e) {
        return MatrixOneErrors.describe(e);
    }
}
