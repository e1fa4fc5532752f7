package io.escrowstore.raft.internal.replication;

import static io.escrowstore.raft.internal.ledger.CommandApplierTest.claimCommand;
import static io.escrowstore.raft.internal.ledger.CommandApplierTest.stamp;
import static io.escrowstore.raft.internal.ledger.CommandApplierTest.syncCommand;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.CH;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.DIRECT;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.GROUP;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.MEMBERS;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.T0;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.claimRequest;
import static org.assertj.core.api.Assertions.assertThat;

import io.escrowstore.Accepted;
import io.escrowstore.RejectReason;
import io.escrowstore.Rejected;
import io.escrowstore.Reserved;
import com.alipay.sofa.jraft.Status;
import io.escrowstore.raft.internal.replication.PaymentStateMachineTest.DirSnapshot;
import io.escrowstore.raft.internal.replication.PaymentStateMachineTest.Entry;
import io.escrowstore.raft.internal.replication.PaymentStateMachineTest.ListIterator;
import io.escrowstore.raft.proto.EscrowProto.CommandResult;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.escrowstore.raft.internal.ledger.ChannelLedger;
import io.escrowstore.raft.internal.ledger.Commands;
import io.escrowstore.raft.internal.ledger.Results;

/**
 * A request whose outcome may have been evicted from the deduplication window is answered
 * {@code forgotten}, never evaluated again (which would answer a rejection for a request that
 * succeeded), while a request first submitted after the watermark is still evaluated.
 */
class ForgottenOutcomeTest {
    /** A window of two outcomes: the third request evicts the first. */
    private static final int WINDOW = 2;
    private static final long RETENTION = 600_000;

    private final ChannelLedger ledger = new ChannelLedger(GROUP);
    private final PaymentStateMachine fsm = new PaymentStateMachine(ledger, DIRECT, "forgotten-node", MEMBERS);
    private long index;

    private CommandResult apply(byte[] command, long submittedAfter) {
        PendingEntry pending = PendingEntry.of(DIRECT);
        byte[] entry = Entries.one(Commands.stamped(command, submittedAfter).command(), stamp(T0 + index, WINDOW, RETENTION));
        ListIterator it = new ListIterator(++index, List.of(Entry.of(ByteBuffer.wrap(entry), pending)));
        fsm.onApply(it);
        return pending.result();
    }

    /** Applies {@code count} syncs of the same channel under fresh ids, pushing older outcomes out of the window. */
    private void evictOlderOutcomes(int count) {
        for (int i = 0; i < count; i++) {
            apply(syncCommand(0, 100 + i), index);
        }
    }

    @Test
    void acceptedClaimResubmittedAfterItsOutcomeWasEvictedIsForgottenNotAlreadyClaimed() {
        apply(syncCommand(0, 100), index);
        long firstSubmittedAfter = index;
        CommandResult accepted = apply(claimCommand("pay-1", 0, 10, 10), firstSubmittedAfter);
        evictOlderOutcomes(3);
        io.escrowstore.ChannelState before = ledger.get(CH).orElseThrow();

        CommandResult again = apply(claimCommand("pay-1", 0, 10, 10), firstSubmittedAfter);

        assertThat(Results.claimResult(accepted)).isInstanceOf(Accepted.class);
        assertThat(again.getOutcomeCase()).isEqualTo(CommandResult.OutcomeCase.FORGOTTEN);
        assertThat(again.getForgotten()).contains("pay-1");
        assertThat(ledger.get(CH).orElseThrow()).isEqualTo(before);
    }

    @Test
    void commitRetriedAfterItsOutcomeWasEvictedIsForgottenNotUnknownReservation() {
        apply(syncCommand(0, 100), index);
        Reserved held = (Reserved) Results.reserveResult(apply(Commands.reserve(claimRequest("hold-1", 0, 10, 10),
                30_000), index));
        long commitSubmittedAfter = index;
        CommandResult committed = apply(Commands.commit(held.reservationId()), commitSubmittedAfter);
        evictOlderOutcomes(3);

        CommandResult again = apply(Commands.commit(held.reservationId()), commitSubmittedAfter);

        assertThat(Results.claimResult(committed)).isInstanceOf(Accepted.class);
        assertThat(again.getOutcomeCase()).isEqualTo(CommandResult.OutcomeCase.FORGOTTEN);
        assertThat(ledger.get(CH).orElseThrow().authorizedAmount()).isEqualTo(10);
    }

    @Test
    void requestFirstSubmittedAfterTheWatermarkIsEvaluated() {
        apply(syncCommand(0, 100), index);
        evictOlderOutcomes(3);

        CommandResult fresh = apply(claimCommand("pay-2", 0, 10, 10), index);
        CommandResult refused = apply(claimCommand("pay-3", 0, 10, 10), index);

        assertThat(Results.claimResult(fresh)).isInstanceOf(Accepted.class);
        assertThat(Results.claimResult(refused)).isInstanceOf(Rejected.class)
                .extracting(r -> ((Rejected) r).reason()).isEqualTo(RejectReason.ALREADY_CLAIMED);
    }

    @Test
    void resubmissionStillInTheWindowGetsItsRecordedOutcomeWhateverItsStamp() {
        apply(syncCommand(0, 100), index);
        CommandResult accepted = apply(claimCommand("pay-4", 0, 10, 10), 0);

        CommandResult again = apply(claimCommand("pay-4", 0, 10, 10), index);

        assertThat(again.toByteArray()).isEqualTo(accepted.toByteArray());
    }

    @Test
    void commandOfAnOlderBuildWithoutAStampIsEvaluatedAsBefore() {
        apply(syncCommand(0, 100), index);
        evictOlderOutcomes(3);
        PendingEntry pending = PendingEntry.of(DIRECT);
        byte[] unstamped = Entries.one(claimCommand("pay-5", 0, 10, 10), stamp(T0 + index, WINDOW, RETENTION));
        fsm.onApply(new ListIterator(++index, List.of(Entry.of(ByteBuffer.wrap(unstamped), pending))));

        assertThat(Results.claimResult(pending.result())).isInstanceOf(Accepted.class);
    }

    @Test
    void aNodeLoadingASnapshotAnswersForgottenLikeTheNodeThatTookIt(@TempDir Path dir) {
        apply(syncCommand(0, 100), index);
        long firstSubmittedAfter = index;
        apply(claimCommand("pay-6", 0, 10, 10), firstSubmittedAfter);
        evictOlderOutcomes(3);
        DirSnapshot snapshot = new DirSnapshot(dir);
        List<Status> saved = new ArrayList<>();
        fsm.onSnapshotSave(snapshot.writer(true), saved::add);
        assertThat(saved).singleElement().satisfies(status -> assertThat(status.isOk()).isTrue());
        PaymentStateMachine restored = new PaymentStateMachine(new ChannelLedger(GROUP), DIRECT, "restored", MEMBERS);
        assertThat(restored.onSnapshotLoad(snapshot.reader(index))).isTrue();

        PendingEntry pending = PendingEntry.of(DIRECT);
        byte[] entry = Entries.one(Commands.stamped(claimCommand("pay-6", 0, 10, 10), firstSubmittedAfter).command(),
                stamp(T0 + index, WINDOW, RETENTION));
        restored.onApply(new ListIterator(index + 1, List.of(Entry.of(ByteBuffer.wrap(entry), pending))));

        assertThat(pending.result().getOutcomeCase()).isEqualTo(CommandResult.OutcomeCase.FORGOTTEN);
    }
}
