package io.matrixone.cdc.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConnectionsTest {

    @Test
    void anUnreachableServerIsNamedByItsKindWithoutItsPassword() {
        MatrixOneUri nowhere = MatrixOneUri.parse("mysql://root:secret@127.0.0.1:1");
        assertThat(Connections.checkReachable(nowhere)).startsWith("cannot connect to MatrixOne at mysql://root:******@127.0.0.1:1: ")
                .doesNotContain("secret");
        assertThat(Connections.checkReachable(nowhere, "MySQL")).startsWith("cannot connect to MySQL at mysql://root:******@127.0.0.1:1: ");
    }
}
