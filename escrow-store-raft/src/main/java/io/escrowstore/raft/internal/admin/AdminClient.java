package io.escrowstore.raft.internal.admin;

import com.alipay.sofa.jraft.error.RemotingException;
import com.alipay.sofa.jraft.option.RpcOptions;
import com.alipay.sofa.jraft.rpc.InvokeCallback;
import com.alipay.sofa.jraft.rpc.RaftRpcFactory;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.util.Endpoint;
import com.alipay.sofa.jraft.util.RpcFactoryHelper;
import io.escrowstore.Member;
import io.escrowstore.raft.proto.EscrowProto.AdminRequest;
import io.escrowstore.raft.proto.EscrowProto.AdminResponse;
import io.escrowstore.raft.proto.EscrowProto.NodeInfo;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import io.escrowstore.raft.internal.transport.RpcSerializer;

/**
 * Sends {@link AdminRequest}s to a node's Raft port: a member forwarding to the leader, the leader
 * asking a member how far it has applied, the launcher's admin commands. As for forwarded
 * commands, a request that could not be sent is told apart from one that got no answer.
 */
public final class AdminClient implements AutoCloseable {
    private final RpcClient client;
    private final Executor executor;

    /**
     * @param executor where answers are handed over; never a bolt thread
     * @param security configures the client's connections (TLS), or null for plaintext
     */
    public AdminClient(Executor executor, RaftRpcFactory.ConfigHelper<RpcClient> security) {
        RpcSerializer.register();
        this.executor = executor;
        this.client = RpcFactoryHelper.rpcFactory().createRpcClient(security);
        this.client.init(new RpcOptions());
    }

    /**
     * One exchange: the response, or why there is none.
     *
     * @param response the answer, or null
     * @param failure why there is no answer, or null
     * @param sent false if the request provably never left (nothing can have happened)
     */
    public record Sent(AdminResponse response, String failure, boolean sent) {
    }

    public CompletableFuture<Sent> send(Member target, AdminRequest request, long timeoutMs) {
        CompletableFuture<Sent> result = new CompletableFuture<>();
        InvokeCallback callback = new InvokeCallback() {
            @Override
            public void complete(Object response, Throwable error) {
                if (error == null && response instanceof AdminResponse answer) {
                    result.complete(new Sent(answer, null, true));
                } else {
                    result.complete(new Sent(null, "no answer from " + target + ": "
                            + (error == null ? "unexpected response " + response : error.getMessage()), true));
                }
            }

            @Override
            public Executor executor() {
                return executor;
            }
        };
        try {
            client.invokeAsync(new Endpoint(target.host(), target.port()), request, callback, Math.max(1, timeoutMs));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result.complete(new Sent(null, "interrupted before sending to " + target, false));
        } catch (RemotingException | RuntimeException e) {
            result.complete(new Sent(null, target + " unreachable: " + e.getMessage(), false));
        }
        return result;
    }

    /** Asks {@code target} for its own view; empty if it did not answer in time. */
    CompletableFuture<Optional<NodeInfo>> describe(Member target, String raftGroup, long timeoutMs) {
        AdminRequest request = AdminRequest.newBuilder().setGroup(raftGroup).setKind(AdminRequest.Kind.DESCRIBE)
                .setTimeoutMillis(timeoutMs).setRouted(true).build();
        return send(target, request, timeoutMs).thenApply(sent -> sent.response() != null
                && sent.response().getStatus() == AdminResponse.Status.OK && sent.response().hasNode()
                ? Optional.of(sent.response().getNode()) : Optional.empty());
    }

    @Override
    public void close() {
        client.shutdown();
    }
}
