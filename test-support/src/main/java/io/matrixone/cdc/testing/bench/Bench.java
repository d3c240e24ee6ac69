package io.matrixone.cdc.testing.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** What the benchmark commands share: wall clock, percentiles, machine load, heap. */
public final class Bench {

    private Bench() {
    }

    /** Wall clock in Unix-epoch nanoseconds (comparable between the writer's and the readers' threads). */
    public static long wallNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** The p-th percentile (nearest rank) of sorted values, -1 when there are none. */
    public static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)));
    }

    /** "p50 X ms, p99 Y ms, max Z ms (n N)" of sorted lags. */
    public static String lagSummary(List<Long> sorted) {
        if (sorted.isEmpty()) {
            return "no transaction seen";
        }
        return String.format("p50 %,d ms, p99 %,d ms, max %,d ms (%,d txns)", percentile(sorted, 50), percentile(sorted, 99),
                sorted.get(sorted.size() - 1), sorted.size());
    }

    /** The machine's 1/5/15-minute load averages as in uptime, or "?" off Linux. */
    public static String load() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return "load " + parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "load ?";
        }
    }

    /**
     * This JVM's allocation and garbage collection so far: what a phase costs in memory, as a difference of two
     * readings. Allocation per row does not move with the machine's load as a rate does, so it compares changes
     * that cut garbage; the pauses say what the garbage cost under a heap cap.
     */
    public record JvmWork(long allocatedBytes, long gcPauses, long gcMillis, long nanos) {

        public static JvmWork now() {
            long pauses = 0;
            long millis = 0;
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                pauses += Math.max(0, gc.getCollectionCount());
                millis += Math.max(0, gc.getCollectionTime());
            }
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            return new JvmWork(threads.getTotalThreadAllocatedBytes(), pauses, millis, System.nanoTime());
        }

        /** "allocated A MiB (B bytes per row), N GC pauses, T ms (P% of the S s)" since {@code start}. */
        public String since(JvmWork start, long rows) {
            long allocated = allocatedBytes - start.allocatedBytes;
            long ms = gcMillis - start.gcMillis;
            double seconds = (nanos - start.nanos) / 1e9;
            return String.format("allocated %,d MiB (%,d bytes per row), %,d GC pauses, %,d ms (%.1f%% of the %.1f s)",
                    allocated >> 20, rows > 0 ? allocated / rows : 0, gcPauses - start.gcPauses, ms, ms / 10.0 / seconds, seconds);
        }
    }

    /** Samples this JVM's used heap every 500 ms and keeps the largest value, until closed. */
    public static final class HeapPeak implements AutoCloseable {
        private final AtomicLong peak = new AtomicLong();
        private final Thread thread;
        private volatile boolean running = true;

        public HeapPeak() {
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            thread = new Thread(() -> {
                while (running) {
                    peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "heap peak");
            thread.setDaemon(true);
            thread.start();
        }

        public long peakMiB() {
            return peak.get() >> 20;
        }

        public long peakBytes() {
            return peak.get();
        }

        public static long maxMiB() {
            return Runtime.getRuntime().maxMemory() >> 20;
        }

        @Override
        public void close() {
            running = false;
            thread.interrupt();
        }
    }
}
