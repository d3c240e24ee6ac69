package io.matrixone.cdc.testing.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.common.SchemaCachingJsonConverter;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

/** The bench's arrival probe reads after.seq (or a flat row's seq) from records as mo-cdc's converter writes them, schema and all. */
class KafkaArrivalsTest {

    private static final Schema ROW = SchemaBuilder.struct().name("row").optional()
            .field("id", Schema.INT32_SCHEMA).field("seq", Schema.INT64_SCHEMA).field("note", Schema.OPTIONAL_STRING_SCHEMA)
            .build();
    private static final Schema ENVELOPE = SchemaBuilder.struct().name("envelope")
            .field("before", ROW).field("after", ROW).field("op", Schema.STRING_SCHEMA).build();

    @Test
    void readsTheSeqOfTheRowAfterTheChange() {
        Struct before = new Struct(ROW).put("id", 7).put("seq", 41L).put("note", "\"payload\":{\"after\":{\"seq\":1}}");
        Struct after = new Struct(ROW).put("id", 7).put("seq", 42L).put("note", "x");
        assertThat(KafkaArrivals.seqOf(json(new Struct(ENVELOPE).put("before", before).put("after", after).put("op", "u"))))
                .isEqualTo(42L);
    }

    @Test
    void readsTheSeqOfAFlatRow() {
        assertThat(KafkaArrivals.seqOf(json(new Struct(ROW).put("id", 7).put("seq", 43L).put("note", "x")))).isEqualTo(43L);
    }

    @Test
    void aDeleteATombstoneAndNonJsonCarryNone() {
        Struct before = new Struct(ROW).put("id", 7).put("seq", 41L);
        assertThat(KafkaArrivals.seqOf(json(new Struct(ENVELOPE).put("before", before).put("op", "d")))).isZero();
        assertThat(KafkaArrivals.seqOf(null)).isZero();
        assertThat(KafkaArrivals.seqOf("not json".getBytes())).isZero();
    }

    private static byte[] json(Struct value) {
        SchemaCachingJsonConverter converter = new SchemaCachingJsonConverter();
        converter.configure(Map.of("schemas.enable", "true"), false);
        return converter.fromConnectData("t", value.schema(), value);
    }
}
