package io.matrixone.cdc.it.bench;

import io.matrixone.cdc.common.ChangeEvent;
import io.matrixone.cdc.common.SchemaCachingJsonConverter;
import io.matrixone.cdc.common.SemanticTypes;
import io.matrixone.cdc.testing.bench.Bench;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.Converter;

/**
 * CPU per record of the value converter, both ways, on records shaped like the pipeline benchmark's (the envelope of
 * a 6-column row, mo-cdc's converter settings): Kafka's JsonConverter beside mo-cdc's SchemaCachingJsonConverter,
 * same bytes. The source task converts every record once to JSON, the sink task once back: in a copy's profile
 * that was a third of the source task's CPU and a quarter of the sink task's. Prints records per CPU-second of one
 * thread and the ratio; asserts nothing. Run with scripts/bench-converter.sh [records=200000] [rounds=5].
 */
public final class ConverterBenchmark {

    private static final Schema ROW = SchemaBuilder.struct().name("bench.db.b.Value").optional()
            .field("id", column(SchemaBuilder.int64(), "BIGINT", false))
            .field("seq", column(SchemaBuilder.int64(), "BIGINT", false))
            .field("k", column(SchemaBuilder.int32(), "INT", true))
            .field("amount", column(Decimal.builder(2).parameter("connect.decimal.precision", "12"), "DECIMAL(12,2)", true))
            .field("note", column(SchemaBuilder.string(), "VARCHAR(64)", true))
            .field("updated_at", column(SchemaBuilder.int64().name(SemanticTypes.MICRO_TIMESTAMP), "DATETIME(6)", true))
            .build();
    private static final Schema SOURCE = SchemaBuilder.struct().name("io.matrixone.cdc.Source")
            .field("version", Schema.STRING_SCHEMA).field("connector", Schema.STRING_SCHEMA).field("name", Schema.STRING_SCHEMA)
            .field("db", Schema.STRING_SCHEMA).field("table", Schema.STRING_SCHEMA).field("ts_ms", Schema.INT64_SCHEMA)
            .field("ts_ns", Schema.INT64_SCHEMA).field("snapshot", Schema.OPTIONAL_STRING_SCHEMA)
            .build();
    private static final Schema ENVELOPE = SchemaBuilder.struct().name("bench.db.b.Envelope")
            .field("before", ROW).field("after", ROW).field("source", SOURCE).field("op", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
            .build();

    private static Schema column(SchemaBuilder builder, String type, boolean optional) {
        builder.parameter(ChangeEvent.COLUMN_TYPE_PARAM, type);
        return optional ? builder.optional().build() : builder.build();
    }

    public static void main(String[] args) {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        List<Struct> values = new ArrayList<>(records);
        long ts = System.currentTimeMillis() * 1_000_000L;
        for (int i = 0; i < records; i++) {
            Struct row = new Struct(ROW).put("id", (long) i).put("seq", (long) i * 7).put("k", i % 1000)
                    .put("amount", BigDecimal.valueOf(i * 37L % 1_000_000, 2)).put("note", "note " + i + " of the benchmark")
                    .put("updated_at", ts / 1000 + i);
            Struct source = new Struct(SOURCE).put("version", "1.0").put("connector", "matrixone").put("name", "bench")
                    .put("db", "db").put("table", "b").put("ts_ms", ts / 1_000_000).put("ts_ns", ts).put("snapshot", "true");
            values.add(new Struct(ENVELOPE).put("after", row).put("source", source).put("op", "r").put("ts_ms", ts / 1_000_000));
        }
        Map<String, String> config = Map.of("schemas.enable", "true", "decimal.format", "NUMERIC");
        JsonConverter plain = new JsonConverter();
        plain.configure(config, false);
        SchemaCachingJsonConverter fast = new SchemaCachingJsonConverter();
        fast.configure(config, false);
        System.out.printf("%,d records, %d rounds, best round of each (%s)%n", records, rounds, Bench.load());
        double[] plainRates = measure(plain, values, rounds);
        double[] fastRates = measure(fast, values, rounds);
        System.out.printf("JsonConverter:              to JSON %,10.0f records/s, from JSON %,10.0f records/s (CPU of one thread)%n",
                plainRates[0], plainRates[1]);
        System.out.printf("SchemaCachingJsonConverter: to JSON %,10.0f records/s, from JSON %,10.0f records/s -> %.2fx / %.2fx%n",
                fastRates[0], fastRates[1], fastRates[0] / plainRates[0], fastRates[1] / plainRates[1]);
    }

    /** Best records per CPU-second over the rounds: {to JSON, from JSON}. */
    private static double[] measure(Converter converter, List<Struct> values, int rounds) {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        byte[][] written = new byte[values.size()][];
        double bestTo = 0;
        double bestFrom = 0;
        long sink = 0;
        for (int round = 0; round < rounds; round++) {
            long start = cpu.getCurrentThreadCpuTime();
            for (int i = 0; i < written.length; i++) {
                written[i] = converter.fromConnectData("bench.db.b", ENVELOPE, values.get(i));
            }
            long mid = cpu.getCurrentThreadCpuTime();
            for (byte[] bytes : written) {
                sink += ((Struct) converter.toConnectData("bench.db.b", bytes).value()).getStruct("after").getInt64("id");
            }
            long end = cpu.getCurrentThreadCpuTime();
            bestTo = Math.max(bestTo, written.length / ((mid - start) / 1e9));
            bestFrom = Math.max(bestFrom, written.length / ((end - mid) / 1e9));
        }
        if (sink == 42) {
            System.out.println(); // keeps the reads from being optimised away
        }
        return new double[] {bestTo, bestFrom};
    }
}
