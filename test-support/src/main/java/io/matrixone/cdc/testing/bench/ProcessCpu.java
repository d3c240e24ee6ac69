package io.matrixone.cdc.testing.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * CPU time of named processes (user + system, from /proc), read twice around a phase: what the phase cost each
 * process. On this shared 2-core machine a rate moves with the load, but the CPU a pipeline spends per row moves far
 * less, and it says where the time goes (the servers, the Connect worker, the broker).
 */
public final class ProcessCpu {

    /** The kernel's clock ticks per second (USER_HZ), 100 on Linux. */
    private static final double TICKS_PER_SECOND = 100.0;

    /** The processes to read, by name, in the order they were added (and are printed). */
    private final Map<String, Long> pids = new LinkedHashMap<>();

    /** Adds a process to read. */
    public ProcessCpu with(String name, long pid) {
        pids.put(name, pid);
        return this;
    }

    /** The pid a MatrixOne server's pid file holds (scripts/matrixone.sh writes one per server). */
    public static long serverPid(String pidFileProperty, String server) {
        Path file = Path.of(System.getProperty(pidFileProperty,
                System.getProperty("user.home") + "/.cache/mo-cdc/servers/" + server + "/pid"));
        try {
            return Long.parseLong(Files.readString(file).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("no pid file of the " + server + " server (" + file + "); -D" + pidFileProperty
                    + " names another", e);
        }
    }

    /** CPU seconds so far of each process. */
    public Reading read() {
        Map<String, Double> seconds = new LinkedHashMap<>();
        pids.forEach((name, pid) -> seconds.put(name, cpuSeconds(pid)));
        return new Reading(seconds);
    }

    /** CPU seconds of each process at one moment. */
    public record Reading(Map<String, Double> seconds) {

        /** What each process spent from {@code start} to this reading, on {@code units} of {@code unit} (rows, changes). */
        public Cost since(Reading start, long units, String unit) {
            Map<String, Double> spent = new LinkedHashMap<>();
            seconds.forEach((name, s) -> spent.put(name, s - start.seconds.getOrDefault(name, 0.0)));
            return new Cost(spent, units, unit);
        }
    }

    /** CPU seconds each process spent on a number of rows or changes. */
    public record Cost(Map<String, Double> seconds, long units, String unit) {

        /** All processes' CPU seconds. */
        public double totalSeconds() {
            return seconds.values().stream().mapToDouble(Double::doubleValue).sum();
        }

        /** All processes' CPU milliseconds per 1,000 units. */
        public double perThousand() {
            return perThousand(totalSeconds());
        }

        /** One process's CPU milliseconds per 1,000 units. */
        public double perThousand(String process) {
            return perThousand(seconds.getOrDefault(process, Double.NaN));
        }

        private double perThousand(double cpuSeconds) {
            return units > 0 ? cpuSeconds * 1e6 / units : Double.NaN;
        }

        /** "CPU T s = X ms per 1,000 rows (name A s, name B s, ...)", with the unit's name. */
        @Override
        public String toString() {
            StringJoiner parts = new StringJoiner(", ");
            seconds.forEach((name, s) -> parts.add(String.format("%s %.1f s", name, s)));
            return String.format("CPU %.1f s = %.1f ms per 1,000 %s (%s)", totalSeconds(), perThousand(), unit, parts);
        }
    }

    private static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The fields after the command name, which is in parentheses and may hold spaces: state is the first.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND; // utime, stime
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CPU time of process " + pid + " (not running, or not Linux)", e);
        }
    }
}
