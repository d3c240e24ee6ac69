package io.matrixone.cdc.sink;

import io.matrixone.cdc.common.ChangeEvent;
import io.matrixone.cdc.common.TableId;
import io.matrixone.cdc.common.TableMappings;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Decides the target table of a record, in this order: the configured mo_cdc mappings (matched on
 * the envelope's source database and table), the {@code mo.cdc.target.table} header the source
 * connector sets, then {@code table.name.format}. A record without a source block (a tombstone, a
 * flattened row) takes its source database and table from a {@code <prefix>.<db>.<table>} topic name.
 */
final class TableRouter {

    private final TableMappings mappings;
    private final String format;
    /** The mappings' answers so far: matching every record against each mapping entry was a stream per record. */
    private final Map<TableId, TableId> targets = new HashMap<>();

    TableRouter(TableMappings mappings, String format) {
        this.mappings = mappings;
        this.format = format;
    }

    TableId route(SinkRecord record, Struct source) {
        String sourceDb = source == null ? null : stringField(source, ChangeEvent.SOURCE_DB);
        String sourceTable = source == null ? null : stringField(source, ChangeEvent.SOURCE_TABLE);
        Header sourceHeader = source == null ? record.headers().lastWithName(ChangeEvent.SOURCE_TABLE_HEADER) : null;
        if (sourceHeader != null && sourceHeader.value() != null) {
            // Tombstones and flat rows of this project's source name their table in a header: the real name, which
            // the topic's may not be (TopicNames).
            TableId named = TableId.parse(sourceHeader.value().toString());
            sourceDb = named.database();
            sourceTable = named.table();
        } else if (source == null) {
            // Tombstones and flat rows of other sources carry no source block: Debezium-style topic names
            // (<prefix>.<db>.<table>) still tell where the row came from.
            String[] parts = record.topic().split("\\.");
            if (parts.length >= 3) {
                sourceDb = parts[parts.length - 2];
                sourceTable = parts[parts.length - 1];
            }
        }
        if (mappings != null && sourceDb != null && sourceTable != null) {
            TableId from = new TableId(sourceDb, sourceTable);
            TableId target = targets.get(from);
            if (target == null) {
                target = mappings.targetOf(from).orElseThrow(() -> new RecordConversionException(
                        "source table " + from + " is not in the sink's tables mapping '" + mappings + "'"));
                targets.put(from, target);
            }
            return target;
        }
        Header header = record.headers().lastWithName(ChangeEvent.TARGET_TABLE_HEADER);
        if (header != null && header.value() != null) {
            return TableId.parse(header.value().toString());
        }
        String name = format.replace("${topic}", record.topic().replace('.', '_'));
        if (name.contains("${source.")) {
            if (sourceDb == null || sourceTable == null) {
                throw new RecordConversionException("table.name.format '" + format + "' needs the envelope's source block, "
                        + "which this record (topic " + record.topic() + ") lacks; set table.name.format or tables");
            }
            name = name.replace("${source.db}", sourceDb).replace("${source.table}", sourceTable);
        }
        try {
            return TableId.parse(name);
        } catch (IllegalArgumentException e) {
            throw new RecordConversionException("table.name.format gives '" + name + "': " + e.getMessage());
        }
    }

    private static String stringField(Struct struct, String name) {
        return struct.schema().field(name) == null ? null : struct.getString(name);
    }
}
