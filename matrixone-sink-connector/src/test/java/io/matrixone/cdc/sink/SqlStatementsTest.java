package io.matrixone.cdc.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.common.TableId;
import io.matrixone.cdc.sink.MatrixOneSinkConfig.InsertMode;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlStatementsTest {

    private static final TableId TABLE = new TableId("db", "t");

    @Test
    void upsertIsMultiRowInsertUpdatingTheNonKeyColumns() {
        assertThat(SqlStatements.write(InsertMode.UPSERT, TABLE, List.of("id", "name"), List.of("id"), 2))
                .isEqualTo("INSERT INTO `db`.`t` (`id`, `name`) VALUES (?,?),(?,?)"
                        + " ON DUPLICATE KEY UPDATE `name` = VALUES(`name`)");
    }

    @Test
    void stagedUpsertSelectsTheSameColumnsFromTheTextStagingTableItLoads() {
        TableId stage = new TableId("mo_cdc", "stage_1");
        assertThat(SqlStatements.writeFromStage(InsertMode.UPSERT, TABLE, stage, List.of("id", "name"), List.of("id")))
                .isEqualTo("INSERT INTO `db`.`t` (`id`, `name`) SELECT `id`, `name` FROM `mo_cdc`.`stage_1`"
                        + " ON DUPLICATE KEY UPDATE `name` = VALUES(`name`)");
        assertThat(SqlStatements.createStage(stage, List.of("id", "na`me")))
                .isEqualTo("CREATE TABLE IF NOT EXISTS `mo_cdc`.`stage_1` (`id` TEXT, `na``me` TEXT)");
        assertThat(SqlStatements.loadStage("/tmp/it's/rows.csv", stage, List.of("id", "name")))
                .isEqualTo("LOAD DATA LOCAL INFILE '/tmp/it''s/rows.csv' INTO TABLE `mo_cdc`.`stage_1`"
                        + " FIELDS TERMINATED BY ',' ENCLOSED BY '\"' LINES TERMINATED BY '\\n' (`id`, `name`)");
    }

    @Test
    void keyOnlyUpsertIsAReplaceBecauseMatrixOneRefusesUpdatingKeyColumnsOnDuplicate() {
        assertThat(SqlStatements.write(InsertMode.UPSERT, TABLE, List.of("a", "b"), List.of("a", "b"), 1))
                .isEqualTo("REPLACE INTO `db`.`t` (`a`, `b`) VALUES (?,?)");
    }

    @Test
    void upsertWithoutKeyIsAPlainInsert() {
        assertThat(SqlStatements.write(InsertMode.UPSERT, TABLE, List.of("a"), List.of(), 2))
                .isEqualTo("INSERT INTO `db`.`t` (`a`) VALUES (?),(?)");
    }

    @Test
    void insertAndReplaceModes() {
        assertThat(SqlStatements.write(InsertMode.INSERT, TABLE, List.of("id", "v"), List.of("id"), 1))
                .isEqualTo("INSERT INTO `db`.`t` (`id`, `v`) VALUES (?,?)");
        assertThat(SqlStatements.write(InsertMode.REPLACE, TABLE, List.of("id", "v"), List.of("id"), 1))
                .isEqualTo("REPLACE INTO `db`.`t` (`id`, `v`) VALUES (?,?)");
    }

    @Test
    void deletesUseInForOneColumnAndTupleInForCompositeKeys() {
        assertThat(SqlStatements.delete(TABLE, List.of("id"), 3)).isEqualTo("DELETE FROM `db`.`t` WHERE `id` IN (?,?,?)");
        assertThat(SqlStatements.delete(TABLE, List.of("a", "b"), 2))
                .isEqualTo("DELETE FROM `db`.`t` WHERE (`a`, `b`) IN ((?,?),(?,?))");
    }

    @Test
    void oddIdentifiersAreQuoted() {
        assertThat(SqlStatements.delete(new TableId("my db", "se`lect"), List.of("order", "näme"), 1))
                .isEqualTo("DELETE FROM `my db`.`se``lect` WHERE (`order`, `näme`) IN ((?,?))");
    }
}
