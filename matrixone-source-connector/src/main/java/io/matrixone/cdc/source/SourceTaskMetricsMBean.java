package io.matrixone.cdc.source;

/** JMX view of a source task: io.matrixone.cdc:type=source-task-metrics,connector=..,task=.. */
public interface SourceTaskMetricsMBean {

    long getSnapshotRows();

    long getSnapshotRowsEstimated();

    long getStreamInserts();

    long getStreamUpdates();

    long getStreamDeletes();

    long getWindows();

    long getHeartbeats();

    /** Probes of quiet tables for changes (on the probe's own connection). */
    long getProbes();

    /** Quiet tables a probe found changed (or refused: dropped, altered), read at once. */
    long getWakeUps();

    /** Server time minus the end of the last window read, over all tables (largest). */
    long getLagMs();

    /** Snapshots of a single table taken again because it was altered in a way no diff can cross. */
    long getResnapshots();

    /** Truncate events sent (TRUNCATE on the source, or before a new snapshot). */
    long getTruncates();

    /** Tables whose drop ended their capture. */
    long getDroppedTables();

    /** Tables not captured because they cannot be captured exactly (see mo-cdc task show for the reason). */
    long getStoppedTables();
}
