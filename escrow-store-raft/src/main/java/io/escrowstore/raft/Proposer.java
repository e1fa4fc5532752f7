package io.escrowstore.raft;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.entity.Task;
import io.escrowstore.raft.proto.EscrowProto.EntryStamp;
import io.escrowstore.raft.proto.EscrowProto.ForwardResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Proposes commands on this node when it leads. Each entry is tagged with the term this node
 * started leading in, so a proposal made in one term is never appended in another.
 */
final class Proposer {
    private final Supplier<Node> node;
    private final PaymentStateMachine fsm;
    private final Executor executor;
    private final LongSupplier clock;
    private final EntryStamp template;

    /**
     * @param node the local node, null until it has started
     * @param clock this node's wall clock in epoch millis, stamped into entries it proposes
     */
    Proposer(Supplier<Node> node, PaymentStateMachine fsm, Executor executor, LongSupplier clock,
            int dedupMaxEntries, Duration dedupRetention) {
        this.node = node;
        this.fsm = fsm;
        this.executor = executor;
        this.clock = clock;
        this.template = EntryStamp.newBuilder()
                .setDedupMaxEntries(dedupMaxEntries)
                .setDedupRetentionMillis(dedupRetention.toMillis())
                .build();
    }

    /** True while this node leads and has applied every earlier term's entries. */
    boolean leads() {
        return node.get() != null && fsm.leaderTerm() > 0;
    }

    /**
     * Proposes {@code command} stamped with this leader's clock and deduplication window, or
     * answers NOT_LEADER without proposing.
     */
    CompletableFuture<ForwardResponse> propose(byte[] command) {
        Node local = node.get();
        long term = fsm.leaderTerm();
        if (local == null || term < 0) {
            return CompletableFuture.completedFuture(Outcomes.notLeader(Leaders.of(local)));
        }
        CommandClosure closure = new CommandClosure(executor);
        EntryStamp entryStamp = template.toBuilder().setLeaderTimeMillis(clock.getAsLong()).build();
        Task task = new Task(ByteBuffer.wrap(Commands.stamp(command, entryStamp)), closure);
        task.setExpectedTerm(term);
        local.apply(task);
        return closure.future();
    }
}
