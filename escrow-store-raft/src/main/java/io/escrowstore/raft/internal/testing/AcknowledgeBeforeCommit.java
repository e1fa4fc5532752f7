package io.escrowstore.raft.internal.testing;

import com.google.protobuf.ByteString;
import io.escrowstore.ChannelId;
import io.escrowstore.GroupId;
import io.escrowstore.RequestId;
import io.escrowstore.raft.internal.ledger.ChannelLedger;
import io.escrowstore.raft.internal.ledger.CommandApplier;
import io.escrowstore.raft.internal.ledger.Commands;
import io.escrowstore.raft.internal.ledger.DedupTable;
import io.escrowstore.raft.internal.ledger.ProtoMapper;
import io.escrowstore.raft.internal.replication.CommandProposer;
import io.escrowstore.raft.internal.replication.Answering;
import io.escrowstore.raft.internal.replication.Outcome;
import io.escrowstore.raft.internal.replication.Outcomes;
import io.escrowstore.raft.internal.replication.PaymentStateMachine;
import io.escrowstore.raft.proto.EscrowProto.Command;
import io.escrowstore.raft.proto.EscrowProto.CommandResult;
import io.escrowstore.raft.proto.EscrowProto.EntryStamp;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * TEST ONLY, deliberately wrong: the {@link UnsafeSwitches#acknowledgeBeforeCommit()} switch, a
 * decorator the store wires around its proposer when the switch is on. It still proposes every
 * command, but answers a claim as soon as it is queued, from the claimed channel's current state on
 * this leader (its reservations not consulted), before the claim's entry is appended, let alone
 * committed. A leader that dies now loses a claim its caller was told was accepted; the fault
 * suites must catch that.
 */
public final class AcknowledgeBeforeCommit implements CommandProposer {
    /** The smallest stamp an entry may carry: the scratch ledger's log time and table do not matter. */
    private static final EntryStamp SCRATCH_STAMP = EntryStamp.newBuilder().setDedupMaxEntries(1)
            .setDedupRetentionMillis(1).build();

    private final CommandProposer proposer;
    private final PaymentStateMachine fsm;
    private final GroupId groupId;
    private final Executor executor;

    /** @param executor runs the early answers, off the caller's thread */
    public AcknowledgeBeforeCommit(CommandProposer proposer, PaymentStateMachine fsm, GroupId groupId,
            Executor executor) {
        this.proposer = proposer;
        this.fsm = fsm;
        this.groupId = groupId;
        this.executor = executor;
    }

    @Override
    public boolean leads() {
        return proposer.leads();
    }

    /** Proposes {@code command}; a claim is answered early, before its entry commits, whatever becomes of it. */
    @Override
    public CompletableFuture<Outcome> propose(byte[] command, ByteString batchKey, Answering answering) {
        CompletableFuture<Outcome> committed = proposer.propose(command, batchKey, answering);
        Command decoded = Commands.decode(ByteBuffer.wrap(command));
        if (committed.isDone() || !decoded.hasClaim()) {
            return committed;
        }
        CompletableFuture<Outcome> answer = new CompletableFuture<>();
        committed.whenComplete((response, error) -> {
            if (error != null) {
                answer.completeExceptionally(error);
            } else {
                answer.complete(response);
            }
        });
        executor.execute(() -> answer.complete(Outcomes.applied(preview(decoded, command))));
        return answer;
    }

    /** What the claim would answer if it were applied now to its channel alone; the store's state is left unchanged. */
    private CommandResult preview(Command claim, byte[] command) {
        ChannelId channel = ProtoMapper.fromMsg(claim.getClaim(), new RequestId(claim.getRequestId()))
                .payment().channelId();
        ChannelLedger scratch = new ChannelLedger(groupId);
        scratch.install(scratch.prepare(fsm.channel(channel).stream().toList(), List.of(), List.of(), 0));
        byte[] alone = Commands.entry(List.of(command), SCRATCH_STAMP);
        return new CommandApplier(scratch, new DedupTable()).apply(ByteBuffer.wrap(alone), fsm.appliedIndex() + 1)
                .get(0);
    }
}
