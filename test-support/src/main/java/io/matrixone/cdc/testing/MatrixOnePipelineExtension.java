package io.matrixone.cdc.testing;

import java.sql.SQLException;
import java.util.Locale;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The per-test setup the integration tests share, as JUnit parameters: a test method that takes a
 * {@link CdcDatabases} gets fresh source and target databases (a PITR on the source one) on the two real
 * MatrixOne servers, dropped after the test; one that takes a {@link ConnectClusterHarness} gets the test
 * class's real Kafka + Connect worker, started on first use and stopped after the class. A {@code @BeforeAll} method
 * that takes a {@link CdcDatabases} gets databases for the whole class instead: dropped after the class, and the
 * ones every test method of the class then gets. A class annotated {@link MariaDbTarget} gets its target database on
 * the real MariaDB server; one annotated {@link ExactlyOnceWorker} gets a worker with exactly-once source support.
 * Test methods and {@code @BeforeEach} methods of one test get the same instances. What a class's store holds is
 * closed in the reverse order it was made, so a worker started after the databases stops before they are dropped.
 *
 * <pre>{@code
 * @ExtendWith(MatrixOnePipelineExtension.class)
 * class MyIT {
 *     @Test
 *     void copies(CdcDatabases dbs, ConnectClusterHarness connect) { ... }
 * }
 * }</pre>
 */
public final class MatrixOnePipelineExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(MatrixOnePipelineExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == CdcDatabases.class || type == ConnectClusterHarness.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        String name = context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT).replaceAll("it$", "");
        if (type == ConnectClusterHarness.class) {
            // A test method's context has its class's as parent; a @BeforeAll method's context is the class's.
            ExtensionContext classContext = context.getTestMethod().isPresent() ? context.getParent().orElseThrow() : context;
            boolean exactlyOnce = context.getRequiredTestClass().isAnnotationPresent(ExactlyOnceWorker.class);
            return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(ConnectClusterHarness.class,
                    k -> new Closing<>(ConnectClusterHarness.start(name, exactlyOnce)), Closing.class).resource;
        }
        // In a @BeforeAll method this is the class's store; a test's store also finds what its class's holds.
        return context.getStore(NAMESPACE).getOrComputeIfAbsent(CdcDatabases.class, k -> {
            try {
                boolean mariaDb = context.getRequiredTestClass().isAnnotationPresent(MariaDbTarget.class);
                return new Closing<>(mariaDb ? CdcDatabases.create(name, MariaDbTestServer.target()) : CdcDatabases.create(name));
            } catch (SQLException e) {
                throw new ParameterResolutionException("cannot create the test databases: " + e.getMessage(), e);
            }
        }, Closing.class).resource;
    }

    /** Closes what the store holds when its test (or class) ends. */
    @SuppressWarnings("deprecation") // CloseableResource: still what JUnit 5 closes on every configuration
    private static final class Closing<T extends AutoCloseable> implements ExtensionContext.Store.CloseableResource {
        final T resource;

        Closing(T resource) {
            this.resource = resource;
        }

        @Override
        public void close() throws Throwable {
            resource.close();
        }
    }
}
