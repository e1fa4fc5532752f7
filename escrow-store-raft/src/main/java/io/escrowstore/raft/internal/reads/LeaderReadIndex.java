package io.escrowstore.raft.internal.reads;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.closure.ReadIndexClosure;
import io.escrowstore.raft.internal.replication.Outcome;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import io.escrowstore.raft.internal.ledger.Results;
import io.escrowstore.raft.internal.replication.Leaders;
import io.escrowstore.raft.internal.replication.Outcomes;
import io.escrowstore.raft.internal.replication.PaymentStateMachine;
import io.escrowstore.raft.internal.support.Handoff;

/**
 * Confirms read indexes on the leader, for every node's linearizable reads: jraft's read-index
 * ({@code ReadOnlySafe}) confirms with a heartbeat round to a majority that this node still
 * leads, and calls back once this node has applied the commit index it had when the request
 * arrived. A node that has applied that index may serve a read from its own state. Followers ask
 * through {@link RequestRouter#readIndex}, forwarded in the same batches as commands, so a
 * follower's read costs no read-index RPC of its own. No clocks or leases are involved.
 *
 * <p>The answer is jraft's read index or, if lower, the state machine's applied index at that
 * moment. jraft's index may name a configuration entry, which the state machine never sees: a
 * reading node waiting for it would wait for the next command. When the state machine's applied
 * index is lower, every entry between the two is such an entry, so the state is the same, and
 * the applied index names an entry the state machine applied (or a snapshot it loaded), which the
 * reading node's {@link PaymentStateMachine#appliedIndexWaiters} see pass. A new leader appends
 * an empty entry of its own so that every node's applied index moves past its configuration
 * entries and snapshot index.
 */
public final class LeaderReadIndex {
    private static final byte[] NO_CONTEXT = new byte[0];
    /** jraft: a negative timeout registers no timer; the asking node's deadline bounds the wait. */
    private static final long NO_JRAFT_TIMEOUT = -1;

    private final Supplier<Node> node;
    private final PaymentStateMachine fsm;
    private final Executor executor;

    /** @param node the local node, null until it has started */
    public LeaderReadIndex(Supplier<Node> node, PaymentStateMachine fsm, Executor executor) {
        this.node = node;
        this.fsm = fsm;
        this.executor = executor;
    }

    /**
     * Answers APPLIED with {@link Results#readIndex} once a majority confirmed this node's
     * leadership; NOT_LEADER at once if it does not lead, INDETERMINATE if jraft could not confirm
     * (the asker tries again, also when the node is shutting down). Completes on the store's
     * executor, never on a Raft thread.
     */
    public CompletableFuture<Outcome> confirm() {
        Node local = node.get();
        if (local == null || !fsm.isLeader()) {
            return CompletableFuture.completedFuture(Outcomes.notLeader(Leaders.of(local)));
        }
        CompletableFuture<Outcome> answer = new CompletableFuture<>();
        try {
            local.readIndex(NO_CONTEXT, closure(answer));
        } catch (IllegalStateException shuttingDown) {
            answer.complete(Outcomes.indeterminate("read index not confirmed: " + shuttingDown.getMessage()));
        }
        return answer;
    }

    private ReadIndexClosure closure(CompletableFuture<Outcome> answer) {
        return new ReadIndexClosure(NO_JRAFT_TIMEOUT) {
            @Override
            public void run(Status status, long index, byte[] context) {
                Outcome response = status.isOk()
                        ? Outcomes.applied(Results.readIndex(Math.min(index, fsm.appliedIndex())))
                        : Outcomes.indeterminate("read index not confirmed: " + status.getRaftError() + " "
                                + status.getErrorMsg());
                Handoff.run(executor, () -> answer.complete(response));
            }
        };
    }
}
