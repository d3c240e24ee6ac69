package io.matrixone.cdc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which topics 'task drop' deletes: the task's table topics and its heartbeat topic, nothing else. */
class TaskTopicsTest {

    @Test
    void theTasksTableTopicsAndHeartbeatTopicBelongToIt() {
        TaskTopics topics = TaskTopics.of("sync", Map.of("topic.prefix", "sync"));
        assertThat(topics.belongs("sync.db.t")).isTrue();
        assertThat(topics.belongs("sync.db.with.dots")).isTrue();
        assertThat(topics.belongs("__mo_cdc_heartbeat.sync")).isTrue();
        assertThat(topics.belongs("sync_2.db.t")).as("another task whose name starts the same").isFalse();
        assertThat(topics.belongs("sync-2.db.t")).isFalse();
        assertThat(topics.belongs("sync")).isFalse();
        assertThat(topics.belongs("__mo_cdc_heartbeat.sync_2")).isFalse();
        assertThat(topics.belongs("connect-offsets")).isFalse();
        assertThat(topics.describe()).isEqualTo("sync.* and __mo_cdc_heartbeat.sync");
    }

    @Test
    void followsTheSourceConfigAndDefaultsWhenTheSourceConnectorIsGone() {
        TaskTopics custom = TaskTopics.of("sync", Map.of("topic.prefix", "p", "heartbeat.topics.prefix", "hb"));
        assertThat(custom.belongs("p.db.t")).isTrue();
        assertThat(custom.belongs("hb.p")).isTrue();
        assertThat(custom.belongs("sync.db.t")).isFalse();
        TaskTopics halfMade = TaskTopics.of("sync", Map.of());
        assertThat(halfMade.belongs("sync.db.t")).isTrue();
        assertThat(halfMade.belongs("__mo_cdc_heartbeat.sync")).isTrue();
    }
}
