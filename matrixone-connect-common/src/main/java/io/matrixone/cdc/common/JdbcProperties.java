package io.matrixone.cdc.common;

import java.util.Map;

/** The Connector/J settings every connection to MatrixOne uses, and why. */
public final class JdbcProperties {

    /**
     * <ul>
     *   <li>{@code useCursorFetch} stays off: MatrixOne rejects server cursors (error 20301);
     *       large reads are keyset-chunked instead.</li>
     *   <li>{@code characterEncoding=UTF-8}: MatrixOne speaks utf8mb4 only.</li>
     *   <li>{@code useServerPrepStmts=false}: client-side statements keep time-travel hints literal.</li>
     *   <li>{@code rewriteBatchedStatements=true}: JDBC batches of one statement become multi-row.</li>
     *   <li>{@code connectionTimeZone=UTC&forceConnectionTimeZoneToSession=false}: DATETIME values are
     *       read and written as wall-clock values without shifting.</li>
     * </ul>
     */
    public static final String DEFAULT_QUERY = "useSSL=false&allowPublicKeyRetrieval=true"
            + "&characterEncoding=UTF-8&useServerPrepStmts=false&rewriteBatchedStatements=true"
            + "&connectionTimeZone=UTC&forceConnectionTimeZoneToSession=false"
            + "&zeroDateTimeBehavior=CONVERT_TO_NULL&connectTimeout=10000&tcpKeepAlive=true";

    /**
     * For the sink's connections: Connector/J parses a client-side statement's text for its placeholders each time it
     * is prepared, and a sink's multi-row statements repeat (3,000 rows of one table make the same text): a copy's profile
     * put 8% of the sink task's CPU in that parse. The cache keeps the parse of recent texts up to 1 MiB long (the
     * default limit, 256 characters, excludes every multi-row statement). The source's statements carry literal
     * times, so they never repeat and it does not use this.
     */
    public static final Map<String, String> SINK_STATEMENT_CACHE = Map.of(
            "cachePrepStmts", "true",
            "prepStmtCacheSize", "16",
            "prepStmtCacheSqlLimit", String.valueOf(1024 * 1024));

    private JdbcProperties() {
    }
}
