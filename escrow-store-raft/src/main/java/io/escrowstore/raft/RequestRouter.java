package io.escrowstore.raft;

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
import io.escrowstore.raft.proto.EscrowProto.ForwardResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * Gets a command decided by whichever node leads, so callers never care who leads. Proposes
 * locally when this node leads, otherwise forwards to the leader it knows of, following redirects
 * and waiting out elections until the deadline.
 *
 * <p>Every attempt carries the same command and request id, and the state machine answers a
 * known request id with its recorded outcome, so retrying is always safe: a request is evaluated
 * at most once. Attempts that provably did not propose (no leader known, NOT_LEADER, BUSY, not
 * sent) and attempts whose answer was lost (leader stepped down, forward timed out) are retried
 * until the deadline. If by then some attempt may have been appended and no answer came back, the
 * call fails with {@link IndeterminateOutcomeException}, never with a rejection.
 *
 * <p>Read-index requests ({@link #readIndex}) travel the same way, batched with the commands.
 */
final class RequestRouter {
    private final Member self;
    private final Supplier<Node> node;
    private final Proposer proposer;
    private final LeaderReadIndex leaderReadIndex;
    private final ForwardClient forwardClient;
    private final ScheduledExecutorService scheduler;
    private final Executor executor;
    private final Duration timeout;
    private final StoreStats stats;
    private final Set<Call> pending = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    RequestRouter(Member self, Supplier<Node> node, Proposer proposer, LeaderReadIndex leaderReadIndex,
            ForwardClient forwardClient, ScheduledExecutorService scheduler, Executor executor, Duration timeout,
            StoreStats stats) {
        this.self = self;
        this.node = node;
        this.proposer = proposer;
        this.leaderReadIndex = leaderReadIndex;
        this.forwardClient = forwardClient;
        this.scheduler = scheduler;
        this.executor = executor;
        this.timeout = timeout;
        this.stats = stats;
    }

    /** Runs {@code command} (as made by {@link Commands}) on the leader; completes within the request timeout. */
    CompletableFuture<CommandResult> submit(RequestId requestId, byte[] command) {
        return start(new Call(requestId, command, Commands.batchKey(Commands.decode(ByteBuffer.wrap(command))),
                Deadline.after(timeout)));
    }

    /**
     * Asks the leader for a confirmed read index ({@link LeaderReadIndex}): the index this
     * node must have applied before it may serve a linearizable read. Asking changes nothing, so
     * every failure is retried until the request timeout and then reported as
     * {@link NoQuorumException}, never as an indeterminate outcome.
     */
    CompletableFuture<Long> readIndex() {
        return start(new Call(null, Commands.readIndex(), ByteString.EMPTY, Deadline.after(timeout))).thenApply(result -> {
            if (result.getOutcomeCase() != CommandResult.OutcomeCase.READ_INDEX) {
                throw new EscrowStoreException("the leader answered a read-index request with " + result.getOutcomeCase());
            }
            return result.getReadIndex();
        });
    }

    private CompletableFuture<CommandResult> start(Call call) {
        pending.add(call);
        if (closed) {
            pending.remove(call);
            fail(call, new StoreClosedException("store node " + self + " is closed"));
            return call.result;
        }
        if (!Expiry.arm(scheduler, timeout, call.result, () -> expire(call))) {
            pending.remove(call);
            call.result.completeExceptionally(new StoreClosedException("store is shutting down"));
            return call.result;
        }
        call.result.whenComplete((result, error) -> pending.remove(call));
        attempt(call);
        return call.result;
    }

    private void attempt(Call call) {
        if (call.result.isDone()) {
            return;
        }
        if (proposer.leads()) {
            call.inFlight = true;
            (call.isRead() ? leaderReadIndex.confirm() : proposer.propose(call.command, call.batchKey))
                    .whenComplete((response, error) -> handle(call, response, error, self));
            return;
        }
        Optional<Member> leader = call.takeHint().or(() -> Leaders.of(node.get())).filter(m -> !m.equals(self));
        if (leader.isEmpty()) {
            call.lastReason = "no leader known to " + self;
            retryLater(call);
            return;
        }
        Member target = leader.get();
        call.inFlight = true;
        stats.forwarded();
        forwardClient.forward(target, call.command, call.batchKey, call.deadline.remainingMillis()).whenComplete((sent, error) -> {
            if (error == null && sent.unreachable() != null) {
                call.inFlight = false;
                call.lastReason = sent.unreachable();
                retryLater(call);
            } else {
                handle(call, error == null ? sent.response() : null, error, target);
            }
        });
    }

    private void handle(Call call, ForwardResponse response, Throwable error, Member target) {
        if (error != null) {
            uncertain(call, "attempt on " + target + " failed: " + error);
            return;
        }
        switch (response.getStatus()) {
            case APPLIED -> call.result.complete(response.getResult());
            case NOT_LEADER -> {
                call.inFlight = false;
                call.busy = false;
                call.lastReason = target + " is not the leader";
                call.hint = Leaders.hint(response.getLeaderHint()).orElse(null);
                retryLater(call);
            }
            case BUSY -> {
                call.inFlight = false;
                call.busy = true;
                call.lastReason = "leader " + target + " is busy: " + response.getError();
                retryLater(call);
            }
            case INDETERMINATE -> uncertain(call, "leader " + target + " could not confirm it: " + response.getError());
            default -> fail(call, new EscrowStoreException("leader " + target + " refused " + call.describe()
                    + ": " + response.getStatus() + " " + response.getError()));
        }
    }

    /** The attempt may have been appended; retry with the same request id to learn the outcome. */
    private void uncertain(Call call, String why) {
        call.inFlight = false;
        call.uncertain = true;
        call.lastReason = why;
        retryLater(call);
    }

    private void retryLater(Call call) {
        if (!call.backoff.retry(call.deadline, scheduler, executor, () -> attempt(call))) {
            fail(call, new StoreClosedException("store is shutting down"));
        }
    }

    private void expire(Call call) {
        if (call.result.isDone()) {
            return;
        }
        String waited = " within " + timeout.toMillis() + " ms";
        if (call.isRead()) {
            fail(call, new NoQuorumException("no leader confirmed a read index" + waited + ": " + call.lastReason));
        } else if (call.inFlight || call.uncertain) {
            fail(call, new IndeterminateOutcomeException(call.requestId, (call.inFlight ? "no answer from the leader"
                    : call.lastReason) + waited));
        } else if (call.busy) {
            fail(call, new StoreOverloadedException("request " + call.requestId + " not accepted" + waited + ": "
                    + call.lastReason));
        } else {
            fail(call, new NoQuorumException("request " + call.requestId + " not applied: " + call.lastReason + waited));
        }
    }

    /**
     * Ends every pending call: indeterminate if an attempt may have been proposed, otherwise
     * {@link StoreClosedException}. Later submissions fail at once.
     */
    void close() {
        closed = true;
        for (Call call : pending) {
            if (!call.isRead() && (call.inFlight || call.uncertain)) {
                call.result.completeExceptionally(new IndeterminateOutcomeException(call.requestId,
                        "store node " + self + " closed before the leader answered"));
            } else {
                call.result.completeExceptionally(new StoreClosedException("store node " + self + " is closed"));
            }
        }
    }

    private void fail(Call call, RuntimeException failure) {
        Handoff.run(executor, () -> call.result.completeExceptionally(failure));
    }

    /** One caller request across its attempts. */
    private static final class Call {
        /** Null for a read-index request, which changes nothing and needs no deduplication. */
        final RequestId requestId;
        final byte[] command;
        final ByteString batchKey;
        final Deadline deadline;
        final CompletableFuture<CommandResult> result = new CompletableFuture<>();
        final Backoff backoff = new Backoff();
        /** True while an attempt that may append the command is outstanding. */
        volatile boolean inFlight;
        /** True once an attempt may have been appended without its outcome coming back. */
        volatile boolean uncertain;
        volatile boolean busy;
        volatile String lastReason = "no attempt finished";
        volatile Member hint;

        Call(RequestId requestId, byte[] command, ByteString batchKey, Deadline deadline) {
            this.requestId = requestId;
            this.command = command;
            this.batchKey = batchKey;
            this.deadline = deadline;
        }

        boolean isRead() {
            return requestId == null;
        }

        String describe() {
            return isRead() ? "a read-index request" : "request " + requestId;
        }

        Optional<Member> takeHint() {
            Member current = hint;
            hint = null;
            return Optional.ofNullable(current);
        }
    }
}
