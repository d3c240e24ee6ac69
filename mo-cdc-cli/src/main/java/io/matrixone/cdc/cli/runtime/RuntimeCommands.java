package io.matrixone.cdc.cli.runtime;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mo-cdc runtime start|stop|status}: the embedded single-node Kafka + Connect. */
@Command(name = "runtime", description = "Control the embedded Kafka + Connect runtime.",
        subcommands = {RuntimeCommands.Start.class, RuntimeCommands.Stop.class, RuntimeCommands.Status.class})
public final class RuntimeCommands {

    abstract static class WithDataDir {
        @Option(names = "--data-dir", description = "State of the embedded runtime. Default: ${DEFAULT-VALUE}",
                defaultValue = "${env:MO_CDC_HOME:-${sys:user.home}/.mo-cdc}")
        Path dataDir;
    }

    @Command(name = "start", description = "Start it (tasks keep running in it after mo-cdc exits).")
    static final class Start extends WithDataDir implements Callable<Integer> {
        @Override
        public Integer call() {
            new EmbeddedRuntime(dataDir).start(System.err);
            return 0;
        }
    }

    @Command(name = "stop", description = "Stop it; tasks resume from their checkpoints when it starts again.")
    static final class Stop extends WithDataDir implements Callable<Integer> {
        @Override
        public Integer call() {
            System.err.println(new EmbeddedRuntime(dataDir).stop() ? "embedded runtime stopped" : "embedded runtime was not running");
            return 0;
        }
    }

    @Command(name = "status", description = "Exit 0 when it runs.")
    static final class Status extends WithDataDir implements Callable<Integer> {
        @Override
        public Integer call() {
            var process = new EmbeddedRuntime(dataDir).process();
            System.out.println(process.map(p -> "running (pid " + p.pid() + ")").orElse("not running"));
            return process.isPresent() ? 0 : 1;
        }
    }
}
