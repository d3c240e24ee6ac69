package io.matrixone.cdc.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TableMappingsTest {

    private static final TableId ACTIVITIES = TableId.parse("production_db.user_activities");

    @Test
    void mapsOneTableToAnother() {
        TableMappings m = TableMappings.parse("production_db.user_activities:analytics_db.analytics_activities");

        assertThat(m.targetOf(ACTIVITIES)).contains(TableId.parse("analytics_db.analytics_activities"));
        assertThat(m.targetOf(TableId.parse("production_db.other"))).isEmpty();
        assertThat(m.exactTables()).containsExactly(ACTIVITIES);
        assertThat(m.databases()).contains(List.of("production_db"));
    }

    @Test
    void wildcardsKeepTableNamesAndMayMoveDatabase() {
        TableMappings m = TableMappings.parse("prod.*:analytics, logs.*, *.*");

        assertThat(m.targetOf(TableId.parse("prod.t1"))).contains(TableId.parse("analytics.t1"));
        assertThat(m.targetOf(TableId.parse("logs.x"))).contains(TableId.parse("logs.x"));
        assertThat(m.targetOf(TableId.parse("any.y"))).contains(TableId.parse("any.y"));
        assertThat(m.databases()).isEqualTo(Optional.empty());
    }

    @Test
    void namesAreCaseInsensitiveLikeMatrixOne() {
        TableMappings m = TableMappings.parse("Prod.Users:A.B");

        assertThat(m.targetOf(TableId.parse("prod.users"))).contains(new TableId("a", "b"));
    }

    @Test
    void backticksAllowDotsInNames() {
        TableMappings m = TableMappings.parse("`my.db`.t:`other.db`.t2");

        assertThat(m.targetOf(new TableId("my.db", "t"))).contains(new TableId("other.db", "t2"));
    }

    @Test
    void rejectsWhatCannotBeMeant() {
        assertThatThrownBy(() -> TableMappings.parse("")).hasMessageContaining("no tables");
        assertThatThrownBy(() -> TableMappings.parse("justatable")).hasMessageContaining("database.table");
        assertThatThrownBy(() -> TableMappings.parse("a.*:b.c")).hasMessageContaining("wildcard");
        assertThatThrownBy(() -> TableMappings.parse("*.t")).hasMessageContaining("*.*");
        assertThatThrownBy(() -> TableMappings.parse("a.b:c.d:e.f")).hasMessageContaining("too many");
    }
}
