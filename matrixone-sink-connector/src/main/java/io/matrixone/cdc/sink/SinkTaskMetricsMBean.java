package io.matrixone.cdc.sink;

/** JMX view of {@link SinkTaskMetrics}. */
public interface SinkTaskMetricsMBean {

    /** Rows written or deleted and committed. */
    long getRecordsWritten();

    long getUpserts();

    long getDeletes();

    /** Committed transactions. */
    long getBatches();

    /** Batch retries after retriable MatrixOne errors. */
    long getRetries();

    /** Records reported to the errant-record reporter (dead letter queue). */
    long getErroneousRecords();

    /** Time from the oldest record of the last committed batch entering Kafka to its commit. */
    long getLastCommitLagMs();

    /**
     * The oldest applied position among the source tables this task has written, epoch milliseconds (the source
     * time up to which its target tables are complete, as kept on the target); -1 before the first.
     */
    long getOldestAppliedPositionMs();

    /** This machine's time minus {@link #getOldestAppliedPositionMs()}: how far the target trails; -1 before the first. */
    long getAppliedLagMs();

    /** MatrixOne's id of the task's connection ({@code conn_id} in SHOW PROCESSLIST); -1 when none is open. */
    long getConnectionId();
}
