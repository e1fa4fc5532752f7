package io.escrowstore.raft.internal.routing;

import com.alipay.sofa.jraft.Node;
import com.google.protobuf.ByteString;
import io.escrowstore.EscrowStoreException;
import io.escrowstore.IndeterminateOutcomeException;
import io.escrowstore.Member;
import io.escrowstore.NoQuorumException;
import io.escrowstore.RequestId;
import io.escrowstore.StoreClosedException;
import io.escrowstore.StoreOverloadedException;
import io.escrowstore.raft.proto.EscrowProto.CommandResult;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import io.escrowstore.raft.internal.ledger.Commands;
import io.escrowstore.raft.internal.reads.LeaderReadIndex;
import io.escrowstore.raft.internal.replication.Answering;
import io.escrowstore.raft.internal.replication.Leaders;
import io.escrowstore.raft.internal.replication.CommandProposer;
import io.escrowstore.raft.internal.replication.Outcome;
import io.escrowstore.raft.internal.support.Deadline;
import io.escrowstore.raft.internal.support.StoreStats;

/**
 * Gets a command decided by whichever node leads, so callers never care who leads. Proposes
 * locally when this node leads, otherwise forwards to the leader it knows of, following redirects
 * and waiting out elections until the deadline.
 *
 * <p>Every attempt carries the same command and request id, and the state machine answers a
 * known request id with its recorded outcome, so retrying is always safe: a request is evaluated
 * at most once. Attempts that provably did not propose (no leader known, NOT_LEADER, BUSY, not
 * sent) and attempts whose answer was lost (leader stepped down, forward timed out) are retried
 * until the deadline. A call fails with {@link NoQuorumException}, {@link StoreOverloadedException}
 * or {@link StoreClosedException} ("not applied") only if no attempt of it may have reached the
 * log: each was either never handed to the engine or a leader, or came back refused unproposed.
 * Otherwise it fails with {@link IndeterminateOutcomeException}. {@link LeaderCall} holds the
 * state that decides this atomically.
 *
 * <p>Read-index requests ({@link #readIndex}) travel the same way, batched with the commands.
 */
public final class RequestRouter {
    /** Sends a command to another member believed to lead ({@link ForwardClient#forward}). */
    public interface Forwarder {
        CompletableFuture<ForwardClient.Sent> forward(Member leader, byte[] command, ByteString batchKey,
                Deadline deadline);
    }

    private final Member self;
    private final Supplier<Node> node;
    private final CommandProposer proposer;
    private final LeaderReadIndex leaderReadIndex;
    private final Forwarder forwarder;
    private final LeaderCalls calls;
    private final Duration timeout;
    private final StoreStats stats;

    public RequestRouter(Member self, Supplier<Node> node, CommandProposer proposer, LeaderReadIndex leaderReadIndex,
            Forwarder forwarder, LeaderCalls calls, Duration timeout, StoreStats stats) {
        this.self = self;
        this.node = node;
        this.proposer = proposer;
        this.leaderReadIndex = leaderReadIndex;
        this.forwarder = forwarder;
        this.calls = calls;
        this.timeout = timeout;
        this.stats = stats;
    }

    /**
     * Runs {@code submission} (as made by {@link Commands#stamped}) on the leader; completes within the
     * request timeout.
     *
     * @param answering {@link Answering#WHERE_LEARNED} only if every dependent of the returned future
     *     is the store's own non-blocking code or a caller blocked waiting for it: the future may then
     *     be completed on the leader's Raft thread that applied the command
     */
    public CompletableFuture<CommandResult> submit(RequestId requestId, Commands.Submission submission,
            Answering answering) {
        return start(new Call(requestId, submission.command(), submission.batchKey(),
                Deadline.after(calls.clock(), timeout), answering));
    }

