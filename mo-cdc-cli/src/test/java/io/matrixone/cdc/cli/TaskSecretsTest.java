package io.matrixone.cdc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.common.ConnectionConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskSecretsTest {

    private static final String SOURCE = "mysql://acct#admin:p@ss:w#rd=1@127.0.0.1:6001";
    private static final String SINK = "mysql://root:s1nk-secret@127.0.0.1:6002";

    @TempDir
    Path dir;

    @Test
    void movesTheUrisIntoAnOwnerOnlyFileAndLeavesReferencesThatResolveToThem() throws Exception {
        TaskSecrets secrets = TaskSecrets.in(dir.resolve("secrets"));
        Map<String, String> source = new HashMap<>(Map.of(ConnectionConfig.URI, SOURCE, "tables", "d.t"));
        Map<String, String> sink = new HashMap<>(Map.of(ConnectionConfig.URI, SINK));

        secrets.moveOut("t1", source, sink);

        Path file = dir.resolve("secrets").resolve("t1.properties");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
        assertThat(source.get(ConnectionConfig.URI)).isEqualTo("${file:" + file + ":source.uri}");
        assertThat(sink.get(ConnectionConfig.URI)).isEqualTo("${file:" + file + ":sink.uri}");
        assertThat(source.toString() + sink).doesNotContain("p@ss").doesNotContain("s1nk-secret");
        // What a worker's FileConfigProvider hands the connectors: the URIs exactly as given.
        assertThat(TaskSecrets.resolve(source)).containsEntry(ConnectionConfig.URI, SOURCE).containsEntry("tables", "d.t");
        assertThat(TaskSecrets.resolve(sink)).containsEntry(ConnectionConfig.URI, SINK);
        assertThat(dir.resolve("secrets")).isDirectoryNotContaining(p -> p.toString().endsWith(".tmp"));

        TaskSecrets.deleteReferenced(source);
        assertThat(file).doesNotExist();
        assertThat(TaskSecrets.resolve(source)).as("an unreadable reference stays as it is")
                .containsEntry(ConnectionConfig.URI, "${file:" + file + ":source.uri}");
        assertThat(TaskSecrets.isReference(TaskSecrets.resolve(source).get(ConnectionConfig.URI))).isTrue();
    }

    @Test
    void plainConfigsAreLeftAlone() {
        Map<String, String> plain = Map.of(ConnectionConfig.URI, SINK);
        assertThat(TaskSecrets.resolve(plain)).isEqualTo(plain);
        TaskSecrets.deleteReferenced(plain); // nothing to delete, no error
        assertThat(TaskSecrets.isReference(SINK)).isFalse();
        assertThat(TaskSecrets.in(null)).isNull();
    }
}
