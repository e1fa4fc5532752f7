package io.escrowstore.raft.internal.replication;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.entity.Task;
import com.google.protobuf.ByteString;
import io.escrowstore.raft.proto.EscrowProto.EntryStamp;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import io.escrowstore.raft.internal.ledger.Commands;

/**
 * Proposes commands on this node when it leads, several to a log entry: commands that arrive
 * while {@link #ENTRY_WINDOW} entries are being committed wait and go into the next entry together
 * ({@link CommandBatcher}). Each entry is tagged with the term this node started leading in, so a
 * proposal made in one term is never appended in another.
 */
public final class Proposer implements CommandProposer {
    /**
     * Most entries this leader has proposed and not yet applied. Two keep the disk and the
     * followers busy while the next batch forms; see docs/benchmarks.md for the measurements.
     */
    public static final int ENTRY_WINDOW = 2;

    private final Supplier<Node> node;
    private final PaymentStateMachine fsm;
    private final Executor executor;
    private final LongSupplier clock;
    private final EntryStamp template;
    private final CommandBatcher<Proposal> batcher = new CommandBatcher<>(ENTRY_WINDOW, this::propose);

    /**
     * @param node the local node, null until it has started
     * @param clock the log time to stamp into the next entry this node proposes ({@link LogClock#stamp})
     */
    public Proposer(Supplier<Node> node, PaymentStateMachine fsm, Executor executor, LongSupplier clock,
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

    @Override
    public boolean leads() {
        return node.get() != null && fsm.leaderTerm() > 0;
    }

    /**
     * Proposes a decoded and validated {@code command} in this leader's next entry, stamped with
     * its clock and deduplication window, or answers NOT_LEADER without proposing (on the calling
     * thread, whatever {@code answering} says).
     *
     * @param batchKey {@link Commands#batchKey} of the command
     */
    @Override
    public CompletableFuture<Outcome> propose(byte[] command, ByteString batchKey, Answering answering) {
        if (!leads()) {
            return CompletableFuture.completedFuture(Outcomes.notLeader(Leaders.of(node.get())));
        }
        Proposal proposal = new Proposal(command, batchKey, new CommandClosure.Answer(new CompletableFuture<>(), answering));
        batcher.add(proposal);
        return proposal.answer().future();
    }

    /**
     * Appends an entry of no bytes ({@link Commands.Entry#NOOP}) in this leader's term, outside the
     * entry window: it changes no state and is answered to nobody; it exists only to make jraft
     * replicate (see {@code MembershipChanger}).
     *
     * @return false if this node does not lead or is shutting down, so nothing was appended
     */
    public boolean appendNoop() {
        Node local = node.get();
        long term = fsm.leaderTerm();
        if (local == null || term < 0) {
            return false;
        }
        Task noop = new Task(ByteBuffer.allocate(0), status -> { });
        noop.setExpectedTerm(term);
        try {
            local.apply(noop);
            return true;
        } catch (IllegalStateException shuttingDown) {
            return false;
        }
    }

    /** Commands waiting for an entry because {@link #ENTRY_WINDOW} entries are in flight. */
    int queued() {
        return batcher.queued();
    }

    private void propose(List<Proposal> batch) {
        Node local = node.get();
        long term = fsm.leaderTerm();
        if (local == null || term < 0) {
            // lost leadership while these waited: never proposed, so the caller may try elsewhere
            Outcome notLeader = Outcomes.notLeader(Leaders.of(local));
            batch.forEach(p -> p.answer().future().complete(notLeader));
            batcher.done();
            return;
        }
        List<CommandClosure.Answer> answers = batch.stream().map(Proposal::answer).toList();
        CommandClosure closure = new CommandClosure(executor, answers, batcher::done);
        byte[] entry = Commands.entry(batch.stream().map(Proposal::command).toList(), stampNow());
        Task task = new Task(ByteBuffer.wrap(entry), closure);
        task.setExpectedTerm(term);
        try {
            local.apply(task);
        } catch (IllegalStateException shuttingDown) {
            // jraft has already handed the closure ENODESHUTDOWN: it answers the batch and frees the slot
        }
    }

    /** The stamp of an entry this leader proposes now: its clock and its deduplication window. */
    private EntryStamp stampNow() {
        return template.toBuilder().setLeaderTimeMillis(clock.getAsLong()).build();
    }

    private record Proposal(byte[] command, ByteString batchKey, CommandClosure.Answer answer)
            implements CommandBatcher.Queued {
    }
}
