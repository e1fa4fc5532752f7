package io.escrowstore.raft.internal.replication;

import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.DIRECT;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.GROUP;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.MEMBERS;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.T0;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.chain;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.claimOn;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.garbage;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.stamp;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.escrowstore.Accepted;
import io.escrowstore.ChannelId;
import io.escrowstore.RejectReason;
import io.escrowstore.Rejected;
import io.escrowstore.RequestId;
import io.escrowstore.Synced;
import io.escrowstore.raft.internal.replication.PaymentStateMachineTest.Entry;
import io.escrowstore.raft.internal.replication.PaymentStateMachineTest.ListIterator;
import io.escrowstore.raft.proto.EscrowProto.Command;
import io.escrowstore.raft.proto.EscrowProto.CommandResult;
import io.escrowstore.raft.proto.EscrowProto.LogEntry;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import io.escrowstore.raft.StateDigest;
import io.escrowstore.raft.internal.ledger.ChannelLedger;
import io.escrowstore.raft.internal.ledger.CommandApplier;
import io.escrowstore.raft.internal.ledger.Commands;
import io.escrowstore.raft.internal.ledger.DedupTable;
import io.escrowstore.raft.internal.ledger.Results;

/** Entries of several commands: applied in order at the entry's index, each command answered on its own. */
class MultiCommandEntryTest {
    private static final ChannelId A = ChannelId.of(1);
    private static final ChannelId B = ChannelId.of(2);
    private static final ChannelId C = ChannelId.of(3);

    private final ChannelLedger ledger = new ChannelLedger(GROUP);
    private final PaymentStateMachine fsm = new PaymentStateMachine(ledger, DIRECT, "batching-node", MEMBERS);

    private static byte[] sync(ChannelId id, long value) {
        return Commands.sync(chain(id, 0, value, GROUP), new RequestId("sync/" + id.value() + "/" + value));
    }

    /** A claim raising {@code id} to {@code amount}: accepted right after the claim up to {@code amount - 10}. */
    private static byte[] claim(ChannelId id, String requestId, long amount) {
        return Commands.claim(claimOn(id, requestId, 0, amount, 10));
    }

    private static byte[] entry(long time, byte[]... commands) {
        return Entries.of(stamp(time), commands);
    }

    /** Applies {@code entry} of {@code commands} commands at {@code index} as its proposer; returns its answers. */
    private List<CommandResult> apply(long index, byte[] entry, int commands) {
        PendingEntry pending = PendingEntry.of(DIRECT, commands);
        ListIterator it = new ListIterator(index, List.of(Entry.of(ByteBuffer.wrap(entry), pending)));
        fsm.onApply(it);
        assertThat(it.consumed()).isEqualTo(1);
        return pending.results();
    }

