package io.matrixone.cdc.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test class whose {@link ConnectClusterHarness}, given by {@link MatrixOnePipelineExtension}, runs with
 * KIP-618 exactly-once source support (and a broker set up for transactions).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface ExactlyOnceWorker {
}