    /**
     * Asks the leader for a confirmed read index ({@link LeaderReadIndex}): the index this
     * node must have applied before it may serve a linearizable read. Asking changes nothing, so
     * every failure is retried until the deadline and then reported as
     * {@link NoQuorumException}, never as an indeterminate outcome.
     *
     * @param deadline the deadline of the read that asks
     */
    public CompletableFuture<Long> readIndex(Deadline deadline) {
        return start(new Call(null, Commands.readIndex(), ByteString.EMPTY, deadline, Answering.ON_EXECUTOR)).thenApply(result -> {
            if (result.getOutcomeCase() != CommandResult.OutcomeCase.READ_INDEX) {
                throw new EscrowStoreException("the leader answered a read-index request with " + result.getOutcomeCase());
            }
            return result.getReadIndex();
        });
    }

    private CompletableFuture<CommandResult> start(Call call) {
        calls.start(call);
        return call.result;
    }

    /**
     * Ends every pending call: indeterminate if an attempt may have been proposed, otherwise
     * {@link StoreClosedException}. Later submissions fail at once.
     */
    public void close() {
        calls.close();
    }

    /** One caller request across its attempts. */
    private final class Call extends LeaderCall<CommandResult> {
        /** Null for a read-index request, which changes nothing and needs no deduplication. */
        final RequestId requestId;
        final byte[] command;
        final ByteString batchKey;
        final Answering answering;
        /** True if the last refusal was a busy leader's. */
        volatile boolean busy;

        Call(RequestId requestId, byte[] command, ByteString batchKey, Deadline deadline, Answering answering) {
            super(calls, deadline);
            this.requestId = requestId;
            this.command = command;
            this.batchKey = batchKey;
            this.answering = answering;
        }

        @Override
        protected void attempt() {
            if (isDone()) {
                return;
            }
            if (proposer.leads()) {
                if (begin()) {
                    (isRead() ? leaderReadIndex.confirm() : proposer.propose(command, batchKey, answering))
                            .whenComplete((response, error) -> handle(response, error, self));
                }
                return;
            }
            Optional<Member> leader = leaderToTry(() -> Leaders.of(node.get()), self);
            if (leader.isEmpty()) {
                return;
            }
            Member target = leader.get();
            if (!begin()) {
                return;
            }
            stats.forwarded();
            forwarder.forward(target, command, batchKey, deadline).whenComplete((sent, error) -> {
                if (error == null && sent.unreachable() != null) {
                    busy = false;
                    refused(sent.unreachable());
                } else {
                    handle(error == null ? sent.response() : null, error, target);
                }
            });
        }

        private void handle(Outcome response, Throwable error, Member target) {
            if (error != null) {
                lost("attempt on " + target + " failed: " + error);
                return;
            }
            switch (response.status()) {
                case APPLIED -> answer(response.result());
                case NOT_LEADER -> {
                    busy = false;
                    hintLeader(Leaders.hint(response.leaderHint()));
                    refused(target + " is not the leader");
                }
                case BUSY -> {
                    busy = true;
                    refused("leader " + target + " is busy: " + response.error());
                }
                case INDETERMINATE -> lost("leader " + target + " could not confirm it: " + response.error());
                case BAD_REQUEST -> fail(new EscrowStoreException("leader " + target + " refused " + describe()
                        + ": " + response.status() + " " + response.error()));
            }
        }

        @Override
        protected Ending<CommandResult> ending(End end, boolean mayHaveApplied) {
            if (end == End.CLOSED) {
                return Ending.failure(mayHaveApplied && !isRead()
                        ? new IndeterminateOutcomeException(requestId, "store node " + self
                                + " closed before the leader answered")
                        : new StoreClosedException("store node " + self + " is closed"));
            }
            String waited = " within " + timeout.toMillis() + " ms";
            if (isRead()) {
                return Ending.failure(new NoQuorumException("no leader confirmed a read index" + waited + ": "
                        + lastReason));
            }
            if (mayHaveApplied) {
                return Ending.failure(new IndeterminateOutcomeException(requestId,
                        "an attempt may have been proposed and no answer came back" + waited + "; last: " + lastReason));
            }
            return Ending.failure(busy
                    ? new StoreOverloadedException("request " + requestId + " not accepted" + waited + ": " + lastReason)
                    : new NoQuorumException("request " + requestId + " not applied: " + lastReason + waited));
        }

        boolean isRead() {
            return requestId == null;
        }

        String describe() {
            return isRead() ? "a read-index request" : "request " + requestId;
        }
    }
}
