package io.matrixone.cdc.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MatrixOneUriTest {

    @Test
    void parsesTheMoCdcForm() {
        MatrixOneUri uri = MatrixOneUri.parse("mysql://root:111@127.0.0.1:6001");

        assertThat(uri.user()).isEqualTo("root");
        assertThat(uri.password()).isEqualTo("111");
        assertThat(uri.host()).isEqualTo("127.0.0.1");
        assertThat(uri.port()).isEqualTo(6001);
        assertThat(uri.jdbcUrl()).startsWith("jdbc:mysql://127.0.0.1:6001/?useSSL=false");
    }

    @Test
    void keepsAccountQualifiedUsersAndPasswordsWithAtSigns() {
        MatrixOneUri uri = MatrixOneUri.parse("mysql://acct#admin:p@ss:w@127.0.0.1:6002");

        assertThat(uri.user()).isEqualTo("acct#admin:p@ss");
        assertThat(MatrixOneUri.parse("mysql://acct#admin:secret@h:1").user()).isEqualTo("acct#admin");
        assertThat(MatrixOneUri.parse("mysql://acct#admin:secret@h:1").password()).isEqualTo("secret");
    }

    @Test
    void masksThePassword() {
        MatrixOneUri uri = MatrixOneUri.parse("mysql://root:111@127.0.0.1:6001");

        assertThat(uri.masked()).isEqualTo("mysql://root:******@127.0.0.1:6001");
        assertThat(uri.toString()).doesNotContain("111");
        assertThat(MatrixOneUri.maskPassword("mysql://root:topsecret@10.0.0.1:6001")).isEqualTo("mysql://root:******@10.0.0.1:6001");
    }

    @Test
    void rejectsMalformedUrisWithoutEchoingThePassword() {
        assertThatThrownBy(() -> MatrixOneUri.parse("postgres://root:topsecret@h:1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mysql://user:password@host:port")
                .hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> MatrixOneUri.parse("mysql://root:111@h:99999")).hasMessageContaining("port");
        assertThatThrownBy(() -> MatrixOneUri.parse("")).hasMessageContaining("required");
        // A port that is not a number must not slip into the database name with the default port.
        assertThatThrownBy(() -> MatrixOneUri.parse("mysql://root:111@h:x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MatrixOneUri.parse("mysql://root:111@h:6001x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void acceptsJdbcUrlsWithSeparateCredentials() {
        MatrixOneUri uri = MatrixOneUri.fromJdbcUrl("jdbc:mysql://127.0.0.1:6002/analytics?socketTimeout=5000", "root", "111");

        assertThat(uri.port()).isEqualTo(6002);
        assertThat(uri.database()).isEqualTo("analytics");
        assertThat(uri.jdbcUrl()).contains("/analytics?").endsWith("&socketTimeout=5000");
    }
}