    private static int commandsIn(byte[] entry) {
        try {
            return LogEntry.parseFrom(entry).getCommandsCount();
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    private List<CommandResult> apply(long index, byte[]... commands) {
        return apply(index, entry(T0, commands), commands.length);
    }

    @Test
    void eachCommandGetsItsOwnResultInTheEntrysOrder() {
        List<CommandResult> synced = apply(1, sync(C, 100), sync(A, 100), sync(B, 100));
        List<CommandResult> claimed = apply(2, claim(B, "b-1", 10), claim(A, "a-1", 10),
                Commands.claim(claimOn(C, "c-1", 0, 1_000, 1_000)));

        assertThat(synced).extracting(result -> ((Synced) Results.syncResult(result)).state().channelId())
                .containsExactly(C, A, B);
        assertThat(((Accepted) Results.claimResult(claimed.get(0))).state().channelId()).isEqualTo(B);
        assertThat(((Accepted) Results.claimResult(claimed.get(1))).state().channelId()).isEqualTo(A);
        assertThat(((Rejected) Results.claimResult(claimed.get(2))).reason())
                .isEqualTo(RejectReason.INSUFFICIENT_FUNDS);
    }

    @Test
    void everyCommandOfAnEntryGetsTheEntrysIndexAsItsRevision() {
        List<CommandResult> synced = apply(7, sync(A, 100), sync(B, 100), sync(C, 100));
        List<CommandResult> claimed = apply(8, claim(A, "a-1", 10), claim(B, "b-1", 10));

        assertThat(synced).extracting(result -> ((Synced) Results.syncResult(result)).state().revision())
                .containsOnly(7L);
        assertThat(claimed).extracting(result -> ((Accepted) Results.claimResult(result)).state().revision())
                .containsOnly(8L);
        assertThat(ledger.get(C).orElseThrow().revision()).isEqualTo(7);
        assertThat(fsm.appliedIndex()).isEqualTo(8);
    }

    @Test
    void aMalformedCommandInTheMiddleIsInvalidAloneAndTheOthersApply() {
        List<CommandResult> results = apply(1, sync(A, 100), garbage().array(), sync(B, 100));

        assertThat(results.get(0).hasSynced()).isTrue();
        assertThat(results.get(1).getInvalid()).startsWith("not a command");
        assertThat(results.get(2).hasSynced()).isTrue();
        assertThat(fsm.invalidEntries()).isEqualTo(1);
        assertThat(ledger.size()).isEqualTo(2);
    }

    @Test
    void aCommandWithAnInvalidValueIsInvalidAloneAndRecordsNoOutcome() {
        apply(1, sync(A, 100), sync(B, 100));
        Command claim = Commands.decode(ByteBuffer.wrap(claim(B, "bad-signature", 10)));
        byte[] badSignature = claim.toBuilder().setClaim(claim.getClaim().toBuilder()
                .setSignature(ByteString.copyFrom(new byte[64]))).build().toByteArray();

        List<CommandResult> results = apply(2, claim(A, "a-1", 10), badSignature);

        assertThat(results.get(0).hasAccepted()).isTrue();
        assertThat(results.get(1).getInvalid()).contains("signature");
        assertThat(fsm.invalidEntries()).isEqualTo(1);
        assertThat(fsm.outcome(new RequestId("bad-signature"), EnumSet.allOf(Command.BodyCase.class))).isEmpty();
        assertThat(ledger.get(B).orElseThrow().authorizedAmount()).isZero();
    }

    @Test
    void aMalformedEntryChangesNothingAndEveryCommandOfItIsAnsweredInvalid() {
        apply(1, sync(A, 100), sync(B, 100));
        StateDigest before = fsm.digest();
        List<byte[]> commands = List.of(claim(A, "a-1", 10), claim(B, "b-1", 10), sync(C, 100));
        LogEntry.Builder valid = LogEntry.newBuilder().setFormatVersion(Commands.ENTRY_FORMAT_VERSION)
                .setStamp(stamp(T0 + 5_000));
        commands.forEach(command -> valid.addCommands(ByteString.copyFrom(command)));
        List<byte[]> malformed = List.of(
                valid.clone().clearStamp().build().toByteArray(),
                valid.clone().setFormatVersion(Commands.ENTRY_FORMAT_VERSION + 1).build().toByteArray(),
                Commands.entry(Collections.nCopies(Commands.MAX_BATCH_COMMANDS + 1, sync(C, 100)), stamp(T0 + 5_000)),
                garbage().array());

        for (int i = 0; i < malformed.size(); i++) {
            List<CommandResult> results = apply(2 + i, malformed.get(i), commands.size());

            assertThat(results).hasSize(commands.size()).allSatisfy(result -> assertThat(result.hasInvalid()).isTrue());
            assertThat(fsm.digest().sameStateAs(before)).as("after %s", results.get(0).getInvalid()).isTrue();
        }
        assertThat(fsm.invalidEntries()).isEqualTo(malformed.size());
        assertThat(ledger.logTimeMillis()).isEqualTo(T0);
    }

    @Test
    void theSameRequestTwiceInOneEntryIsAnsweredFromTheDedupTableTheSecondTime() {
        byte[] claim = claim(A, "a-1", 10);
        byte[] entry = entry(T0, claim, claim);
        CommandApplier withoutDedup = new CommandApplier(new ChannelLedger(GROUP), new DedupTable(), true,
                (index, why) -> { });
        withoutDedup.apply(ByteBuffer.wrap(entry(T0, sync(A, 100))), 1);
        apply(1, sync(A, 100));

        List<CommandResult> results = apply(2, entry, 2);
        List<CommandResult> evaluatedTwice = withoutDedup.apply(ByteBuffer.wrap(entry), 2);

        assertThat(results.get(0).hasAccepted()).isTrue();
        assertThat(results.get(1).toByteArray()).isEqualTo(results.get(0).toByteArray());
        assertThat(ledger.get(A).orElseThrow().authorizedAmount()).isEqualTo(BigInteger.TEN);
        assertThat(((Rejected) Results.claimResult(evaluatedTwice.get(1))).reason())
                .as("what evaluating it again would have answered").isEqualTo(RejectReason.ALREADY_CLAIMED);
    }

    @Test
    void aRequestIdReusedForAnotherRequestInTheSameEntryIsInvalidForTheSecond() {
        apply(1, sync(A, 100));

        List<CommandResult> results = apply(2, claim(A, "a-1", 10), claim(A, "a-1", 20));

        assertThat(results.get(0).hasAccepted()).isTrue();
        assertThat(results.get(1).getInvalid()).contains("a-1").contains("different request");
        assertThat(ledger.get(A).orElseThrow().authorizedAmount()).isEqualTo(BigInteger.TEN);
        assertThat(fsm.invalidEntries()).as("not a malformed command").isZero();
    }

    @Test
    void twoReplicasApplyingTheSameMultiCommandEntriesEndWithEqualDigests() {
        List<byte[]> log = List.of(
                entry(T0, sync(A, 100), sync(B, 100), sync(C, 100)),
                entry(T0 + 1_000, claim(A, "a-1", 10), claim(B, "b-1", 10), garbage().array()),
                LogEntry.newBuilder().setFormatVersion(Commands.ENTRY_FORMAT_VERSION)
                        .addCommands(ByteString.copyFrom(claim(C, "c-1", 10))).build().toByteArray(),
                entry(T0 + 2_000, claim(A, "a-2", 20), claim(C, "c-1", 10), claim(B, "b-1", 10)),
                Entries.one(Commands.reserve(claimOn(C, "hold-c", 0, 20, 10), 60_000), stamp(T0 + 3_000)),
                entry(T0 + 4_000, Commands.sync(chain(A, 1, 90, GROUP), new RequestId("sync/a/1")),
                        claim(B, "b-2", 20)));
        PaymentStateMachine follower = new PaymentStateMachine(new ChannelLedger(GROUP), DIRECT, "follower", MEMBERS);
        List<Entry> proposed = log.stream()
                .map(bytes -> Entry.of(ByteBuffer.wrap(bytes), PendingEntry.of(DIRECT, commandsIn(bytes))))
                .toList();

        fsm.onApply(new ListIterator(1, proposed.subList(0, 3)));
        fsm.onApply(new ListIterator(4, proposed.subList(3, log.size())));
        follower.onApply(new ListIterator(1, IntStream.range(0, log.size())
                .mapToObj(i -> Entry.of(ByteBuffer.wrap(log.get(i)))).toList()));

        assertThat(follower.digest()).isEqualTo(fsm.digest());
        assertThat(follower.appliedIndex()).isEqualTo(log.size());
        assertThat(follower.invalidEntries()).isEqualTo(fsm.invalidEntries()).isEqualTo(2);
        assertThat(ledger.get(A).orElseThrow().nonce()).isEqualTo(BigInteger.ONE);
        assertThat(ledger.get(B).orElseThrow().authorizedAmount()).isEqualTo(BigInteger.valueOf(20));
        assertThat(ledger.reservations()).hasSize(1);
    }
}
