package io.matrixone.cdc.source;

import io.matrixone.cdc.common.SourceOffsets;
import io.matrixone.cdc.common.TableId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Builds and reads the per-table checkpoint (names in {@link SourceOffsets}). */
final class Offsets {

    private Offsets() {
    }

    static Map<String, String> partition(String server, TableId table) {
        return Map.of(SourceOffsets.PARTITION_SERVER, server, SourceOffsets.PARTITION_DB, table.database(),
                SourceOffsets.PARTITION_TABLE, table.table());
    }

    static Map<String, Object> snapshot(long ts, String lastPkJson) {
        Map<String, Object> offset = new HashMap<>();
        offset.put(SourceOffsets.TS, ts);
        offset.put(SourceOffsets.PHASE, SourceOffsets.PHASE_SNAPSHOT);
        offset.put(SourceOffsets.LAST_PK, lastPkJson);
        return offset;
    }

    static Map<String, Object> stream(long ts) {
        Map<String, Object> offset = new HashMap<>();
        offset.put(SourceOffsets.TS, ts);
        // No last_pk entry at all: Connect's REST API shows an offset holding a null value as null.
        offset.put(SourceOffsets.PHASE, SourceOffsets.PHASE_STREAM);
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
