package io.escrowstore.raft;

import com.alipay.sofa.jraft.option.RpcOptions;
import com.alipay.sofa.jraft.rpc.InvokeCallback;
import com.alipay.sofa.jraft.rpc.RaftRpcFactory;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.util.Endpoint;
import com.alipay.sofa.jraft.util.RpcFactoryHelper;
import com.google.protobuf.ByteString;
import io.escrowstore.Member;
import io.escrowstore.raft.proto.EscrowProto.ForwardRequest;
import io.escrowstore.raft.proto.EscrowProto.ForwardResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Sends commands to the member believed to lead. A request that could not even be sent (no
 * connection) is reported as unreachable, so the router may retry it; a request that was sent and
 * got no answer is indeterminate, because the leader may have applied it.
 *
 * <p>Bolt connects synchronously on the calling thread when no connection to the target exists
 * (its own connect timeout, 1 s by default, applies); callers run attempts on pool threads.
 */
final class ForwardClient implements AutoCloseable {
    private final RpcClient client;
    private final String raftGroup;
    private final Executor executor;

    /** @param security configures the client's connections (TLS), or null for plaintext */
    ForwardClient(String raftGroup, Executor executor, RaftRpcFactory.ConfigHelper<RpcClient> security) {
        this.raftGroup = raftGroup;
        this.executor = executor;
        this.client = RpcFactoryHelper.rpcFactory().createRpcClient(security);
        this.client.init(new RpcOptions());
    }

    /** Result of one send: a response, or a failure that proves nothing was sent. */
    record Sent(ForwardResponse response, String unreachable) {
    }

    CompletableFuture<Sent> forward(Member leader, byte[] command, long timeoutMs) {
        ForwardRequest request = ForwardRequest.newBuilder()
                .setGroup(raftGroup)
                .setCommand(ByteString.copyFrom(command))
                .build();
        CompletableFuture<Sent> result = new CompletableFuture<>();
        InvokeCallback callback = new InvokeCallback() {
            @Override
            public void complete(Object response, Throwable error) {
                if (error == null && response instanceof ForwardResponse forwardResponse) {
                    result.complete(new Sent(forwardResponse, null));
                } else {
                    result.complete(new Sent(Outcomes.indeterminate("forward to " + leader + " failed after sending: "
                            + (error == null ? "unexpected response " + response : error)), null));
                }
            }

            @Override
            public Executor executor() {
                return executor;
            }
        };
        try {
            client.invokeAsync(new Endpoint(leader.host(), leader.port()), request, callback, Math.max(1, timeoutMs));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result.complete(new Sent(null, "interrupted before sending to " + leader));
        } catch (RuntimeException | com.alipay.sofa.jraft.error.RemotingException e) {
            result.complete(new Sent(null, leader + " unreachable: " + e.getMessage()));
        }
        return result;
    }

    @Override
    public void close() {
        client.shutdown();
    }
}
