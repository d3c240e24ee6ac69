package io.matrixone.cdc.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.matrixone.cdc.common.AppliedPositions;
import io.matrixone.cdc.common.ConnectionConfig;
import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneErrors;
import io.matrixone.cdc.common.MatrixOneUri;
import io.matrixone.cdc.common.SnapshotProgress;
import io.matrixone.cdc.common.SourceStateTables;
import io.matrixone.cdc.common.StagingTables;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mo-cdc task ...}: mo_cdc's task workflow carried out through Kafka Connect's REST API. */
@Command(name = "task", description = "Create, inspect and control CDC tasks.",
        subcommands = {TaskCommands.Create.class, TaskCommands.Show.class, TaskCommands.ListTasks.class,
                TaskCommands.Pause.class, TaskCommands.Resume.class, TaskCommands.Restart.class, TaskCommands.Drop.class, TaskVerify.class})
final class TaskCommands {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Options every command that names an existing task takes. */
    static final class Named {
        @Option(names = "--task-name", required = true, description = "Name of the task.")
        String taskName;

        @Option(names = "--source-uri", description = "Source MatrixOne of the task (checked against the task's own).")
        String sourceUri;

        @Mixin
        ConnectTarget target;

        ConnectRestClient existing() {
            ConnectRestClient connect = connectTo();
            requireTask(connect, taskName, sourceUri);
            return connect;
        }

        ConnectRestClient connectTo() {
            if (sourceUri != null) {
                MatrixOneUri.parse(sourceUri); // bad input first, before any network
            }
            return target.connect(false);
        }
    }

    static void requireTask(ConnectRestClient connect, String task, String sourceUri) {
        String source = TaskDefinition.sourceConnector(task);
        if (!connect.exists(source) || !connect.exists(TaskDefinition.sinkConnector(task))) {
            throw new CliException("no task named '" + task + "' on " + connect.baseUrl());
        }
        checkSource(connect, task, sourceUri);
    }

    /** With --source-uri, the task must read that source: a guard against acting on the wrong task. */
    static void checkSource(ConnectRestClient connect, String task, String sourceUri) {
        String source = TaskDefinition.sourceConnector(task);
        if (sourceUri != null) {
            MatrixOneUri given = MatrixOneUri.parse(sourceUri);
            Map<String, String> config = TaskSecrets.resolve(connect.config(source));
            if (TaskSecrets.isReference(config.get(ConnectionConfig.URI))) {
                throw new CliException("cannot check --source-uri: task '" + task + "' keeps its URIs in "
                        + config.get(ConnectionConfig.URI) + ", which this machine cannot read");
            }
            String actual = TaskView.maskedUri(config);
            if (!actual.equals(given.masked())) {
                throw new CliException("task '" + task + "' reads " + actual + ", not " + given.masked());
            }
        }
    }

    /** Prints tasks the way mo_cdc does: an indented JSON array of objects, "key": "value" lines. */
    static void printJson(PrintStream out, List<Map<String, String>> tasks) {
        if (tasks.isEmpty()) {
            out.println("[]");
            return;
        }
        StringBuilder text = new StringBuilder("[\n");
        for (int t = 0; t < tasks.size(); t++) {
            text.append("  {\n");
            int i = 0;
            for (Map.Entry<String, String> field : tasks.get(t).entrySet()) {
                text.append("    ").append(quote(field.getKey())).append(": ").append(quote(field.getValue()))
                        .append(++i < tasks.get(t).size() ? ",\n" : "\n");
            }
            text.append(t + 1 < tasks.size() ? "  },\n" : "  }\n");
        }
        out.print(text.append("]\n"));
    }

