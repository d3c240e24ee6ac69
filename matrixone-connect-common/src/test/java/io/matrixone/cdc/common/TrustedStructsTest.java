package io.matrixone.cdc.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

class TrustedStructsTest {

    private static final Schema ROW = SchemaBuilder.struct().name("db.t.Value").optional()
            .field("id", Schema.INT64_SCHEMA)
            .field("amount", Decimal.builder(2).optional().build())
            .field("note", Schema.OPTIONAL_STRING_SCHEMA)
            .build();
    private static final Schema ENVELOPE = SchemaBuilder.struct().name("db.t.Envelope")
            .field("before", ROW).field("after", ROW).field("op", Schema.STRING_SCHEMA)
            .build();

    @Test
    void fillsTheSameStructAsCheckedPuts() {
        Struct row = TrustedStructs.of(ROW, 7L, new BigDecimal("1.25"), null);
        Struct envelope = TrustedStructs.of(ENVELOPE, null, row, "c");

        Struct checkedRow = new Struct(ROW).put("id", 7L).put("amount", new BigDecimal("1.25")).put("note", null);
        Struct checked = new Struct(ENVELOPE).put("before", null).put("after", checkedRow).put("op", "c");
        assertThat(envelope).isEqualTo(checked);
        assertThat(envelope.getStruct("after").getInt64("id")).isEqualTo(7L);
        envelope.validate();
    }

    @Test
    void fillsWithoutCheckingOnThisKafka() {
        // If a Kafka upgrade renames Struct's values array, every struct takes the checked (slower) puts: make it seen.
        assertThat(TrustedStructs.trusted()).isTrue();
    }

    @Test
    void refusesAWrongNumberOfValues() {
        assertThatThrownBy(() -> TrustedStructs.of(ROW, 7L, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 values for the 3 fields of db.t.Value");
    }
}
