package io.matrixone.cdc.common;

/**
 * Connect schema names for MatrixOne types that have no Connect primitive of their own. Debezium's
 * names where Debezium has one, so consumers that know Debezium understand them.
 */
public final class SemanticTypes {

    public static final String JSON = "io.debezium.data.Json";
    public static final String UUID = "io.debezium.data.Uuid";
    public static final String ENUM = "io.debezium.data.Enum";
    /** Schema parameter of {@link #ENUM}: the allowed labels, comma separated. */
    public static final String ENUM_VALUES_PARAM = "allowed";
    /** VECF32(n): an ARRAY of FLOAT32 with this name; {@link #VECTOR_DIMENSION_PARAM} holds n. */
    public static final String VECF32 = "io.matrixone.data.Vecf32";
    /** VECF64(n): an ARRAY of FLOAT64 with this name. */
    public static final String VECF64 = "io.matrixone.data.Vecf64";
    /** Schema parameter on vector schemas: the dimension. */
    public static final String VECTOR_DIMENSION_PARAM = "dimension";
    /** TIME as microseconds since midnight; may be negative or above 24h like MySQL's TIME. */
    public static final String MICRO_TIME = "io.debezium.time.MicroTime";
    /** DATETIME(6) as microseconds since the epoch, wall clock, no zone. */
    public static final String MICRO_TIMESTAMP = "io.debezium.time.MicroTimestamp";

    private SemanticTypes() {
    }
}
