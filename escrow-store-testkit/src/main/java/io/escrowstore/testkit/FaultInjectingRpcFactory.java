package io.escrowstore.testkit;

import com.alipay.sofa.jraft.option.RpcOptions;
import com.alipay.sofa.jraft.rpc.RaftRpcFactory;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.rpc.RpcResponseFactory;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.util.Endpoint;
import com.alipay.sofa.jraft.util.SPI;
import io.escrowstore.raft.EscrowRaftRpcFactory;

/**
 * <b>Not an API: public only because jraft's service loader instantiates it.</b> jraft's RPC
 * factory as seen by every node in a JVM that has the testkit on its classpath: jraft's
 * {@code JRaftServiceLoader} picks the {@code RaftRpcFactory} with the highest {@link SPI}
 * priority listed in any {@code META-INF/services} file, and bolt's factory has priority 0.
 *
 * <p>Everything is delegated to {@link EscrowRaftRpcFactory} (bolt's factory plus the store's
 * per-node TLS; it must stay the delegate or TLS stores refuse to start); each client it creates is wrapped so
 * that calls go through the link table of the cluster they belong to (see {@link Network}).
 * While no {@link EscrowCluster} is registered, the wrapper passes every call straight through.
 *
 * <p><b>Warning:</b> this is why {@code escrow-store-testkit} must be a {@code test}-scoped
 * dependency: on a production classpath it would take over jraft's RPC factory.
 */
@SPI(priority = 100)
public final class FaultInjectingRpcFactory implements RaftRpcFactory {
    private final RaftRpcFactory bolt = new EscrowRaftRpcFactory();

    /** Called by jraft's service loader. */
    public FaultInjectingRpcFactory() {
    }

    @Override
    public void registerProtobufSerializer(String className, Object... args) {
        bolt.registerProtobufSerializer(className, args);
    }

    @Override
    public RpcClient createRpcClient(ConfigHelper<RpcClient> helper) {
        return new FaultInjectingRpcClient(bolt.createRpcClient(helper), ClientOwner.current());
    }

    @Override
    public RpcServer createRpcServer(Endpoint endpoint, ConfigHelper<RpcServer> helper) {
        return bolt.createRpcServer(endpoint, helper);
    }

    @Override
    public RpcResponseFactory getRpcResponseFactory() {
        return bolt.getRpcResponseFactory();
    }

    @Override
    public boolean isReplicatorPipelineEnabled() {
        return bolt.isReplicatorPipelineEnabled();
    }

    @Override
    public void ensurePipeline() {
        bolt.ensurePipeline();
    }

    @Override
    public ConfigHelper<RpcClient> defaultJRaftClientConfigHelper(RpcOptions options) {
        return bolt.defaultJRaftClientConfigHelper(options);
    }

    @Override
    public ConfigHelper<RpcServer> defaultJRaftServerConfigHelper(RpcOptions options) {
        return bolt.defaultJRaftServerConfigHelper(options);
    }
}
