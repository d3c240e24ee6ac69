package io.matrixone.cdc.sink;

import org.apache.kafka.connect.errors.DataException;

/** A record that cannot be written as it is: no key, wrong shape, unknown table. Never retried. */
final class RecordConversionException extends DataException {

    RecordConversionException(String message) {
        super(message);
    }
}
