package io.matrixone.cdc.cli.runtime;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code mo-cdc runtime start|stop|status}: the embedded single-node Kafka + Connect. */
@Command(name = "runtime", description = "Control the embedded Kafka + Connect runtime.",
        subcommands = {RuntimeCommands.Start.class, RuntimeCommands.Stop.class, RuntimeCommands.Status.class})
public final class RuntimeCommands {

    abstract static class WithDataDir {
        @Mixin
        RuntimeSettings settings;
    }

    @Command(name = "start", description = "Start it (tasks keep running in it after mo-cdc exits).")
    static final class Start extends WithDataDir implements Callable<Integer> {
        @Override
        public Integer call() {
            settings.runtime().start(System.err);
            return 0;
        }
    }

    @Command(name = "stop", description = "Stop it; tasks resume from their checkpoints when it starts again.")
    static final class Stop extends WithDataDir implements Callable<Integer> {
        @Override
        public Integer call() {
            System.err.println(settings.runtime().stop() ? "embedded runtime stopped" : "embedded runtime was not running");
            return 0;
        }
    }

    @Command(name = "status", description = "Exit 0 when it runs.")
    static final class Status extends WithDataDir implements Callable<Integer> {
        @Override
        public Integer call() {
            var process = settings.runtime().process();
            System.out.println(process.map(p -> "running (pid " + p.pid() + ")").orElse("not running"));
            return process.isPresent() ? 0 : 1;
        }
    }
}
