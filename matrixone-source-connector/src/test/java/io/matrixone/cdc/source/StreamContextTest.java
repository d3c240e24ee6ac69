package io.matrixone.cdc.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How a task shares its connector's idle-read and probe budgets among its tables, and its settings with its read lanes. */
class StreamContextTest {

    private static StreamContext context(Map<String, String> extra) {
        Map<String, String> props = new HashMap<>(Map.of("connection.uri", "mysql://root:111@127.0.0.1:6001",
                "topic.prefix", "mo", "tables", "db.*"));
        props.putAll(extra);
        return new StreamContext(new MatrixOneSourceConfig(props), "c", "0", null, null);
    }

    @Test
    void idleTablesAreReadAtTheConnectorsPaceSharedByItsTasks() {
        StreamContext ctx = context(Map.of());
        ctx.tableCount(200, 1); // 10 idle reads per second by default
        assertThat(ctx.idleIntervalNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(20));
        assertThat(ctx.probesPerSecond()).isEqualTo(50.0);
        ctx.tableCount(100, 2); // each of two tasks: half the tables, half the budget
        assertThat(ctx.idleIntervalNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(20));
        assertThat(ctx.probesPerSecond()).isEqualTo(25.0);
    }

    @Test
    void fewTablesAreReadEveryPollIntervalAndNeverProbedMoreOftenThanThat() {
        StreamContext ctx = context(Map.of());
        ctx.tableCount(4, 1);
        assertThat(ctx.idleIntervalNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(1));
        ctx.tableCount(20, 1); // read every 2 s: probed, but once per table and second at most
        assertThat(ctx.idleIntervalNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(2));
        assertThat(ctx.probesPerSecond()).isEqualTo(20.0);
        StreamContext fast = context(Map.of("poll.interval.ms", "200"));
        fast.tableCount(4, 1);
        assertThat(fast.probesPerSecond()).isEqualTo(20.0);
    }

    @Test
    void idleTablesAreNeverReadMoreOftenThanBusyOnes() {
        StreamContext defaults = context(Map.of());
        assertThat(defaults.busyIntervalNanos).isEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(defaults.pollIntervalNanos).isEqualTo(TimeUnit.SECONDS.toNanos(1));
        StreamContext slow = context(Map.of("busy.poll.interval.ms", "5000"));
        assertThat(slow.busyIntervalNanos).isEqualTo(TimeUnit.SECONDS.toNanos(5));
        assertThat(slow.pollIntervalNanos).as("poll.interval.ms (1 s) raised to the busy interval").isEqualTo(TimeUnit.SECONDS.toNanos(5));
        slow.tableCount(4, 1);
        assertThat(slow.idleIntervalNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(5));
    }
}
