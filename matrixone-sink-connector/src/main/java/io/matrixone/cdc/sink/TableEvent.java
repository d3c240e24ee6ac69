package io.matrixone.cdc.sink;

import io.matrixone.cdc.common.TableId;
import org.apache.kafka.connect.sink.SinkRecord;

/** A change to a whole table rather than a row: every row gone (TRUNCATE), or the table dropped. */
record TableEvent(TableId table, Kind kind, SinkRecord record) {

    enum Kind { TRUNCATE, DROP }
}
