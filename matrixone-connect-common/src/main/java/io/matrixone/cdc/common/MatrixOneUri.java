package io.matrixone.cdc.common;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a MatrixOne server is and who logs in: parsed from the {@code mysql://user:pwd@host:port}
 * form that MatrixOne's {@code mo_cdc} uses, or from a {@code jdbc:mysql://host:port[/db][?..]} URL
 * plus separate user and password.
 *
 * <p>Users may be account-qualified ({@code acct#user} or {@code acct:user}); the password is
 * everything after the last {@code :} of the user-info part, so it may contain {@code @}.
 */
public final class MatrixOneUri {

    public static final String MASK = "******";
    public static final int DEFAULT_PORT = 6001;

    // user-info is everything before the LAST '@' so a password may contain '@'.
    private static final Pattern MO_CDC_FORM =
            Pattern.compile("^mysql://(?<userinfo>.*)@(?<host>[^@:/?]+)(:(?<port>\\d+))?(/(?<db>[^?/]*))?$");
    private static final Pattern JDBC_FORM =
            Pattern.compile("^jdbc:mysql://(?<host>[^:/?]+)(:(?<port>\\d+))?(/(?<db>[^?]*))?(\\?(?<params>.*))?$");

    private final String user;
    private final String password;
    private final String host;
    private final int port;
    private final String database;
    private final String extraParams;

    private MatrixOneUri(String user, String password, String host, int port, String database, String extraParams) {
        this.user = user;
        this.password = password == null ? "" : password;
        this.host = host;
        this.port = port;
        this.database = database == null ? "" : database;
        this.extraParams = extraParams == null ? "" : extraParams;
    }

    /** Parses {@code mysql://user:pwd@host:port}. */
    public static MatrixOneUri parse(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("a MatrixOne URI is required, e.g. mysql://root:111@127.0.0.1:6001");
        }
        Matcher m = MO_CDC_FORM.matcher(uri.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a MatrixOne URI of the form mysql://user:password@host:port: "
                    + maskPassword(uri));
        }
        String userinfo = m.group("userinfo");
        int colon = userinfo.lastIndexOf(':');
        String user = colon < 0 ? userinfo : userinfo.substring(0, colon);
        String pwd = colon < 0 ? "" : userinfo.substring(colon + 1);
        if (user.isEmpty()) {
            throw new IllegalArgumentException("the MatrixOne URI names no user: " + maskPassword(uri));
        }
        return new MatrixOneUri(user, pwd, m.group("host"), port(m.group("port")), m.group("db"), "");
    }

    /** Builds from a {@code jdbc:mysql://...} URL plus separate credentials. */
    public static MatrixOneUri fromJdbcUrl(String jdbcUrl, String user, String password) {
        Matcher m = JDBC_FORM.matcher(Objects.requireNonNull(jdbcUrl, "jdbc url").trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a JDBC URL of the form jdbc:mysql://host:port[/db]: " + jdbcUrl);
        }
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("a user is required with a JDBC URL");
        }
        return new MatrixOneUri(user, password, m.group("host"), port(m.group("port")), m.group("db"), m.group("params"));
    }

    private static int port(String text) {
        if (text == null) {
            return DEFAULT_PORT;
        }
        int port = Integer.parseInt(text);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        return port;
    }

    /** JDBC URL with the connection properties MatrixOne needs (see {@link JdbcProperties}). */
    public String jdbcUrl() {
        StringBuilder url = new StringBuilder("jdbc:mysql://").append(host).append(':').append(port).append('/')
                .append(database).append('?').append(JdbcProperties.DEFAULT_QUERY);
        if (!extraParams.isEmpty()) {
            url.append('&').append(extraParams);
        }
        return url.toString();
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String database() {
        return database;
    }

    /** The URI in mo_cdc form with the password replaced by {@value #MASK}: safe to print and log. */
    public String masked() {
        return "mysql://" + user + ":" + MASK + "@" + host + ":" + port;
    }

    /** The URI in mo_cdc form, password included: for configs only, never for logs. */
    public String unmasked() {
        return "mysql://" + user + ":" + password + "@" + host + ":" + port;
    }

    /** Masks the password of any mysql:// URI text, even one that does not parse. */
    public static String maskPassword(String uriText) {
        if (uriText == null) {
            return null;
        }
        int at = uriText.lastIndexOf('@');
        int scheme = uriText.indexOf("://");
        if (at < 0 || scheme < 0 || at < scheme) {
            return uriText;
        }
        String userinfo = uriText.substring(scheme + 3, at);
        int colon = userinfo.lastIndexOf(':');
        if (colon < 0) {
            return uriText;
        }
        return uriText.substring(0, scheme + 3) + userinfo.substring(0, colon + 1) + MASK + uriText.substring(at);
    }

    @Override
    public String toString() {
        return masked();
    }
}
