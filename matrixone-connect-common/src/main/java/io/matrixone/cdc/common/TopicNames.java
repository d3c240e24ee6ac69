package io.matrixone.cdc.common;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The Kafka topic of a source table: {@code <prefix>.<db>.<table>}. Kafka allows only {@code [a-zA-Z0-9._-]} in
 * topic names, MatrixOne much more (spaces, unicode, backticks), so a name part with other characters has them
 * replaced by {@code _} and gets the CRC-32 of its real name appended, so two tables whose names differ only there
 * ({@code a b}, {@code a_b}) keep topics of their own. The real names travel in each record (source block and
 * {@link ChangeEvent#SOURCE_TABLE_HEADER}), never read back from the topic.
 */
public final class TopicNames {

    private TopicNames() {
    }

    public static String forTable(String prefix, TableId table) {
        return prefix + "." + part(table.database()) + "." + part(table.table());
    }

    static String part(String name) {
        StringBuilder legal = new StringBuilder(name.length());
        boolean changed = false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
            legal.append(ok ? c : '_');
            changed |= !ok;
        }
        if (!changed) {
            return name;
        }
        CRC32 crc = new CRC32();
        crc.update(name.getBytes(StandardCharsets.UTF_8));
        return legal + "_" + String.format("%08x", crc.getValue());
    }
}
