package io.escrowstore.testkit;

import com.alipay.sofa.jraft.util.Endpoint;
import java.util.function.Supplier;

/**
 * Which node is creating RPC clients on this thread. {@link EscrowCluster} opens every node inside
 * {@link #runAs}; jraft creates the node's Raft RPC client during {@code Node.init}, and the store
 * its forwarding client, synchronously on that thread, so {@link FaultInjectingRpcFactory} can tag
 * each client with its owner (the sender of everything the client sends).
 */
final class ClientOwner {
    private static final ThreadLocal<Endpoint> OWNER = new ThreadLocal<>();

    private ClientOwner() {
    }

    /** Runs {@code action} with {@code owner} as the owner of every RPC client created meanwhile. */
    static <T> T runAs(Endpoint owner, Supplier<T> action) {
        Endpoint previous = OWNER.get();
        OWNER.set(owner);
        try {
            return action.get();
        } finally {
            if (previous == null) {
                OWNER.remove();
            } else {
                OWNER.set(previous);
            }
        }
    }

    /** The owner set on this thread, or null outside {@link #runAs}. */
    static Endpoint current() {
        return OWNER.get();
    }
}
