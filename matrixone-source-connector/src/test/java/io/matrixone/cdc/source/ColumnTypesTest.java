package io.matrixone.cdc.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.matrixone.cdc.common.ChangeEvent;
import io.matrixone.cdc.common.SemanticTypes;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The type mapping, column by column, as information_schema reports MatrixOne columns. */
class ColumnTypesTest {

    private static Schema schemaOf(String dataType, String columnType) {
        return ColumnTypes.schema(Column.fromInformationSchema("c", dataType, columnType, true), true);
    }

    @ParameterizedTest(name = "{1} -> {2} {3}")
    @CsvSource(delimiter = '|', value = {
            "tinyint|tinyint(8)|INT8|",
            "smallint|smallint(16)|INT16|",
            "int|int(32)|INT32|",
            "bigint|bigint(64)|INT64|",
            "tinyint unsigned|tinyint(8) unsigned|INT16|",
            "smallint unsigned|smallint(16) unsigned|INT32|",
            "int unsigned|int(32) unsigned|INT64|",
            "float|float|FLOAT32|",
            "double|double|FLOAT64|",
            "bool|bool|BOOLEAN|",
            "char|char(10)|STRING|",
            "varchar|varchar(50)|STRING|",
            "text|text(0)|STRING|",
            "json|json|STRING|io.debezium.data.Json",
            "uuid|uuid|STRING|io.debezium.data.Uuid",
            "blob|blob(0)|BYTES|",
            "binary|binary(16)|BYTES|",
            "varbinary|varbinary(16)|BYTES|",
            "date|date|INT32|org.apache.kafka.connect.data.Date",
            "time|time(6)|INT64|io.debezium.time.MicroTime",
            "datetime|datetime(3)|INT64|org.apache.kafka.connect.data.Timestamp",
            "datetime|datetime(0)|INT64|org.apache.kafka.connect.data.Timestamp",
            "datetime|datetime(6)|INT64|io.debezium.time.MicroTimestamp",
            "timestamp|timestamp(6)|INT64|io.debezium.time.MicroTimestamp",
            "vecf32|vecf32(3)|ARRAY|io.matrixone.data.Vecf32",
            "vecf64|vecf64(2)|ARRAY|io.matrixone.data.Vecf64",
    })
    void mapsEachMatrixOneTypeToOneConnectSchema(String dataType, String columnType, Schema.Type expected, String name) {
        Schema schema = schemaOf(dataType, columnType);
        assertThat(schema.type()).isEqualTo(expected);
        assertThat(schema.name()).isEqualTo(name);
        assertThat(schema.isOptional()).isTrue();
    }

    @Test
    void carriesTheDeclaredTypeSoTheSinkCanRecreateTheColumn() {
        assertThat(schemaOf("varchar", "varchar(50)").parameters()).containsEntry(ChangeEvent.COLUMN_TYPE_PARAM, "VARCHAR(50)");
        assertThat(schemaOf("decimal", "decimal(38,10)").parameters()).containsEntry(ChangeEvent.COLUMN_TYPE_PARAM, "DECIMAL(38,10)");
        assertThat(schemaOf("datetime", "datetime(6)").parameters()).containsEntry(ChangeEvent.COLUMN_TYPE_PARAM, "DATETIME(6)");
        // MatrixOne's pseudo widths of integers are not part of the declared type.
        assertThat(schemaOf("int", "int(32)").parameters()).containsEntry(ChangeEvent.COLUMN_TYPE_PARAM, "INT");
        assertThat(schemaOf("bigint unsigned", "bigint(64) unsigned").parameters())
                .containsEntry(ChangeEvent.COLUMN_TYPE_PARAM, "BIGINT UNSIGNED");
    }

    @Test
    void decimalsKeepPrecisionAndScale() {
        Schema decimal = schemaOf("decimal", "decimal(38,10)");
        assertThat(decimal.name()).isEqualTo(Decimal.LOGICAL_NAME);
        assertThat(decimal.parameters()).containsEntry(Decimal.SCALE_FIELD, "10").containsEntry("connect.decimal.precision", "38");
        Schema unsignedBigint = schemaOf("bigint unsigned", "bigint(64) unsigned");
        assertThat(unsignedBigint.name()).isEqualTo(Decimal.LOGICAL_NAME);
        assertThat(unsignedBigint.parameters()).containsEntry(Decimal.SCALE_FIELD, "0").containsEntry("connect.decimal.precision", "20");
    }

    @Test
    void vectorsCarryTheirDimensionAndElementType() {
        Schema vector = schemaOf("vecf32", "vecf32(3)");
        assertThat(vector.valueSchema().type()).isEqualTo(Schema.Type.FLOAT32);
        assertThat(vector.parameters()).containsEntry(SemanticTypes.VECTOR_DIMENSION_PARAM, "3");
        assertThat(schemaOf("vecf64", "vecf64(2)").valueSchema().type()).isEqualTo(Schema.Type.FLOAT64);
    }

    @Test
    void enumsAreLabelsWithTheirAllowedValues() {
        Schema schema = schemaOf("enum", "enum('a','it''s','c')");
        assertThat(schema.name()).isEqualTo(SemanticTypes.ENUM);
        assertThat(schema.parameters()).containsEntry(SemanticTypes.ENUM_VALUES_PARAM, "a,it's,c");
    }

    @Test
    void logicalTypesAreConnectOnes() {
        assertThat(schemaOf("date", "date").name()).isEqualTo(Date.LOGICAL_NAME);
        assertThat(schemaOf("datetime", "datetime(0)").name()).isEqualTo(Timestamp.LOGICAL_NAME);
    }

    @Test
    void refusesUnknownTypesNamingTheColumn() {
        assertThatThrownBy(() -> schemaOf("geometry", "geometry")).isInstanceOf(ConnectException.class)
                .hasMessageContaining("column c").hasMessageContaining("GEOMETRY");
    }

    @Test
    void timeTextBecomesSignedMicroseconds() {
        assertThat(ColumnTypes.timeMicros("00:00:01")).isEqualTo(1_000_000L);
        assertThat(ColumnTypes.timeMicros("12:34:56.789")).isEqualTo((12 * 3600 + 34 * 60 + 56) * 1_000_000L + 789_000L);
        assertThat(ColumnTypes.timeMicros("-838:59:59.000001")).isEqualTo(-((838L * 3600 + 59 * 60 + 59) * 1_000_000L + 1));
        assertThat(ColumnTypes.timeMicros(null)).isNull();
    }

    @Test
    void floatTextAtTheLimitsIsTheNearestFloat() {
        // MatrixOne's text for FLT_MAX, which Connector/J's getFloat refuses as out of range.
        assertThat(ColumnTypes.floatValue("340282350000000000000000000000000000000")).isEqualTo(Float.MAX_VALUE);
        assertThat(ColumnTypes.floatValue("-340282350000000000000000000000000000000")).isEqualTo(-Float.MAX_VALUE);
        assertThat(ColumnTypes.floatValue("0.000000000000000000000000000000000000000000001")).isEqualTo(Float.MIN_VALUE);
        assertThat(ColumnTypes.floatValue("1.5")).isEqualTo(1.5f);
        assertThat(ColumnTypes.floatValue(null)).isNull();
    }
}
