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
    private final boolean unsafeAcknowledgeBeforeCommit;

    /**
     * @param node the local node, null until it has started
     * @param clock this node's wall clock in epoch millis, stamped into entries it proposes
     */
    Proposer(Supplier<Node> node, PaymentStateMachine fsm, Executor executor, LongSupplier clock,
            int dedupMaxEntries, Duration dedupRetention) {
        this(node, fsm, executor, clock, dedupMaxEntries, dedupRetention, false);
    }

    /** @param unsafeAcknowledgeBeforeCommit TEST ONLY, breaks safety; see {@link RaftStoreConfig#unsafeAcknowledgeBeforeCommit()} */
    Proposer(Supplier<Node> node, PaymentStateMachine fsm, Executor executor, LongSupplier clock,
            int dedupMaxEntries, Duration dedupRetention, boolean unsafeAcknowledgeBeforeCommit) {
        this.unsafeAcknowledgeBeforeCommit = unsafeAcknowledgeBeforeCommit;
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
        byte[] entry = Commands.stamp(command, entryStamp);
        Task task = new Task(ByteBuffer.wrap(entry), closure);
        task.setExpectedTerm(term);
        local.apply(task);
        if (unsafeAcknowledgeBeforeCommit) {
            // TEST ONLY, deliberately wrong: answer before the entry commits
            return CompletableFuture.supplyAsync(() -> Outcomes.applied(fsm.preview(entry)), executor);
        }
        return closure.future();
    }
}
