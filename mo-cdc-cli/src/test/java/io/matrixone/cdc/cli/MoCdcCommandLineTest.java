package io.matrixone.cdc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Exit codes and one-line errors a script can rely on, without any server. */
class MoCdcCommandLineTest {

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private PrintStream oldErr;
    private PrintStream oldOut;

    @BeforeEach
    void capture() {
        oldErr = System.err;
        oldOut = System.out;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setErr(oldErr);
        System.setOut(oldOut);
    }

    private String errText() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void unknownFlagIsAUsageError() {
        assertThat(MoCdc.run("task", "create", "--task-nam", "x")).isEqualTo(2);
        assertThat(errText()).contains("--task-nam");
    }

    @Test
    void missingRequiredFlagIsAUsageError() {
        assertThat(MoCdc.run("task", "create", "--task-name", "t", "--source-uri", "mysql://root:111@127.0.0.1:6001"))
                .isEqualTo(2);
        assertThat(errText()).contains("--sink-uri");
    }

    @Test
    void unknownSubcommandIsAUsageError() {
        assertThat(MoCdc.run("task", "frobnicate")).isEqualTo(2);
    }

    @Test
    void helpAndVersionSucceed() {
        assertThat(MoCdc.run("--help")).isZero();
        assertThat(MoCdc.run("--version")).isZero();
        assertThat(MoCdc.run("task", "create", "--help")).isZero();
        assertThat(MoCdc.run("runtime", "stop", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("mo-cdc");
    }

    @Test
    void badSinkTypeIsOneLineFailureNamingTheFlag() {
        int rc = MoCdc.run("task", "create", "--task-name", "t", "--source-uri", "mysql://root:111@127.0.0.1:1",
                "--sink-uri", "mysql://root:111@127.0.0.1:1", "--sink-type", "postgres", "--tables", "a.b");
        assertThat(rc).isEqualTo(1);
        assertThat(errText().strip()).isEqualTo("mo-cdc: invalid --sink-type 'postgres': matrixone or mysql");
    }

    @Test
    void unreachableMatrixOneIsOneLineWithoutPasswordOrStack() {
        // Port 1 on loopback: nothing listens, the check fails fast.
        int rc = MoCdc.run("task", "create", "--task-name", "t", "--source-uri", "mysql://root:s3cret@127.0.0.1:1",
                "--sink-uri", "mysql://root:s3cret@127.0.0.1:1", "--tables", "a.b", "--connect-url", "http://127.0.0.1:1");
        assertThat(rc).isEqualTo(1);
        assertThat(errText()).startsWith("mo-cdc: source").doesNotContain("s3cret").doesNotContain("\tat ");
        assertThat(errText().strip().lines()).hasSize(1);
    }

    @Test
    void unreachableConnectIsOneLine() {
        int rc = MoCdc.run("task", "show", "--task-name", "t", "--connect-url", "http://127.0.0.1:1");
        assertThat(rc).isEqualTo(1);
        assertThat(errText().strip()).isEqualTo("mo-cdc: cannot reach Kafka Connect at http://127.0.0.1:1");
    }

    @Test
    void badUriIsOneLineWithoutPasswordBeforeAnyNetwork() {
        int rc = MoCdc.run("task", "show", "--task-name", "t", "--source-uri", "http://root:s3cret@h", "--connect-url",
                "http://127.0.0.1:1");
        assertThat(rc).isEqualTo(1);
        assertThat(errText()).startsWith("mo-cdc: not a MatrixOne URI").doesNotContain("s3cret");
        assertThat(errText().strip().lines()).hasSize(1);
    }
}
