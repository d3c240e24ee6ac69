package io.matrixone.cdc.testing.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.runtime.Connect;

/**
 * The child side of {@link WorkerProcess}: a distributed Connect worker started from a properties file, as
 * {@code connect-distributed.sh} starts one, in a JVM of its own. Prints {@code REST <url>} once the worker runs, then
 * answers each {@code work} line on standard input with a {@code WORK ...} line (this JVM's {@link Bench.JvmWork}
 * reading and heap peak), and stops the worker when standard input ends (its parent closed it or died). The JVM
 * itself may print other lines on standard output (a JFR recording's start): the parent skips them.
 */
public final class WorkerProcessMain {

    static final String READY = "REST ";
    static final String WORK = "work";
    static final String WORK_REPLY = "WORK ";

    private WorkerProcessMain() {
    }

    public static void main(String[] args) throws IOException {
        // As ConnectDistributed's own main reads its properties file.
        Connect<?> connect = new ConnectDistributed().startConnect(Utils.propsToStringMap(Utils.loadProps(args[0])));
        // Standard output is the protocol; Connect and the connectors log to standard error.
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        out.println(READY + connect.rest().serverUrl());
        try (Bench.HeapPeak heap = new Bench.HeapPeak();
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.equals(WORK)) {
                    Bench.JvmWork work = Bench.JvmWork.now();
                    out.println(WORK_REPLY + work.allocatedBytes() + " " + work.gcPauses() + " " + work.gcMillis() + " " + heap.peakBytes()
                            + " " + Runtime.getRuntime().maxMemory());
                }
            }
        } finally {
            connect.stop();
        }
        System.exit(0);
    }
}
