package io.matrixone.cdc.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.common.SemanticTypes;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.junit.jupiter.api.Test;

class ValueConverterTest {

    @Test
    void timesAreWallClockValuesWithoutZoneShift() {
        assertThat(ValueConverter.toJdbc(Date.SCHEMA, new java.util.Date(19_723L * 86_400_000L)))
                .isEqualTo(LocalDate.of(2024, 1, 1));
        assertThat(ValueConverter.toJdbc(Time.SCHEMA, new java.util.Date(3_723_004L))).isEqualTo(LocalTime.of(1, 2, 3, 4_000_000));
        assertThat(ValueConverter.toJdbc(Timestamp.SCHEMA, new java.util.Date(1_704_103_200_123L)))
                .isEqualTo(LocalDateTime.of(2024, 1, 1, 10, 0, 0, 123_000_000));
    }

    @Test
    void microsecondTypesKeepTheirMicroseconds() {
        Schema micros = SchemaBuilder.int64().name(SemanticTypes.MICRO_TIMESTAMP).build();
        assertThat(ValueConverter.toJdbc(micros, 1_704_103_200_123_456L)).isEqualTo(LocalDateTime.of(2024, 1, 1, 10, 0, 0, 123_456_000));
        assertThat(ValueConverter.toJdbc(micros, -1L)).isEqualTo(LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000));
        Schema time = SchemaBuilder.int64().name(SemanticTypes.MICRO_TIME).build();
        assertThat(ValueConverter.toJdbc(time, -((25L * 3600 + 1) * 1_000_000L + 5))).isEqualTo("-25:00:01.000005");
        assertThat(ValueConverter.toJdbc(SchemaBuilder.int32().name("io.debezium.time.Date").build(), 19_723)).isEqualTo(LocalDate.of(2024, 1, 1));
    }

    @Test
    void vectorsAreWrittenAsMatrixOneText() {
        Schema vec = SchemaBuilder.array(Schema.FLOAT32_SCHEMA).name(SemanticTypes.VECF32).build();
        assertThat(ValueConverter.toJdbc(vec, List.of(1.5f, -2f, 0f))).isEqualTo("[1.5,-2.0,0.0]");
    }

    @Test
    void bytesFromByteBuffersAreCopied() {
        assertThat((byte[]) ValueConverter.toJdbc(Schema.BYTES_SCHEMA, ByteBuffer.wrap(new byte[] {1, 2})))
                .containsExactly(1, 2);
        assertThat(ValueConverter.toJdbc(Schema.OPTIONAL_STRING_SCHEMA, null)).isNull();
    }

    @Test
    void floatsAreBoundAsTheirExactDoubleSoFltMaxIsAccepted() {
        // Connector/J would send Float.MAX_VALUE as 3.4028235E38, above FLT_MAX for MatrixOne (error 1690).
        assertThat(ValueConverter.toJdbc(Schema.FLOAT32_SCHEMA, Float.MAX_VALUE)).isEqualTo(3.4028234663852886E38);
        assertThat(ValueConverter.toJdbc(Schema.FLOAT32_SCHEMA, Float.MIN_VALUE)).isEqualTo(1.401298464324817E-45);
        assertThat((float) (double) (Double) ValueConverter.toJdbc(Schema.FLOAT32_SCHEMA, 0.1f)).isEqualTo(0.1f);
        assertThat(ValueConverter.toJdbc(Schema.FLOAT64_SCHEMA, Double.MAX_VALUE)).isEqualTo(Double.MAX_VALUE);
    }
}
