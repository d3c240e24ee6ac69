package io.matrixone.cdc.common;

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

    private JdbcProperties() {
    }
}
