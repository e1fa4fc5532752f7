package io.escrowstore.raft.internal.transport;

import com.alipay.sofa.jraft.option.RpcOptions;
import com.alipay.sofa.jraft.rpc.RaftRpcFactory;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.rpc.RpcResponseFactory;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.rpc.impl.BoltRaftRpcFactory;
import com.alipay.sofa.jraft.util.Endpoint;
import com.alipay.sofa.jraft.util.SPI;

/**
 * jraft's RPC factory for escrow-store, chosen by jraft's service loader over its own bolt factory
 * (priority 50 against 0): everything is bolt's, except that a client created while a TLS store
 * initialises its node on this thread is secured with that store's identity. jraft creates each
 * node's Raft client through the process-wide factory with no per-node parameter, so this is the
 * per-node hook. A factory with a higher priority (the testkit's fault injection) must extend or
 * delegate to this one; if it does not, the store notices and refuses to start rather than run
 * without TLS.
 */
@SPI(priority = 50)
public class EscrowRaftRpcFactory implements RaftRpcFactory {
    private final RaftRpcFactory bolt = new BoltRaftRpcFactory();

    @Override
    public void registerProtobufSerializer(String className, Object... args) {
        bolt.registerProtobufSerializer(className, args);
    }

    @Override
    public RpcClient createRpcClient(ConfigHelper<RpcClient> helper) {
        TransportSecurity security = TransportSecurity.initialising();
        if (security == null) {
            return bolt.createRpcClient(helper);
        }
        RpcClient client = bolt.createRpcClient(helper);
        security.secure(client);
        security.nodeClientSecured();
        return client;
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
