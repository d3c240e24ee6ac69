package io.matrixone.cdc.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.common.TableId;
import org.junit.jupiter.api.Test;

class CreateTableParserTest {

    /** As MatrixOne v4.1.4 prints it (SHOW CREATE TABLE), with every kind of type the project maps. */
    private static final String DDL = "CREATE TABLE `x` (\n"
            + "  `id` bigint unsigned NOT NULL,\n"
            + "  `a` int unsigned NOT NULL DEFAULT 3 COMMENT 'c',\n"
            + "  `b` varchar(20) DEFAULT 'NOT NULL y',\n"
            + "  `c` decimal(38,10) DEFAULT NULL,\n"
            + "  `d` json DEFAULT NULL,\n"
            + "  `e` vecf32(3) DEFAULT NULL,\n"
            + "  `f` datetime(6) DEFAULT current_timestamp() ON UPDATE current_timestamp(),\n"
            + "  `g` text DEFAULT NULL,\n"
            + "  `we``ird col` enum('a','it''s (x)') NOT NULL,\n"
            + "  `__mo_cpkey_col` varchar(65535) NOT NULL,\n"
            + "  PRIMARY KEY (`id`,`we``ird col`)\n"
            + ")";

    @Test
    void columnsTypesNullabilityAndKeyAsInformationSchemaWouldGiveThem() {
        TableSchema schema = CreateTableParser.parse(new TableId("db", "x"), DDL);
        assertThat(schema.columns()).extracting(Column::name)
                .containsExactly("id", "a", "b", "c", "d", "e", "f", "g", "we`ird col");
        assertThat(schema.columns()).extracting(Column::declaredType)
                .containsExactly("BIGINT UNSIGNED", "INT UNSIGNED", "VARCHAR(20)", "DECIMAL(38,10)", "JSON", "VECF32(3)",
                        "DATETIME(6)", "TEXT", "ENUM('a','it''s (x)')");
        assertThat(schema.columns()).extracting(Column::dataType)
                .containsExactly("BIGINT UNSIGNED", "INT UNSIGNED", "VARCHAR", "DECIMAL", "JSON", "VECF32", "DATETIME", "TEXT", "ENUM");
        assertThat(schema.columns()).extracting(Column::nullable)
                .containsExactly(false, false, true, true, true, true, true, true, false);
        assertThat(schema.primaryKey()).extracting(Column::name).containsExactly("id", "we`ird col");
    }

    @Test
    void theSameColumnFromInformationSchemaIsEqual() {
        TableSchema schema = CreateTableParser.parse(new TableId("db", "x"), DDL);
        assertThat(schema.columns().get(0)).isEqualTo(Column.fromInformationSchema("id", "BIGINT UNSIGNED", "BIGINT UNSIGNED(64)", false));
        assertThat(schema.columns().get(2)).isEqualTo(Column.fromInformationSchema("b", "VARCHAR", "VARCHAR(20)", true));
        assertThat(schema.columns().get(3)).isEqualTo(Column.fromInformationSchema("c", "DECIMAL", "DECIMAL(38,10)", true));
        assertThat(schema.columns().get(4)).isEqualTo(Column.fromInformationSchema("d", "JSON", "JSON(0)", true));
    }
}
