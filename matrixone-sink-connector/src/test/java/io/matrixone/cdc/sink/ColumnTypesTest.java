package io.matrixone.cdc.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.matrixone.cdc.common.ChangeEvent;
import io.matrixone.cdc.common.SemanticTypes;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.junit.jupiter.api.Test;

class ColumnTypesTest {

    @Test
    void theSourceColumnTypeWinsVerbatim() {
        Schema schema = SchemaBuilder.string().parameter(ChangeEvent.COLUMN_TYPE_PARAM, "VARCHAR(50)").build();
        assertThat(ColumnTypes.sqlType(schema, false)).isEqualTo("VARCHAR(50)");
    }

    @Test
    void connectTypesMapToMatrixOneTypes() {
        assertThat(ColumnTypes.sqlType(Schema.INT8_SCHEMA, false)).isEqualTo("TINYINT");
        assertThat(ColumnTypes.sqlType(Schema.INT16_SCHEMA, false)).isEqualTo("SMALLINT");
        assertThat(ColumnTypes.sqlType(Schema.INT32_SCHEMA, false)).isEqualTo("INT");
        assertThat(ColumnTypes.sqlType(Schema.INT64_SCHEMA, false)).isEqualTo("BIGINT");
        assertThat(ColumnTypes.sqlType(Schema.FLOAT32_SCHEMA, false)).isEqualTo("FLOAT");
        assertThat(ColumnTypes.sqlType(Schema.FLOAT64_SCHEMA, false)).isEqualTo("DOUBLE");
        assertThat(ColumnTypes.sqlType(Schema.BOOLEAN_SCHEMA, false)).isEqualTo("BOOL");
        assertThat(ColumnTypes.sqlType(Schema.STRING_SCHEMA, false)).isEqualTo("TEXT");
        assertThat(ColumnTypes.sqlType(Schema.STRING_SCHEMA, true)).isEqualTo("VARCHAR(255)");
        assertThat(ColumnTypes.sqlType(Schema.BYTES_SCHEMA, false)).isEqualTo("BLOB");
        assertThat(ColumnTypes.sqlType(Decimal.schema(4), false)).isEqualTo("DECIMAL(38,4)");
        assertThat(ColumnTypes.sqlType(Decimal.builder(2).parameter("connect.decimal.precision", "10").build(), false))
                .isEqualTo("DECIMAL(10,2)");
        assertThat(ColumnTypes.sqlType(Date.SCHEMA, false)).isEqualTo("DATE");
        assertThat(ColumnTypes.sqlType(Time.SCHEMA, false)).isEqualTo("TIME(3)");
        assertThat(ColumnTypes.sqlType(Timestamp.SCHEMA, false)).isEqualTo("DATETIME(3)");
    }

    @Test
    void semanticTypesMapToMatrixOneTypes() {
        assertThat(ColumnTypes.sqlType(SchemaBuilder.int64().name(SemanticTypes.MICRO_TIME).build(), false)).isEqualTo("TIME(6)");
        assertThat(ColumnTypes.sqlType(SchemaBuilder.int64().name(SemanticTypes.MICRO_TIMESTAMP).build(), false))
                .isEqualTo("DATETIME(6)");
        assertThat(ColumnTypes.sqlType(SchemaBuilder.string().name(SemanticTypes.JSON).build(), false)).isEqualTo("JSON");
        assertThat(ColumnTypes.sqlType(SchemaBuilder.string().name(SemanticTypes.UUID).build(), false)).isEqualTo("UUID");
        assertThat(ColumnTypes.sqlType(SchemaBuilder.string().name(SemanticTypes.ENUM)
                .parameter(SemanticTypes.ENUM_VALUES_PARAM, "a,it's").build(), false)).isEqualTo("ENUM('a','it''s')");
        assertThat(ColumnTypes.sqlType(SchemaBuilder.array(Schema.FLOAT32_SCHEMA).name(SemanticTypes.VECF32)
                .parameter(SemanticTypes.VECTOR_DIMENSION_PARAM, "3").build(), false)).isEqualTo("VECF32(3)");
        assertThat(ColumnTypes.sqlType(SchemaBuilder.array(Schema.FLOAT64_SCHEMA).name(SemanticTypes.VECF64)
                .parameter(SemanticTypes.VECTOR_DIMENSION_PARAM, "2").build(), false)).isEqualTo("VECF64(2)");
    }

    @Test
    void unmappableTypesAreAClearError() {
        assertThatThrownBy(() -> ColumnTypes.sqlType(SchemaBuilder.array(Schema.FLOAT32_SCHEMA).name(SemanticTypes.VECF32).build(), false))
                .hasMessageContaining("dimension");
        assertThatThrownBy(() -> ColumnTypes.sqlType(SchemaBuilder.struct().build(), false)).hasMessageContaining("STRUCT");
    }
}
