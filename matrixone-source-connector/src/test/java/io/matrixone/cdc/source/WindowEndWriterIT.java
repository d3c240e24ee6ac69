package io.matrixone.cdc.source;

import static io.matrixone.cdc.testing.Sql.exec;
import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.common.Connections;
import io.matrixone.cdc.common.MatrixOneUri;
import io.matrixone.cdc.testing.MatrixOneTestServers;
import io.matrixone.cdc.testing.Sql;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLSyntaxErrorException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The task's window-end writer on the real source: a batch is released only once the ends asked for before it are
 * committed; a lost connection is retried on a new one; any other failure fails the task.
 */
class WindowEndWriterIT {

    private MatrixOneUri source;
    private Connection conn;
    private SourceState state;
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private WindowEndWriter writer;

    @BeforeEach
    void createState() throws Exception {
        source = MatrixOneTestServers.source();
        conn = Connections.open(source);
        state = new SourceState(Sql.uniqueDatabase("weitstate"));
        state.create(conn);
    }

    @AfterEach
    void dropState() throws SQLException {
        if (writer != null) {
            writer.close();
        }
        exec(conn, "drop database if exists " + state.database());
        conn.close();
    }

    @Test
    void aBatchWaitsUntilTheEndsAskedForBeforeItAreCommitted() throws Exception {
        CountDownLatch serverReachable = new CountDownLatch(1);
        writer = new WindowEndWriter(state, () -> {
            awaitQuietly(serverReachable);
            return Connections.open(source);
        }, failure, "test-window-ends");
        writer.save("c/db.t", 100);
        writer.save("c/db.u", 200);
        long ticket = writer.ticket();
        CompletableFuture<Boolean> released = CompletableFuture.supplyAsync(() -> awaitSaved(ticket));

        Thread.sleep(500);
        assertThat(released).as("released before its ends were saved").isNotDone();
        assertThat(state.windowEndsAfter(conn, "c/db.t", 0)).isEmpty();

        serverReachable.countDown();
        assertThat(released.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(state.windowEndsAfter(conn, "c/db.t", 0)).containsExactly(100L);
        assertThat(state.windowEndsAfter(conn, "c/db.u", 0)).containsExactly(200L);
        assertThat(failure.get()).isNull();
    }

    @Test
    void aLostConnectionIsRetriedOnANewOne() throws Exception {
        AtomicInteger opened = new AtomicInteger();
        writer = new WindowEndWriter(state, () -> opened.incrementAndGet() == 1
                ? failingOn(Connections.open(source), new SQLNonTransientConnectionException("injected: connection lost", "08S01"))
                : Connections.open(source), failure, "test-window-ends");
        writer.save("c/db.t", 300);
        assertThat(writer.awaitSaved(writer.ticket())).isTrue();
        assertThat(opened.get()).isEqualTo(2);
        assertThat(state.windowEndsAfter(conn, "c/db.t", 0)).containsExactly(300L);
        assertThat(failure.get()).isNull();
    }

    @Test
    void anyOtherFailureFailsTheTaskAndReleasesNothing() throws Exception {
        writer = new WindowEndWriter(state, () -> failingOn(Connections.open(source),
                new SQLSyntaxErrorException("injected: no such table", "42S02")), failure, "test-window-ends");
        writer.save("c/db.t", 400);
        assertThat(writer.awaitSaved(writer.ticket())).isFalse();
        assertThat(failure.get()).isInstanceOf(ConnectException.class)
                .hasMessageContaining("saving window ends on the source failed").hasMessageContaining("no such table");
        assertThat(state.windowEndsAfter(conn, "c/db.t", 0)).isEmpty();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean awaitSaved(long ticket) {
        try {
            return writer.awaitSaved(ticket);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code conn}, except that preparing a statement on the window_end table throws {@code error}. */
    private static Connection failingOn(Connection conn, SQLException error) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("prepareStatement") && String.valueOf(args[0]).contains("window_end")) {
                        throw error;
                    }
                    try {
                        return method.invoke(conn, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