    private static String quote(String value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new CliException("cannot print JSON: " + e.getMessage());
        }
    }

    @Command(name = "create", description = "Create a task: a source and a sink connector, started together.")
    static final class Create implements Callable<Integer> {
        @Mixin
        TaskCreateOptions options;

        @Mixin
        ConnectTarget target;

        @Option(names = "--wait", defaultValue = "120", description = "Seconds to wait for the task to run and to show its snapshot progress. Default: ${DEFAULT-VALUE}")
        int waitSeconds;

        @Override
        public Integer call() throws InterruptedException {
            options.check();
            for (String[] server : new String[][] {{"source", options.sourceUri}, {"sink", options.sinkUri}}) {
                String problem;
                try {
                    boolean mysqlSink = server[0].equals("sink") && options.sinkType.equalsIgnoreCase("mysql");
                    problem = Connections.checkReachable(MatrixOneUri.parse(server[1]), mysqlSink ? "MySQL" : "MatrixOne");
                } catch (IllegalArgumentException e) {
                    throw new CliException("invalid --" + server[0] + "-uri: " + e.getMessage());
                }
                if (problem != null) {
                    throw new CliException(server[0] + ": " + problem);
                }
            }
            ConnectRestClient connect = target.connect(true);
            String task = options.taskName;
            if (connect.exists(TaskDefinition.sourceConnector(task)) || connect.exists(TaskDefinition.sinkConnector(task))) {
                throw new CliException("task '" + task + "' already exists on " + connect.baseUrl() + " (drop it first)");
            }
            String id = TaskDefinition.newId();
            String created = TaskDefinition.now();
            Map<String, String> source = TaskDefinition.source(options, id, created);
            Map<String, String> sink = TaskDefinition.sink(options, id, created);
            TaskSecrets secrets = target.secrets();
            if (secrets != null) {
                secrets.moveOut(task, source, sink);
            } else {
                System.err.println("task " + task + ": its URIs, passwords included, go into the connector configs, which "
                        + "Connect's REST API returns: give --secrets-dir to keep them in a file the workers read (docs/cli.md)");
            }
            try {
                SnapshotFollower snapshot = create(connect, source, sink);
                System.err.println("task " + task + " created (id " + id + ") on " + connect.baseUrl()
                        + (secrets == null ? "" : "; its URIs are in " + secrets.file(task) + " (owner only)"));
                long deadline = System.nanoTime() + waitSeconds * 1_000_000_000L;
                if (!awaitState(connect, task, "running", waitSeconds)) {
                    return CliException.EXIT_FAILURE;
                }
                if ("initial".equals(source.get("snapshot.mode"))) {
                    snapshot.follow(deadline);
                }
                return 0;
            } catch (CliException notCreated) {
                if (secrets != null && !connect.exists(TaskDefinition.sourceConnector(task))) {
                    secrets.delete(task);
                }
                throw notCreated;
            }
        }

        /** Validates and creates both connectors, the sink first; neither when either is refused. */
        private SnapshotFollower create(ConnectRestClient connect, Map<String, String> source, Map<String, String> sink) {
            String task = options.taskName;
            List<String> errors = new ArrayList<>();
            connect.validate(TaskDefinition.SOURCE_CLASS, source).forEach(e -> errors.add("source " + e));
            connect.validate(TaskDefinition.SINK_CLASS, sink).forEach(e -> errors.add("sink " + e));
            if (!errors.isEmpty()) {
                throw new CliException("task '" + task + "' not created: " + String.join("; ", errors));
            }
            SnapshotFollower snapshot = new SnapshotFollower(MatrixOneUri.parse(options.sourceUri),
                    TaskDefinition.sourceConnector(task), System.err);
            snapshot.forgetEarlierTask();
            forgetOnTarget(MatrixOneUri.parse(options.sinkUri), AppliedPositions.DEFAULT_DATABASE, TaskDefinition.sinkConnector(task));
            connect.put(TaskDefinition.sinkConnector(task), sink);
            try {
                connect.put(TaskDefinition.sourceConnector(task), source);
            } catch (CliException e) {
                // No half task: take the sink back (it has read nothing yet, there is nothing to keep).
                connect.delete(TaskDefinition.sinkConnector(task));
                throw e;
            }
            return snapshot;
        }
    }

    /**
     * Forgets what an earlier task of this name (dropped, or created again) left on the target, its sink connector
     * deleted: its applied positions, so a new task starts with none and show and verify never read the old task's;
     * and its staging tables (empty between batches). Best effort: said when it fails.
     */
    static void forgetOnTarget(MatrixOneUri target, String database, String sinkConnector) {
        try (Connection conn = Connections.open(target)) {
            AppliedPositions.clear(conn, database, sinkConnector);
            StagingTables.dropAll(conn, database, sinkConnector);
        } catch (SQLException e) {
            System.err.println("could not clear an earlier task's applied positions and staging tables on the target: "
                    + MatrixOneErrors.describe(e));
        }
    }

    /** Waits for a task state, printing changes; false (with the error) when it fails or the wait ends. */
    static boolean awaitState(ConnectRestClient connect, String task, String wanted, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        String last = "";
        while (true) {
            Map<String, String> view = TaskView.of(connect, task);
            String state = view.get("state");
            if (!state.equals(last)) {
                System.err.println("task " + task + ": " + state);
                last = state;
            }
            if (state.equals(wanted)) {
                return true;
            }
            if (state.equals("failed")) {
                System.err.println("mo-cdc: task " + task + " failed: " + view.get("err-msg"));
                return false;
            }
            if (System.nanoTime() > deadline) {
                System.err.println("mo-cdc: task " + task + " is " + state + " after " + seconds + "s (wanted " + wanted + ")");
                return false;
            }
            Thread.sleep(500);
        }
    }

    @Command(name = "show", description = "Print the task as JSON: state, error, checkpoint (passwords masked).")
    static final class Show implements Callable<Integer> {
        @Mixin
        Named named;

        @Override
        public Integer call() {
            ConnectRestClient connect = named.existing();
            TaskConnectors connectors = TaskConnectors.of(connect, named.taskName);
            Map<String, String> view = TaskView.of(connect, connectors);
            TaskView.putAppliedPositions(view, connect, connectors, named.target.bootstrapServers());
            view.put("tables", TaskView.tables(connectors));
            view.put("workers", TaskView.workers(connect, named.taskName));
            printJson(System.out, List.of(view));
            return 0;
        }
    }

    @Command(name = "list", description = "Print every task as JSON.")
    static final class ListTasks implements Callable<Integer> {
        @Option(names = "--source-uri", description = "Only tasks reading this source.")
        String sourceUri;

        @Mixin
        ConnectTarget target;

        @Override
        public Integer call() {
            String masked = sourceUri == null ? null : MatrixOneUri.parse(sourceUri).masked();
            ConnectRestClient connect = target.connect(false);
            List<Map<String, String>> tasks = new ArrayList<>();
            for (String name : connect.connectors()) {
                if (name.endsWith("-source") && connect.config(name).containsKey(TaskDefinition.TASK_ID)) {
                    String task = name.substring(0, name.length() - "-source".length());
                    if (connect.exists(TaskDefinition.sinkConnector(task))) {
                        TaskConnectors connectors = TaskConnectors.of(connect, task);
                        Map<String, String> view = TaskView.of(connect, connectors);
                        if (masked == null || masked.equals(view.get("source-uri"))) {
                            TaskView.putAppliedPositions(view, connect, connectors, target.bootstrapServers());
                            tasks.add(view);
                        }
                    }
                }
            }
            printJson(System.out, tasks);
            return 0;
        }
    }

    /** Applies an action to both connectors of a task, then waits for the task state it leads to. */
    static int onBoth(Named named, java.util.function.BiConsumer<ConnectRestClient, String> action, boolean sourceFirst,
                      String wanted) throws InterruptedException {
        ConnectRestClient connect = named.existing();
        String source = TaskDefinition.sourceConnector(named.taskName);
        String sink = TaskDefinition.sinkConnector(named.taskName);
        action.accept(connect, sourceFirst ? source : sink);
        action.accept(connect, sourceFirst ? sink : source);
        return awaitState(connect, named.taskName, wanted, 60) ? 0 : CliException.EXIT_FAILURE;
    }

    @Command(name = "pause", description = "Pause the task (Connect pause of both connectors); the checkpoint stays.")
    static final class Pause implements Callable<Integer> {
        @Mixin
        Named named;

        @Override
        public Integer call() throws InterruptedException {
            // The source first, so nothing new reaches the sink while it is being paused.
            return onBoth(named, ConnectRestClient::pause, true, "paused");
        }
    }

    @Command(name = "resume", description = "Resume a paused task from its checkpoint.")
    static final class Resume implements Callable<Integer> {
        @Mixin
        Named named;

        @Override
        public Integer call() throws InterruptedException {
            // The sink first, so it is ready when the source starts producing again.
            return onBoth(named, ConnectRestClient::resume, false, "running");
        }
    }

    @Command(name = "restart", description = "Restart both connectors and all their tasks (e.g. after a failure).")
    static final class Restart implements Callable<Integer> {
        @Mixin
        Named named;

        @Override
        public Integer call() throws InterruptedException {
            return onBoth(named, ConnectRestClient::restart, false, "running");
        }
    }

    @Command(name = "drop", description = "Delete the task, its checkpoints (source and sink offsets), its state on both servers and its Kafka topics.")
    static final class Drop implements Callable<Integer> {
        @Mixin
        Named named;


        @Override
        public Integer call() throws InterruptedException {
            ConnectRestClient connect = named.connectTo();
            String source = TaskDefinition.sourceConnector(named.taskName);
            String sink = TaskDefinition.sinkConnector(named.taskName);
            // A create cut short can leave one of the two: drop takes whichever exists, so the name can be reused.
            List<String> present = new ArrayList<>();
            for (String connector : List.of(source, sink)) {
                if (connect.exists(connector)) {
                    present.add(connector);
                }
            }
            String bootstrap = named.target.bootstrapServers();
            Map<String, String> sourceConfig = present.contains(source) ? connect.config(source) : Map.of();
            Map<String, String> sinkConfig = present.contains(sink) ? connect.config(sink) : Map.of();
            TaskTopics topics = TaskTopics.of(named.taskName, sourceConfig);
            if (present.isEmpty()) {
                return dropLeftoverTopics(connect, topics, bootstrap);
            }
            if (present.contains(source)) {
                checkSource(connect, named.taskName, named.sourceUri);
            }
            for (String connector : present) {
                // Offsets can only be reset while the connector is stopped.
                connect.stop(connector);
                awaitStopped(connect, connector);
                connect.deleteOffsets(connector);
                connect.delete(connector);
            }
            if (present.contains(sink)) {
                Map<String, String> resolved = TaskSecrets.resolve(sinkConfig);
                try {
                    forgetOnTarget(ConnectionConfig.server(resolved), resolved.getOrDefault(AppliedPositions.DATABASE_CONFIG,
                            AppliedPositions.DEFAULT_DATABASE), sink);
                } catch (org.apache.kafka.common.config.ConfigException unreadable) {
                    System.err.println("task " + named.taskName + ": its applied positions and staging tables stay on the target: " + unreadable.getMessage());
                }
            }
            if (present.contains(source)) {
                forgetOnSource(named.taskName, sourceConfig, source);
            }
            TaskSecrets.deleteReferenced(sourceConfig);
            TaskSecrets.deleteReferenced(sinkConfig);
            System.err.println("task " + named.taskName + " dropped");
            // The topics go last, once nothing writes to or reads from them.
            if (bootstrap == null) {
                System.err.println("task " + named.taskName + ": its topics (" + topics.describe() + ") were not deleted: "
                        + "give --bootstrap-servers to delete them, or a task re-created under this name replays their records");
                return 0;
            }
            try {
                List<String> deleted = topics.delete(bootstrap);
                System.err.println("task " + named.taskName + ": deleted topics "
                        + (deleted.isEmpty() ? "(none)" : String.join(", ", deleted)));
                return 0;
            } catch (CliException e) {
                throw new CliException("task " + named.taskName + " dropped, but its topics (" + topics.describe()
                        + ") were not deleted: " + e.getMessage());
            }
        }

        /**
         * Its source connector deleted, the task's capture state on the source goes too (see
         * {@link SourceStateTables#forget}). Best effort, as on the target: said when it fails.
         */
        private static void forgetOnSource(String task, Map<String, String> sourceConfig, String sourceConnector) {
            Map<String, String> resolved = TaskSecrets.resolve(sourceConfig);
            String database = resolved.getOrDefault(SourceStateTables.DATABASE_CONFIG, SnapshotProgress.DEFAULT_STATE_DATABASE);
            try (Connection conn = Connections.open(ConnectionConfig.server(resolved))) {
                SourceStateTables.forget(conn, database, sourceConnector);
            } catch (org.apache.kafka.common.config.ConfigException unreadable) {
                System.err.println("task " + task + ": its state stays in " + database + " on the source: " + unreadable.getMessage());
            } catch (SQLException e) {
                System.err.println("task " + task + ": could not clear its state in " + database + " on the source: "
                        + MatrixOneErrors.describe(e));
            }
        }

        /** No connectors of that name: topics an earlier task of the name left (e.g. dropped before drop deleted topics). */
        private int dropLeftoverTopics(ConnectRestClient connect, TaskTopics topics, String bootstrap) throws InterruptedException {
            List<String> deleted = List.of();
            if (bootstrap != null) {
                try {
                    deleted = topics.delete(bootstrap);
                } catch (CliException e) {
                    // reported as no task below
                }
            }
            if (deleted.isEmpty()) {
                throw new CliException("no task named '" + named.taskName + "' on " + connect.baseUrl());
            }
            System.err.println("task " + named.taskName + ": no connectors; deleted the topics it left: " + String.join(", ", deleted));
            return 0;
        }

        private static void awaitStopped(ConnectRestClient connect, String connector) throws InterruptedException {
            for (int i = 0; i < 120; i++) {
                var status = connect.status(connector);
                if ("STOPPED".equals(status.path("connector").path("state").asText()) && status.path("tasks").isEmpty()) {
                    return;
                }
                Thread.sleep(500);
            }
            throw new CliException("connector " + connector + " did not stop within 60s");
        }
    }
}
