package io.matrixone.cdc.source;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.HashSet;

/**
 * Which compute node (CN) serves a connection: lanes on the same CN may share a fenced horizon ({@link ReadHorizon}).
 * A fence makes a horizon safe by the CN having applied the log up to the fence's commit, and a CN applies the log
 * once for all its sessions (docs/matrixone-facts.md). MatrixOne's process list names the CN of every session.
 */
final class ComputeNode {

    private ComputeNode() {
    }

    /**
     * The id of the CN serving {@code conn}, or null when the process list does not name exactly one (a proxy, a user
     * who may not see it): a connection of unknown CN shares no horizon with another.
     */
    static String of(Connection conn) {
        Set<String> nodes = new HashSet<>();
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT node_id FROM information_schema.processlist WHERE conn_id = connection_id()")) {
            while (rs.next()) {
                nodes.add(rs.getString(1));
            }
        } catch (SQLException e) {
            return null;
        }
        return nodes.size() == 1 && nodes.iterator().next() != null ? nodes.iterator().next() : null;
    }
}
