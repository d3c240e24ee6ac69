package io.matrixone.cdc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shape of 'task show': state from Connect statuses, one-line errors, checkpoints, masking, JSON layout. */
class TaskViewTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode status(String connector, String... tasks) throws Exception {
        StringBuilder text = new StringBuilder("{\"connector\":{\"state\":\"" + connector + "\"},\"tasks\":[");
        for (int i = 0; i < tasks.length; i++) {
            text.append(i > 0 ? "," : "").append("{\"id\":").append(i).append(",\"state\":\"").append(tasks[i]).append("\"}");
        }
        return JSON.readTree(text.append("]}").toString());
    }

    @Test
    void stateCombinesBothConnectorsAndAllTasks() throws Exception {
        assertThat(TaskView.state(List.of(status("RUNNING", "RUNNING"), status("RUNNING", "RUNNING")))).isEqualTo("running");
        assertThat(TaskView.state(List.of(status("RUNNING", "RUNNING"), status("RUNNING", "FAILED")))).isEqualTo("failed");
        assertThat(TaskView.state(List.of(status("PAUSED", "PAUSED"), status("PAUSED", "PAUSED")))).isEqualTo("paused");
        assertThat(TaskView.state(List.of(status("RUNNING", "RUNNING"), status("RUNNING")))).isEqualTo("starting");
        assertThat(TaskView.state(List.of(status("RUNNING", "UNASSIGNED"), status("RUNNING", "RUNNING")))).isEqualTo("starting");
    }

    @Test
    void errorIsTheDeepestCauseOnOneLineWithPasswordsMasked() throws Exception {
        String trace = "org.apache.kafka.connect.errors.ConnectException: task failed\n\tat a.b.C.d(C.java:1)\n"
                + "Caused by: java.sql.SQLException: Access denied connecting to mysql://root:topsecret@127.0.0.1:6001\n\tat x.y(Z.java:2)";
        JsonNode failed = JSON.readTree("{\"connector\":{\"state\":\"RUNNING\"},\"tasks\":[{\"id\":0,\"state\":\"FAILED\",\"trace\":"
                + JSON.writeValueAsString(trace) + "}]}");
        String error = TaskView.error(List.of(status("RUNNING", "RUNNING"), failed));
        assertThat(error).isEqualTo("Access denied connecting to mysql://root:******@127.0.0.1:6001");
        assertThat(TaskView.error(List.of(status("RUNNING", "RUNNING")))).isEmpty();
    }

    @Test
    void maskedUriNeverShowsThePassword() {
        assertThat(TaskView.maskedUri(Map.of("connection.uri", "mysql://root:111@127.0.0.1:6001")))
                .isEqualTo("mysql://root:******@127.0.0.1:6001");
        assertThat(TaskView.maskedUri(Map.of("connection.url", "mysql://root:pa:ss@127.0.0.1:6001")))
                .doesNotContain("pa:ss").doesNotContain("ss@");
    }

    @Test
    void checkpointListsEachTableWithItsCommittedTime() throws Exception {
        JsonNode offsets = JSON.readTree("{\"offsets\":["
                + "{\"partition\":{\"server\":\"s\",\"db\":\"production_db\",\"table\":\"user_activities\"},"
                + "\"offset\":{\"ts\":1711611966077697000,\"phase\":\"stream\"}},"
                + "{\"partition\":{\"server\":\"s\",\"db\":\"a\",\"table\":\"b\"},"
                + "\"offset\":{\"ts\":1711611966000000000,\"phase\":\"snapshot\",\"last_pk\":\"[1]\"}}]}");
        assertThat(TaskView.checkpoint(offsets)).isEqualTo("{\n"
                + "  \"a.b\": 2024-03-28 07:46:06.000000000 +0000 UTC (snapshot),\n"
                + "  \"production_db.user_activities\": 2024-03-28 07:46:06.077697000 +0000 UTC,\n"
                + "}");
        assertThat(TaskView.checkpoint(JSON.readTree("{\"offsets\":[]}"))).isEqualTo("{\n}");
    }

    @Test
    void printedJsonHasMoCdcShapeAndParsesBack() throws Exception {
        Map<String, String> task = new LinkedHashMap<>();
        task.put("task-id", "0195dbb6-e31e-7572-bfdb-812fd02714a1");
        task.put("task-name", "activity_sync");
        task.put("source-uri", "mysql://root:******@127.0.0.1:6001");
        task.put("sink-uri", "mysql://root:******@10.222.1.1:6001");
        task.put("state", "running");
        task.put("err-msg", "");
        task.put("checkpoint", "{\n}");
        task.put("timestamp", "2025-03-28 15:46:06.077697000 +0000 UTC");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TaskCommands.printJson(new PrintStream(bytes, true, StandardCharsets.UTF_8), List.of(task));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(text).isEqualTo("[\n  {\n"
                + "    \"task-id\": \"0195dbb6-e31e-7572-bfdb-812fd02714a1\",\n"
                + "    \"task-name\": \"activity_sync\",\n"
                + "    \"source-uri\": \"mysql://root:******@127.0.0.1:6001\",\n"
                + "    \"sink-uri\": \"mysql://root:******@10.222.1.1:6001\",\n"
                + "    \"state\": \"running\",\n"
                + "    \"err-msg\": \"\",\n"
                + "    \"checkpoint\": \"{\\n}\",\n"
                + "    \"timestamp\": \"2025-03-28 15:46:06.077697000 +0000 UTC\"\n"
                + "  }\n]\n");
        JsonNode parsed = JSON.readTree(text);
        assertThat(parsed.isArray()).isTrue();
        assertThat(parsed.get(0).get("checkpoint").asText()).isEqualTo("{\n}");
        List<String> keys = JSON.convertValue(parsed.get(0), Map.class).keySet().stream().map(Object::toString).toList();
        assertThat(keys).containsExactly("task-id", "task-name", "source-uri", "sink-uri", "state", "err-msg", "checkpoint", "timestamp");
    }

    @Test
    void emptyListIsAnEmptyArray() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TaskCommands.printJson(new PrintStream(bytes, true, StandardCharsets.UTF_8), List.of());
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("[]\n");
    }
}
