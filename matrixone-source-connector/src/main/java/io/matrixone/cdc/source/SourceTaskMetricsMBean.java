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

    /** Server time minus the end of the last window read, over all tables (largest). */
    long getLagMs();
}
