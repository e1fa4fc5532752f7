package io.escrowstore.raft.internal.routing;

import com.alipay.sofa.jraft.option.RpcOptions;
import com.alipay.sofa.jraft.rpc.InvokeCallback;
import com.alipay.sofa.jraft.rpc.RaftRpcFactory;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.util.Endpoint;
import com.alipay.sofa.jraft.util.RpcFactoryHelper;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.escrowstore.Member;
import io.escrowstore.raft.proto.EscrowProto.ForwardReply;
import io.escrowstore.raft.proto.EscrowProto.ForwardRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import io.escrowstore.raft.internal.replication.CommandBatcher;
import io.escrowstore.raft.internal.replication.Outcome;
import io.escrowstore.raft.internal.replication.Outcomes;
import io.escrowstore.raft.internal.support.Deadline;

/**
 * Sends commands to the member believed to lead, several to a request: per target, at most
 * {@link #REQUEST_WINDOW} requests are outstanding and commands that arrive meanwhile go together
 * in the next one ({@link CommandBatcher}). A request that could not even be sent (no connection)
 * is reported as unreachable for each of its commands, so the router may retry them; a request
 * that was sent and got no answer is indeterminate, because the leader may have applied it.
 *
 * <p>Bolt connects synchronously on the sending thread when no connection to the target exists
 * (its own connect timeout, 1 s by default, applies); callers and callbacks run on pool threads.
 */
public final class ForwardClient implements AutoCloseable {
    /** Most forward requests outstanding per target; see docs/benchmarks.md for the measurements. */
    static final int REQUEST_WINDOW = 2;

    private final RpcClient client;
    private final String raftGroup;
    private final Executor executor;
    private final ConcurrentHashMap<Member, Lane> lanes = new ConcurrentHashMap<>();

    /** @param security configures the client's connections (TLS), or null for plaintext */
    public ForwardClient(String raftGroup, Executor executor, RaftRpcFactory.ConfigHelper<RpcClient> security) {
        this.raftGroup = raftGroup;
        this.executor = executor;
        this.client = RpcFactoryHelper.rpcFactory().createRpcClient(security);
        this.client.init(new RpcOptions());
    }

    /** Result of one command's send: a response, or a failure that proves nothing was sent. */
    public record Sent(Outcome response, String unreachable) {
    }

    /**
     * Forwards a validated {@code command} to {@code leader}.
     *
     * @param batchKey {@link Commands#batchKey} of the command
     * @param deadline the call's deadline: the command is not sent after it, and the leader may take
     *     until then to answer
     */
    public CompletableFuture<Sent> forward(Member leader, byte[] command, ByteString batchKey, Deadline deadline) {
        Forward forward = new Forward(command, batchKey, deadline, new CompletableFuture<>());
        lanes.computeIfAbsent(leader, Lane::new).batcher.add(forward);
        return forward.sent();
    }

    /** The commands on their way to one target. */
    private final class Lane {
        private final Member target;
        private final Endpoint endpoint;
        private final CommandBatcher<Forward> batcher = new CommandBatcher<>(REQUEST_WINDOW, this::send);

        Lane(Member target) {
            this.target = target;
            this.endpoint = new Endpoint(target.host(), target.port());
        }

        /**
         * Sends the batch's commands whose deadline has not passed while they queued; the others
         * are answered as never sent, so their callers learn they were not applied.
         */
        private void send(List<Forward> queued) {
            List<Forward> batch = new ArrayList<>(queued.size());
            long remaining = 0;
            for (Forward forward : queued) {
                long left = forward.deadline().remainingNanos();
                if (left > 0) {
                    remaining = Math.max(remaining, left);
                    batch.add(forward);
                } else {
                    forward.sent().complete(new Sent(null, "deadline passed before the command was sent to " + target));
                }
            }
            if (batch.isEmpty()) {
                batcher.done();
                return;
            }
            ForwardRequest.Builder request = ForwardRequest.newBuilder().setGroup(raftGroup);
            for (Forward forward : batch) {
                request.addCommands(UnsafeByteOperations.unsafeWrap(forward.command()));
            }
            long timeoutMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining));
            try {
                client.invokeAsync(endpoint, request.build(), callback(batch), timeoutMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                notSent(batch, "interrupted before sending to " + target);
            } catch (RuntimeException | com.alipay.sofa.jraft.error.RemotingException e) {
                notSent(batch, target + " unreachable: " + e.getMessage());
            }
        }

        private InvokeCallback callback(List<Forward> batch) {
            return new InvokeCallback() {
                @Override
                public void complete(Object response, Throwable error) {
                    batcher.done();
                    if (error == null && response instanceof ForwardReply reply
                            && reply.getResponsesCount() == batch.size()) {
                        for (int i = 0; i < batch.size(); i++) {
                            batch.get(i).sent().complete(new Sent(WireOutcomes.fromWire(reply.getResponses(i)), null));
                        }
                        return;
                    }
                    Sent lost = new Sent(Outcomes.indeterminate("forward to " + target + " failed after sending: "
                            + (error == null ? "unexpected response " + response : error)), null);
                    batch.forEach(forward -> forward.sent().complete(lost));
                }

                @Override
                public Executor executor() {
                    return executor;
                }
            };
        }

        private void notSent(List<Forward> batch, String why) {
            batcher.done();
            Sent unreachable = new Sent(null, why);
            batch.forEach(forward -> forward.sent().complete(unreachable));
        }
    }

    @Override
    public void close() {
        client.shutdown();
    }

    private record Forward(byte[] command, ByteString batchKey, Deadline deadline, CompletableFuture<Sent> sent)
            implements CommandBatcher.Queued {
    }
}
