package io.matrixone.cdc.source;

import io.matrixone.cdc.common.SourceOffsets;
import io.matrixone.cdc.common.TableId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds and reads the per-table checkpoint (names in {@link SourceOffsets}). */
final class Offsets {

    private Offsets() {
    }

    /**
     * The partition in a fixed key order. Connect keys its offset store by the serialized partition,
     * so an order that changes between JVMs (as Map.of's does) would leave a checkpoint that a later
     * offset reset (mo-cdc task drop) cannot erase.
     */
    static Map<String, String> partition(String server, TableId table) {
        Map<String, String> partition = new LinkedHashMap<>();
        partition.put(SourceOffsets.PARTITION_SERVER, server);
        partition.put(SourceOffsets.PARTITION_DB, table.database());
        partition.put(SourceOffsets.PARTITION_TABLE, table.table());
        return partition;
    }

    static Map<String, Object> snapshot(long ts, String lastPkJson) {
        Map<String, Object> offset = new LinkedHashMap<>();
        offset.put(SourceOffsets.TS, ts);
        offset.put(SourceOffsets.PHASE, SourceOffsets.PHASE_SNAPSHOT);
        offset.put(SourceOffsets.LAST_PK, lastPkJson);
        return offset;
    }

    static Map<String, Object> stream(long ts) {
        Map<String, Object> offset = new LinkedHashMap<>();
        offset.put(SourceOffsets.TS, ts);
        // No last_pk entry at all: Connect's REST API shows an offset holding a null value as null.
        offset.put(SourceOffsets.PHASE, SourceOffsets.PHASE_STREAM);
        return offset;
    }

    /** The table was dropped at {@code ts}: its capture ended there. */
    static Map<String, Object> dropped(long ts) {
        Map<String, Object> offset = new LinkedHashMap<>();
        offset.put(SourceOffsets.TS, ts);
        offset.put(SourceOffsets.PHASE, SourceOffsets.PHASE_DROPPED);
        return offset;
    }

    /** The last key as JSON text: an array of the key values as strings (they are bound back as text). */
    static String keyJson(List<Object> values) {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            json.append(i == 0 ? "" : ",").append('"').append(escape(String.valueOf(values.get(i)))).append('"');
        }
        return json.append(']').toString();
    }

    static List<String> parseKeyJson(String json) {
        List<String> values = new java.util.ArrayList<>();
        int i = json.indexOf('[') + 1;
        while (i < json.length()) {
            char c = json.charAt(i);
            if (c == '"') {
                StringBuilder value = new StringBuilder();
                i++;
                while (json.charAt(i) != '"') {
                    if (json.charAt(i) == '\\') {
                        i++;
                    }
                    value.append(json.charAt(i));
                    i++;
                }
                values.add(value.toString());
            }
            i++;
        }
        return values;
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
