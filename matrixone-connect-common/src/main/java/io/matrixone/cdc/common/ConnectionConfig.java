package io.matrixone.cdc.common;

import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The connection settings both connectors declare, written once. A server is given either as
 * {@code connection.uri} in mo_cdc's {@code mysql://user:pwd@host:port} form, or as a JDBC
 * {@code connection.url} plus {@code connection.user} / {@code connection.password}.
 */
public final class ConnectionConfig {

    public static final String GROUP = "Connection";

    public static final String URI = "connection.uri";
    public static final String URL = "connection.url";
    public static final String USER = "connection.user";
    public static final String PASSWORD = "connection.password";

    private ConnectionConfig() {
    }

    /** Adds the connection settings to {@code def}; {@code role} ("source" / "target") goes in the docs. */
    public static ConfigDef define(ConfigDef def, String role) {
        int order = 0;
        return def
                .define(URI, ConfigDef.Type.PASSWORD, null, ConfigDef.Importance.HIGH,
                        "The " + role + " MatrixOne server as mysql://user:password@host:port (MatrixOne mo_cdc's "
                                + "--source-uri/--sink-uri form; account-qualified users as acct#user). Either this or "
                                + URL + " is required. Stored as a password because it carries one.",
                        GROUP, ++order, ConfigDef.Width.LONG, "MatrixOne URI")
                .define(URL, ConfigDef.Type.STRING, null, ConfigDef.Importance.HIGH,
                        "The " + role + " MatrixOne server as a JDBC URL jdbc:mysql://host:port[/db][?params], used "
                                + "with " + USER + " and " + PASSWORD + " when " + URI + " is not set.",
                        GROUP, ++order, ConfigDef.Width.LONG, "JDBC URL")
                .define(USER, ConfigDef.Type.STRING, null, ConfigDef.Importance.HIGH,
                        "User for " + URL + ".", GROUP, ++order, ConfigDef.Width.MEDIUM, "User")
                .define(PASSWORD, ConfigDef.Type.PASSWORD, null, ConfigDef.Importance.HIGH,
                        "Password for " + URL + ".", GROUP, ++order, ConfigDef.Width.MEDIUM, "Password");
    }

    /**
     * The server these settings name.
     *
     * @throws ConfigException naming the field when the settings are missing or malformed
     */
    public static MatrixOneUri server(AbstractConfig config) {
        return server(config.getPassword(URI), config.getString(URL), config.getString(USER), config.getPassword(PASSWORD));
    }

    /** The setting that names the server in these properties, for attaching a reachability error. */
    public static String serverField(Map<String, String> props) {
        return props.get(URI) != null ? URI : URL;
    }

    /** Same as {@link #server(AbstractConfig)} from raw connector properties (for validate()). */
    public static MatrixOneUri server(Map<String, String> props) {
        String uri = props.get(URI);
        String pwd = props.get(PASSWORD);
        return server(uri == null ? null : new Password(uri), props.get(URL), props.get(USER),
                pwd == null ? null : new Password(pwd));
    }

    private static MatrixOneUri server(Password uri, String url, String user, Password password) {
        boolean hasUri = uri != null && uri.value() != null && !uri.value().isBlank();
        boolean hasUrl = url != null && !url.isBlank();
        if (hasUri && hasUrl) {
            throw new ConfigException(URI, "(hidden)", "set either " + URI + " or " + URL + ", not both");
        }
        if (!hasUri && !hasUrl) {
            throw new ConfigException(URI, null, "no MatrixOne server given: set " + URI
                    + " (mysql://user:password@host:port) or " + URL + " with " + USER + " and " + PASSWORD);
        }
        for (String[] value : new String[][] {{URI, uri == null ? null : uri.value()},
                {PASSWORD, password == null ? null : password.value()}}) {
            if (value[1] != null && value[1].startsWith("${") && value[1].endsWith("}")) {
                // Connect hands a reference over as it is when the worker declares no provider of that name.
                throw new ConfigException(value[0], value[1], "a config provider reference the worker did not resolve: "
                        + "declare the provider on every worker, e.g. config.providers=file and config.providers.file.class="
                        + "org.apache.kafka.common.config.provider.FileConfigProvider");
            }
        }
        try {
            if (hasUri) {
                return MatrixOneUri.parse(uri.value());
            }
            return MatrixOneUri.fromJdbcUrl(url, user, password == null ? "" : password.value());
        } catch (IllegalArgumentException e) {
            String key = hasUri ? URI : (user == null || user.isBlank() ? USER : URL);
            throw new ConfigException(key, hasUri ? "(hidden)" : url, e.getMessage());
        }
    }
}
