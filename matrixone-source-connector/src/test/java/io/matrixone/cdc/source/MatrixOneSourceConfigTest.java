package io.matrixone.cdc.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.matrixone.cdc.source.MatrixOneSourceConfig.Envelope;
import io.matrixone.cdc.source.MatrixOneSourceConfig.Level;
import io.matrixone.cdc.source.MatrixOneSourceConfig.SnapshotMode;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class MatrixOneSourceConfigTest {

    private static Map<String, String> minimal() {
        Map<String, String> props = new HashMap<>();
        props.put("connection.uri", "mysql://root:111@127.0.0.1:6001");
        props.put("topic.prefix", "mo");
        props.put("tables", "db.t:db2.t2, other.*");
        return props;
    }

    @Test
    void defaultsFollowDebezium() {
        MatrixOneSourceConfig config = new MatrixOneSourceConfig(minimal());
        assertThat(config.snapshotMode()).isEqualTo(SnapshotMode.INITIAL);
        assertThat(config.envelope()).isEqualTo(Envelope.DEBEZIUM);
        assertThat(config.level()).isEqualTo(Level.TABLE);
        assertThat(config.getInt(MatrixOneSourceConfig.SNAPSHOT_FETCH_SIZE)).isEqualTo(10_000);
        assertThat(config.getLong(MatrixOneSourceConfig.POLL_INTERVAL_MS)).isEqualTo(1000L);
        assertThat(config.exclude()).isNull();
        assertThat(config.tables().targetOf(io.matrixone.cdc.common.TableId.parse("db.t"))).hasValue(
                io.matrixone.cdc.common.TableId.parse("db2.t2"));
    }

    @Test
    void acceptsModesInAnyCase() {
        Map<String, String> props = minimal();
        props.put("snapshot.mode", "WHEN_NEEDED");
        props.put("envelope", "flat");
        props.put("level", "account");
        MatrixOneSourceConfig config = new MatrixOneSourceConfig(props);
        assertThat(config.snapshotMode()).isEqualTo(SnapshotMode.WHEN_NEEDED);
        assertThat(config.envelope()).isEqualTo(Envelope.FLAT);
        assertThat(config.level()).isEqualTo(Level.ACCOUNT);
    }

    @Test
    void topicPrefixIsRequired() {
        Map<String, String> props = minimal();
        props.remove("topic.prefix");
        assertThatThrownBy(() -> new MatrixOneSourceConfig(props)).isInstanceOf(ConfigException.class).hasMessageContaining("topic.prefix");
    }

    @Test
    void busyTablesAreReadNoMoreOftenThanTheTaskFences() {
        assertThat(new MatrixOneSourceConfig(minimal()).getLong(MatrixOneSourceConfig.BUSY_POLL_INTERVAL_MS)).isEqualTo(100L);
        Map<String, String> props = minimal();
        props.put("busy.poll.interval.ms", "50");
        assertThatThrownBy(() -> new MatrixOneSourceConfig(props)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("busy.poll.interval.ms").hasMessageContaining("at least 100");
    }

    @Test
    void badValuesNameTheirField() {
        Map<String, String> props = minimal();
        props.put("exclude", "(unclosed");
        assertThatThrownBy(() -> new MatrixOneSourceConfig(props)).isInstanceOf(ConfigException.class).hasMessageContaining("exclude");
        props.remove("exclude");
        props.put("snapshot.mode", "sometimes");
        assertThatThrownBy(() -> new MatrixOneSourceConfig(props)).isInstanceOf(ConfigException.class).hasMessageContaining("snapshot.mode");
        props.remove("snapshot.mode");
        props.put("start.ts", "soon");
        assertThatThrownBy(() -> new MatrixOneSourceConfig(props)).isInstanceOf(ConfigException.class).hasMessageContaining("start.ts");
    }

    @Test
    void endTsMustFollowStartTs() {
        Map<String, String> props = minimal();
        props.put("start.ts", "2024-01-02 00:00:00");
        props.put("end.ts", "2024-01-01 00:00:00");
        assertThatThrownBy(() -> new MatrixOneSourceConfig(props)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("end.ts").hasMessageContaining("must be later than start.ts");
        props.put("end.ts", "2024-01-02 00:00:01.5");
        assertThat(new MatrixOneSourceConfig(props).endNanos()).isEqualTo(1_704_153_601_500_000_000L);
    }

    @Test
    void declaresEveryKeyInOneConfigDef() {
        assertThat(MatrixOneSourceConfig.CONFIG_DEF.names()).contains("connection.uri", "topic.prefix", "level", "tables", "exclude",
                "snapshot.mode", "snapshot.fetch.size", "poll.interval.ms", "start.ts", "envelope", "heartbeat.interval.ms");
    }

    @Test
    void scopeFollowsLevelTablesAndExclude() {
        Map<String, String> props = minimal();
        props.put("exclude", "other\\.tmp_.*");
        MatrixOneSourceConfig tables = new MatrixOneSourceConfig(props);
        assertThat(TableScope.inScope(io.matrixone.cdc.common.TableId.parse("db.t"), tables)).isTrue();
        assertThat(TableScope.inScope(io.matrixone.cdc.common.TableId.parse("db.u"), tables)).isFalse();
        assertThat(TableScope.inScope(io.matrixone.cdc.common.TableId.parse("other.x"), tables)).isTrue();
        assertThat(TableScope.inScope(io.matrixone.cdc.common.TableId.parse("other.tmp_1"), tables)).isFalse();
        props.put("level", "account");
        MatrixOneSourceConfig account = new MatrixOneSourceConfig(props);
        assertThat(TableScope.inScope(io.matrixone.cdc.common.TableId.parse("any.table"), account)).isTrue();
        assertThat(TableScope.inScope(io.matrixone.cdc.common.TableId.parse("mo_catalog.mo_tables"), account)).isFalse();
        assertThat(TableScope.inScope(io.matrixone.cdc.common.TableId.parse("other.tmp_2"), account)).isFalse();
    }
}
