package io.matrixone.cdc.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.common.TableId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TableChangeTest {

    private static final TableId ID = new TableId("db", "t");
    private static final long TD = 1_000_000_000_000L;
    private static final TableHistory.Identity OLD = new TableHistory.Identity(10, 1);

    private static Column column(String name) {
        return new Column(name, "INT", "INT", false);
    }

    private static TableSchema schema(List<String> key, String... columns) {
        return new TableSchema(ID, Arrays.stream(columns).map(TableChangeTest::column).toList(),
                key.stream().map(TableChangeTest::column).toList());
    }

    private static final TableSchema BEFORE = schema(List.of("id"), "id", "v");

    /** The server as the decision sees it at Td, with the reads it was asked for. */
    private static final class Server implements TableChange.Source {
        final TableHistory.Identity identity;
        final TableSchema schema;
        final boolean empty;
        final long rowsBefore;
        final long rowsAfter;
        final List<String> reads = new ArrayList<>();

        Server(TableHistory.Identity identity, TableSchema schema, boolean empty, long rowsBefore, long rowsAfter) {
            this.identity = identity;
            this.schema = schema;
            this.empty = empty;
            this.rowsBefore = rowsBefore;
            this.rowsAfter = rowsAfter;
        }

        @Override
        public TableHistory.Identity identityAt() {
            reads.add("identity");
            return identity;
        }

        @Override
        public Optional<TableSchema> schemaAt() {
            reads.add("schema");
            return Optional.ofNullable(schema);
        }

        @Override
        public boolean emptyAt(TableSchema schema) {
            reads.add("empty");
            return empty;
        }

        @Override
        public long rowsAt(TableSchema schema, long ts) {
            assertThat(ts == TD || (ts == TD - 1 && schema == BEFORE))
                    .as("rows counted at Td with the new columns, just before it with the old ones").isTrue();
            reads.add("rows");
            return ts == TD ? rowsAfter : rowsBefore;
        }
    }

    private static TableChange.Outcome decide(Server server) throws Exception {
        return TableChange.decide(server, BEFORE, OLD, TD);
    }

    @Test
    void noTableAtTheChangeIsADrop() throws Exception {
        Server server = new Server(null, null, false, 0, 0);
        assertThat(decide(server)).isInstanceOf(TableChange.Dropped.class);
        assertThat(server.reads).containsExactly("identity");
    }

    @Test
    void anEmptyTableAtTheChangeIsATruncateAndStreamingGoesOn() throws Exception {
        TableHistory.Identity truncated = new TableHistory.Identity(11, 1); // TRUNCATE gives the table a new rel_id
        TableChange.Outcome outcome = decide(new Server(truncated, BEFORE, true, 5, 0));
        assertThat(outcome).isInstanceOf(TableChange.Continue.class);
        TableChange.Continue go = (TableChange.Continue) outcome;
        assertThat(go.truncated()).isTrue();
        assertThat(go.identity()).isEqualTo(truncated);
        assertThat(go.what()).startsWith("truncated at ");
    }

    @Test
    void theSameTableWithTheSameColumnsGoesOnInPlace() throws Exception {
        TableSchema renamedCase = schema(List.of("ID"), "ID", "V"); // names compare as MatrixOne does, case-insensitively
        Server server = new Server(new TableHistory.Identity(10, 2), renamedCase, false, 0, 0);
        TableChange.Outcome outcome = decide(server);
        assertThat(outcome).isInstanceOf(TableChange.Continue.class);
        TableChange.Continue go = (TableChange.Continue) outcome;
        assertThat(go.truncated()).isFalse();
        assertThat(go.schema()).isEqualTo(renamedCase);
        assertThat(go.what()).startsWith("altered in place at ");
        assertThat(server.reads).doesNotContain("rows");
    }

    @Test
    void aNewPrimaryKeyEmptiesTheTargetAndReadsTheTableAgain() throws Exception {
        Server server = new Server(new TableHistory.Identity(12, 1), schema(List.of("v"), "id", "v"), false, 0, 0);
        TableChange.Outcome outcome = decide(server);
        assertThat(outcome).isEqualTo(new TableChange.Resnapshot(true, "altered at " + Timestamps.toText(TD)
                + "; its primary key changed"));
        assertThat(server.reads).doesNotContain("rows");
    }

    @Test
    void newColumnsWithTheSameRowsOverwriteTheTargetInPlace() throws Exception {
        TableChange.Outcome outcome = decide(new Server(new TableHistory.Identity(13, 1), schema(List.of("id"), "id", "v", "w"),
                false, 7, 7));
        assertThat(outcome).isInstanceOf(TableChange.Resnapshot.class);
        assertThat(((TableChange.Resnapshot) outcome).truncateFirst()).isFalse();
    }

    @Test
    void theSameColumnsUnderANewIdentityAreReadAgainToo() throws Exception {
        // A table dropped and created again between two reads has new rows: never streamed on as if in place.
        TableChange.Outcome outcome = decide(new Server(new TableHistory.Identity(14, 1), BEFORE, false, 7, 7));
        assertThat(outcome).isInstanceOf(TableChange.Resnapshot.class);
    }

    @Test
    void newColumnsWithOtherRowsEmptyTheTargetFirst() throws Exception {
        TableChange.Outcome outcome = decide(new Server(new TableHistory.Identity(13, 1), schema(List.of("id"), "id", "w"),
                false, 7, 6));
        assertThat(outcome).isInstanceOf(TableChange.Resnapshot.class);
        TableChange.Resnapshot again = (TableChange.Resnapshot) outcome;
        assertThat(again.truncateFirst()).isTrue();
        assertThat(again.why()).contains("7 rows just before the change, 6 at it");
    }
}
