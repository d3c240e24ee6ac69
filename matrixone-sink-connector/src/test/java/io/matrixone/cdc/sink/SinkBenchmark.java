package io.matrixone.cdc.sink;

import io.matrixone.cdc.common.ChangeEvent;
import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneUri;
import io.matrixone.cdc.testing.Sql;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

/**
 * Rows per second of the sink task's put() into a real MatrixOne, beside a plain JDBC multi-row INSERT
 * loop writing the same rows in the same batch sizes into the same server. Kafka is left out on
 * purpose: this measures the sink's own cost (reading records, collapsing, SQL, transactions).
 * Run with scripts/bench-sink.sh [rows] [rows-per-put] [rounds] [target-uri].
 */
public final class SinkBenchmark {

    private static final Schema KEY = SchemaBuilder.struct().name("bench.Key")
            .field("activity_id", typed(SchemaBuilder.int32(), "INT")).build();
    private static final Schema ROW = SchemaBuilder.struct().name("bench.Value")
            .field("activity_id", typed(SchemaBuilder.int32(), "INT"))
            .field("user_id", typed(SchemaBuilder.int32().optional(), "INT"))
            .field("activity_type", typed(SchemaBuilder.string().optional(), "VARCHAR(50)"))
            .field("timestamp", typed(org.apache.kafka.connect.data.Timestamp.builder().optional(), "DATETIME"))
            .field("device", typed(SchemaBuilder.string().optional(), "VARCHAR(20)"))
            .build();
    private static final String[] TYPES = {"login", "logout", "view", "purchase"};
    private static final String[] DEVICES = {"mobile", "desktop", "tablet"};
    private static final long START_MS = 1_704_067_200_000L; // 2024-01-01 00:00:00 UTC

