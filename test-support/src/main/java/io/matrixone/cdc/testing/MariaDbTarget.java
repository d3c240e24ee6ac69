package io.matrixone.cdc.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a test class using {@link MatrixOnePipelineExtension}: its {@link CdcDatabases} target database is on the real
 * MariaDB server ({@link MariaDbTestServer}) instead of the target MatrixOne, for the {@code --sink-type mysql} tests.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface MariaDbTarget {
}
