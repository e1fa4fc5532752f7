package io.escrowstore.testkit;

import com.alipay.sofa.jraft.util.Endpoint;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JVM-wide map from a node's endpoint to the link table of its cluster. With nothing
 * registered, {@link FaultInjectingRpcFactory}'s clients pass every call straight through.
 */
final class LinkRegistry {
    private static final Map<Endpoint, LinkTable> TABLES = new ConcurrentHashMap<>();

    private LinkRegistry() {
    }

    /** @throws IllegalStateException if an endpoint already belongs to another live table */
    static void register(LinkTable table) {
        for (Endpoint endpoint : table.endpoints()) {
            LinkTable previous = TABLES.putIfAbsent(endpoint, table);
            if (previous != null && previous != table) {
                unregister(table);
                throw new IllegalStateException(endpoint + " is already used by another cluster in this JVM");
            }
        }
    }

    static void unregister(LinkTable table) {
        for (Endpoint endpoint : table.endpoints()) {
            TABLES.remove(endpoint, table);
        }
    }

    /** The table that {@code endpoint} belongs to, or null. */
    static LinkTable find(Endpoint endpoint) {
        return TABLES.get(endpoint);
    }
}