    private SinkBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int perPut = args.length > 1 ? Integer.parseInt(args[1]) : 500; // Connect's default max.poll.records
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        MatrixOneUri target = MatrixOneUri.parse(args.length > 3 ? args[3] : "mysql://root:111@127.0.0.1:6002");
        String db = Sql.uniqueDatabase("sinkbench");
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        try (Connection conn = Connections.open(target)) {
            Sql.exec(conn, "create database " + db);
            try {
                System.gc();
                long heapBefore = memory.getHeapMemoryUsage().getUsed();
                long[] peak = {heapBefore};
                String upsert = " on duplicate key update user_id = values(user_id), activity_type = values(activity_type), "
                        + "`timestamp` = values(`timestamp`), device = values(device)";
                System.out.printf("rows=%d rows-per-put=%d rounds=%d (the machine is shared: compare within a round)%n",
                        rows, perPut, rounds);
                for (int round = 1; round <= rounds; round++) {
                    String suffix = "_" + round;
                    double sink = timeSink(target, db + ".sink" + suffix, rows, perPut, memory, peak);
                    double jdbc = timeJdbc(conn, db + ".insert" + suffix, rows, perPut, "");
                    double jdbcUpsert = timeJdbc(conn, db + ".upsert" + suffix, rows, perPut, upsert);
                    double jdbcReplace = timeJdbc(conn, db + ".replace" + suffix, rows, perPut, null);
                    for (String table : List.of("sink", "insert", "upsert", "replace")) {
                        verify(conn, db + "." + table + suffix, rows);
                    }
                    System.out.printf("round %d: sink put() %,8.0f rows/s | JDBC insert %,8.0f | JDBC upsert (sink's SQL) %,8.0f"
                            + " | JDBC replace %,8.0f | sink/insert %.2f | sink/upsert %.2f%n",
                            round, sink, jdbc, jdbcUpsert, jdbcReplace, sink / jdbc, sink / jdbcUpsert);
                }
                System.out.printf("heap used: before %d MiB, peak during sink %d MiB (max heap %d MiB)%n",
                        heapBefore >> 20, peak[0] >> 20, Runtime.getRuntime().maxMemory() >> 20);
            } finally {
                Sql.exec(conn, "drop database if exists " + db);
            }
        }
    }

    private static double timeSink(MatrixOneUri target, String table, int rows, int perPut, MemoryMXBean memory, long[] peak) {
        MatrixOneSinkTask task = new MatrixOneSinkTask();
        task.initialize(new BenchContext());
        task.start(Map.of("connection.uri", target.unmasked(), "table.name.format", table,
                "name", "bench", "task.id", "0"));
        try {
            // Only put() is timed: building the records stands for the worker's converter, not the sink.
            long spent = 0;
            for (int from = 1; from <= rows; from += perPut) {
                int to = Math.min(rows, from + perPut - 1);
                List<SinkRecord> batch = new ArrayList<>(to - from + 1);
                for (int id = from; id <= to; id++) {
                    Struct row = new Struct(ROW).put("activity_id", id).put("user_id", id % 10_000)
                            .put("activity_type", TYPES[id % TYPES.length])
                            .put("timestamp", new java.util.Date(START_MS + id * 1000L))
                            .put("device", DEVICES[id % DEVICES.length]);
                    batch.add(new SinkRecord("bench", 0, KEY, new Struct(KEY).put("activity_id", id), ROW, row, id));
                }
                long start = System.nanoTime();
                task.put(batch);
                task.flush(Map.of()); // the put's writes run in the background: time them to their commit
                spent += System.nanoTime() - start;
                peak[0] = Math.max(peak[0], memory.getHeapMemoryUsage().getUsed());
            }
            return rows / (spent / 1e9);
        } finally {
            task.stop();
        }
    }

    private static double timeJdbc(Connection conn, String table, int rows, int perStatement, String suffix) throws Exception {
        Sql.exec(conn, "create table " + table + " (activity_id INT PRIMARY KEY, user_id INT, activity_type VARCHAR(50), "
                + "`timestamp` DATETIME, device VARCHAR(20))");
        long start = System.nanoTime();
        for (int from = 1; from <= rows; from += perStatement) {
            int to = Math.min(rows, from + perStatement - 1);
            StringBuilder sql = new StringBuilder((suffix == null ? "replace" : "insert") + " into " + table + " values ");
            for (int id = from; id <= to; id++) {
                sql.append(id == from ? "" : ",").append("(?,?,?,?,?)");
            }
            sql.append(suffix == null ? "" : suffix);
            try (PreparedStatement st = conn.prepareStatement(sql.toString())) {
                int i = 1;
                for (int id = from; id <= to; id++) {
                    st.setInt(i++, id);
                    st.setInt(i++, id % 10_000);
                    st.setString(i++, TYPES[id % TYPES.length]);
                    st.setTimestamp(i++, Timestamp.valueOf(LocalDateTime.of(2024, 1, 1, 0, 0).plusSeconds(id)));
                    st.setString(i++, DEVICES[id % DEVICES.length]);
                }
                st.executeUpdate();
            }
        }
        return rows / ((System.nanoTime() - start) / 1e9);
    }

    private static void verify(Connection conn, String table, int rows) throws Exception {
        String count = Sql.scalar(conn, "select count(*) from " + table);
        if (!count.equals(String.valueOf(rows))) {
            throw new IllegalStateException(table + " holds " + count + " rows, expected " + rows);
        }
    }

    private static Schema typed(SchemaBuilder builder, String type) {
        return builder.parameter(ChangeEvent.COLUMN_TYPE_PARAM, type).build();
    }

    /** What a worker gives a task; the benchmark has no consumer, so most of it does nothing. */
    private static final class BenchContext implements SinkTaskContext {
        @Override
        public Map<String, String> configs() {
            return Map.of();
        }

        @Override
        public void offset(Map<TopicPartition, Long> offsets) {
        }

        @Override
        public void offset(TopicPartition tp, long offset) {
        }

        @Override
        public void timeout(long timeoutMs) {
        }

        @Override
        public Set<TopicPartition> assignment() {
            return Set.of();
        }

        @Override
        public void pause(TopicPartition... partitions) {
        }

        @Override
        public void resume(TopicPartition... partitions) {
        }

        @Override
        public void requestCommit() {
        }

        @Override
        public org.apache.kafka.common.metrics.PluginMetrics pluginMetrics() {
            return null;
        }
    }
}
