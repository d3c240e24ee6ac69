package org.apache.kafka.common.test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.server.ServerSocketFactory;

/**
 * Stands in for the class of the same name in Kafka's test kit (kafka-test-common-runtime), which
 * EmbeddedConnectCluster's Kafka uses to bind KRaft listener ports before the nodes start. The kit's
 * version binds them on every interface; every server of this project's tests must listen on
 * 127.0.0.1 only, so this one binds the same sockets to the loopback address. It comes first on the
 * test classpath because test-support is declared before the kit it depends on. Same public API;
 * remove it once the kit takes a bind address.
 */
public class PreboundSocketFactoryManager implements AutoCloseable {

    private boolean closed;
    private final Map<Integer, ServerSocketFactory> factories = new HashMap<>();
    private final Map<Integer, Map<String, ServerSocketChannel>> sockets = new HashMap<>();
    private final Map<Integer, Set<String>> usedSockets = new HashMap<>();

    /** The socket bound in advance for a node's listener, now handed to the node; null if none. */
    public synchronized ServerSocketChannel getSocketForListenerAndMarkAsUsed(int nodeId, String listener) {
        Map<String, ServerSocketChannel> nodeSockets = sockets.get(nodeId);
        ServerSocketChannel socket = nodeSockets == null ? null : nodeSockets.get(listener);
        if (socket != null) {
            usedSockets.computeIfAbsent(nodeId, id -> new HashSet<>()).add(listener);
        }
        return socket;
    }

    public synchronized ServerSocketFactory getOrCreateSocketFactory(int nodeId) {
        return factories.computeIfAbsent(nodeId, id -> (listener, address, backlog, recvBuffer) -> {
            ServerSocketChannel prebound = getSocketForListenerAndMarkAsUsed(id, listener);
            if (prebound == null) {
                return ServerSocketFactory.INSTANCE.openServerSocket(listener, address, backlog, recvBuffer);
            }
            if (prebound.isOpen()) {
                return prebound;
            }
            // Reopened after a node restart: same port, loopback again.
            InetSocketAddress again = new InetSocketAddress(InetAddress.getLoopbackAddress(), prebound.socket().getLocalPort());
            return ServerSocketFactory.INSTANCE.openServerSocket(listener, again, backlog, recvBuffer);
        });
    }

    public synchronized int getOrCreatePortForListener(int nodeId, String listener) throws IOException {
        Map<String, ServerSocketChannel> nodeSockets = sockets.computeIfAbsent(nodeId, id -> new HashMap<>());
        ServerSocketChannel socket = nodeSockets.get(listener);
        if (socket == null) {
            if (closed) {
                throw new RuntimeException("Cannot open new socket: manager is closed.");
            }
            socket = ServerSocketFactory.INSTANCE.openServerSocket(listener,
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), -1, -1);
            nodeSockets.put(listener, socket);
        }
        return ((InetSocketAddress) socket.getLocalAddress()).getPort();
    }

    /** Closes the sockets no node took over; the nodes close their own. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Map.Entry<Integer, Map<String, ServerSocketChannel>> node : sockets.entrySet()) {
            Set<String> used = usedSockets.getOrDefault(node.getKey(), Set.of());
            for (Map.Entry<String, ServerSocketChannel> socket : node.getValue().entrySet()) {
                if (!used.contains(socket.getKey())) {
                    Utils.closeQuietly(socket.getValue(), "prebound socket for listener " + socket.getKey());
                }
            }
        }
    }
}
