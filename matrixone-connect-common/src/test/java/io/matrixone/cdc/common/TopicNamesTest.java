package io.matrixone.cdc.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopicNamesTest {

    @Test
    void plainNamesStayAsTheyAre() {
        assertThat(TopicNames.forTable("task", new TableId("production_db", "user-activities2")))
                .isEqualTo("task.production_db.user-activities2");
    }

    @Test
    void namesKafkaRefusesAreMadeLegalAndKeptApart() {
        String odd = TopicNames.forTable("task", new TableId("db", "odd t ü"));
        String underscored = TopicNames.forTable("task", new TableId("db", "odd_t_ü"));
        String dotted = TopicNames.forTable("task", new TableId("d.b", "x`y"));
        for (String topic : new String[] {odd, underscored, dotted}) {
            assertThat(topic).matches("[a-zA-Z0-9._-]+");
        }
        assertThat(odd).startsWith("task.db.odd_t___").isNotEqualTo(underscored);
        assertThat(dotted).as("a dot in a name would read as a separator").startsWith("task.d_b_").contains(".x_y_");
        assertThat(TopicNames.forTable("task", new TableId("db", "odd t ü"))).as("the same name, the same topic").isEqualTo(odd);
    }
}
