package io.escrowstore.testkit;

import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.util.SPI;
import io.escrowstore.raft.internal.transport.EscrowRaftRpcFactory;

/**
 * <b>Not an API: public only because jraft's service loader instantiates it.</b> jraft's RPC
 * factory as seen by every node in a JVM that has the testkit on its classpath: jraft's
 * {@code JRaftServiceLoader} picks the {@code RaftRpcFactory} with the highest {@link SPI}
 * priority listed in any {@code META-INF/services} file, and bolt's factory has priority 0.
 *
 * <p>Everything is inherited from {@link EscrowRaftRpcFactory} (bolt's factory plus the store's
 * per-node TLS; it must stay the parent or TLS stores refuse to start); each client it creates is wrapped so
 * that calls go through the link table of the cluster they belong to (see {@link Network}).
 * While no {@link EscrowCluster} is registered, the wrapper passes every call straight through.
 *
 * <p><b>Warning:</b> this is why {@code escrow-store-testkit} must be a {@code test}-scoped
 * dependency: on a production classpath it would take over jraft's RPC factory.
 */
@SPI(priority = 100)
public final class FaultInjectingRpcFactory extends EscrowRaftRpcFactory {
    /** Called by jraft's service loader. */
    public FaultInjectingRpcFactory() {
    }

    @Override
    public RpcClient createRpcClient(ConfigHelper<RpcClient> helper) {
        return new FaultInjectingRpcClient(super.createRpcClient(helper), ClientOwner.current());
    }
}
