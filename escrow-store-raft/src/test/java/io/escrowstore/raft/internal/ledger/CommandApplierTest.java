package io.escrowstore.raft.internal.ledger;

import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.CH;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.DIRECT;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.GROUP;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.MEMBERS;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.T0;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.chain;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.claimRequest;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.syncId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.escrowstore.Accepted;
import io.escrowstore.ChainChannel;
import io.escrowstore.ChannelId;
import io.escrowstore.ClaimRequest;
import io.escrowstore.RejectReason;
import io.escrowstore.Rejected;
import io.escrowstore.RequestId;
import io.escrowstore.ReservationId;
import io.escrowstore.Reserved;
import io.escrowstore.SettlementStarted;
import io.escrowstore.raft.internal.replication.PaymentStateMachineTest.Entry;
import io.escrowstore.raft.internal.replication.PaymentStateMachineTest.ListIterator;
import io.escrowstore.raft.proto.EscrowProto.Command;
import io.escrowstore.raft.proto.EscrowProto.CommandResult;
import io.escrowstore.raft.proto.EscrowProto.EntryStamp;
import io.escrowstore.raft.proto.EscrowProto.FinishSettlementsCommand;
import io.escrowstore.raft.proto.EscrowProto.LogEntry;
import io.escrowstore.raft.proto.EscrowProto.RejectCode;
import io.escrowstore.raft.proto.EscrowProto.ReservationRef;
import io.escrowstore.raft.proto.EscrowProto.ReserveCommand;
import io.escrowstore.raft.proto.EscrowProto.StartSettlementsCommand;
import io.escrowstore.raft.proto.EscrowProto.SyncCommand;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import io.escrowstore.raft.StateDigest;
import io.escrowstore.raft.internal.replication.Entries;
import io.escrowstore.raft.internal.replication.PaymentStateMachine;
import io.escrowstore.raft.internal.replication.PendingEntry;

/** Exactly-once (SPEC §4): the deduplication table as the state machine applies entries through the applier. */
public class CommandApplierTest {
    static final int MAX_ENTRIES = 200_000;
    static final long RETENTION = 600_000;

    private final ChannelLedger ledger = new ChannelLedger(GROUP);
    private final PaymentStateMachine fsm = new PaymentStateMachine(ledger, DIRECT, "dedup-node", MEMBERS);
    private long index;

    public static EntryStamp stamp(long time, int maxEntries, long retentionMillis) {
        return EntryStamp.newBuilder().setLeaderTimeMillis(time).setDedupMaxEntries(maxEntries)
                .setDedupRetentionMillis(retentionMillis).build();
    }

    static byte[] at(long time, byte[] command) {
        return Entries.one(command, stamp(time, MAX_ENTRIES, RETENTION));
    }

    public static byte[] syncCommand(long nonce, long value) {
        ChainChannel view = chain(CH, nonce, value, GROUP);
        return Commands.sync(view, syncId(view));
    }

    public static byte[] claimCommand(String requestId, long nonce, long amount, long price) {
        return Commands.claim(claimRequest(requestId, nonce, amount, price));
    }

    /** Applies one single-command entry at the next index and returns what the proposer would be told. */
    CommandResult apply(byte[] entry) {
        PendingEntry pending = PendingEntry.of(DIRECT);
        ListIterator it = new ListIterator(++index, List.of(Entry.of(ByteBuffer.wrap(entry), pending)));
        fsm.onApply(it);
        assertThat(it.consumed()).isEqualTo(1);
        return pending.result();
    }

    CommandResult applyAt(long time, byte[] command) {
        return apply(at(time, command));
    }

    @Nested
    class Resubmissions {
        @Test
        void resubmittedClaimGetsItsOriginalAnswerByteForByteAfterTheChannelMovedOn() {
            applyAt(T0, syncCommand(0, 100));
            CommandResult first = applyAt(T0 + 1, claimCommand("replica-a/1", 0, 10, 10));
            CommandResult next = applyAt(T0 + 2, claimCommand("replica-a/2", 0, 20, 10));
            StateDigest before = fsm.digest();

            // the same request, retried through another leader with another stamp
            CommandResult again = apply(Entries.one(claimCommand("replica-a/1", 0, 10, 10),
                    stamp(T0 + 2, 1_000, 60_000)));

            assertThat(Results.claimResult(first)).isInstanceOf(Accepted.class);
            assertThat(again.toByteArray()).isEqualTo(first.toByteArray());
            assertThat(fsm.channel(CH).orElseThrow()).isEqualTo(((Accepted) Results.claimResult(next)).state());
            assertThat(fsm.digest().sameStateAs(before)).isTrue();
        }

        @Test
        void resubmittedRejectionIsNotEvaluatedAgainAfterTheChannelChanged() {
            applyAt(T0, syncCommand(0, 5));
            CommandResult refused = applyAt(T0, claimCommand("r1", 0, 10, 10));
            applyAt(T0, syncCommand(0, 100));

            CommandResult again = applyAt(T0, claimCommand("r1", 0, 10, 10));

            assertThat(Results.claimResult(refused)).isInstanceOf(Rejected.class)
                    .extracting(r -> ((Rejected) r).reason()).isEqualTo(RejectReason.INSUFFICIENT_FUNDS);
            assertThat(again).isEqualTo(refused);
            assertThat(fsm.channel(CH).orElseThrow().authorizedAmount()).isZero();
        }

        @Test
        void resubmittedReserveReturnsTheSameReservationAndHoldsOnlyOnce() {
            applyAt(T0, syncCommand(0, 100));
            byte[] reserve = Commands.reserve(claimRequest("hold-1", 0, 10, 10), 30_000);
            CommandResult first = applyAt(T0, reserve);

            CommandResult again = applyAt(T0 + 10, reserve);

            assertThat(again.toByteArray()).isEqualTo(first.toByteArray());
            assertThat(ledger.reservations()).singleElement()
                    .satisfies(r -> assertThat(r.id()).isEqualTo(((Reserved) Results.reserveResult(first)).reservationId()));
        }

        @Test
        void retriedCommitReturnsTheFirstCommitsAnswerNotUnknownReservation() {
            applyAt(T0, syncCommand(0, 100));
            ReservationId id = ((Reserved) Results.reserveResult(
                    applyAt(T0, Commands.reserve(claimRequest("hold-1", 0, 10, 10), 30_000)))).reservationId();
            CommandResult committed = applyAt(T0 + 1, Commands.commit(id));

            CommandResult retried = applyAt(T0 + 2, Commands.commit(id));
            CommandResult lateRelease = applyAt(T0 + 3, Commands.release(id));

            assertThat(Results.claimResult(committed)).isInstanceOf(Accepted.class);
            assertThat(retried).isEqualTo(committed);
            assertThat(Results.releaseResult(lateRelease))
                    .isEqualTo(new Rejected(RejectReason.UNKNOWN_RESERVATION, java.util.Optional.empty()));
        }

        @Test
        void retriedSettlementStartMovesTheChannelOnlyOnce() {
            applyAt(T0, syncCommand(0, 100));
            applyAt(T0, claimCommand("c1", 0, 10, 10));
            byte[] settle = Commands.startSettlements(List.of(CH), new RequestId("settle/1"));
            CommandResult first = applyAt(T0, settle);

            CommandResult again = applyAt(T0, settle);

            assertThat(again).isEqualTo(first);
            assertThat(Results.settlementResults(first).get(CH)).isInstanceOf(SettlementStarted.class);
            assertThat(fsm.channel(CH).orElseThrow().nonce()).isEqualTo(BigInteger.ONE);
            assertThat(fsm.settlements()).hasSize(1);
        }

        @Test
        void sameRequestIdForADifferentRequestIsInvalidAndChangesNothing() {
            applyAt(T0, syncCommand(0, 100));
            CommandResult original = applyAt(T0, claimCommand("r1", 0, 10, 10));
            StateDigest before = fsm.digest();

            CommandResult otherAmount = applyAt(T0 + 500_000, claimCommand("r1", 0, 20, 10));
            CommandResult withChainView = applyAt(T0 + 500_000,
                    Commands.claim(claimRequest("r1", 0, 10, 10).withChainView(chain(CH, 0, 100, GROUP))));

            for (CommandResult refused : List.of(otherAmount, withChainView)) {
                assertThat(refused.getOutcomeCase()).isEqualTo(CommandResult.OutcomeCase.INVALID);
                assertThat(refused.getInvalid()).contains("r1").contains("different request");
            }
            assertThat(fsm.digest().sameStateAs(before)).as("not even log time moved").isTrue();
            assertThat(ledger.logTimeMillis()).isEqualTo(T0);
            assertThat(fsm.invalidEntries()).isZero();
            assertThat(applyAt(T0, claimCommand("r1", 0, 10, 10))).isEqualTo(original);
        }

        @Test
        void requestIdsOfDifferentKindsDoNotCollide() {
            applyAt(T0, syncCommand(0, 100));
            CommandResult claimed = applyAt(T0, claimCommand("commit/7", 0, 10, 10));
            CommandResult commit = applyAt(T0, Commands.commit(new ReservationId(7)));

            assertThat(claimed.getOutcomeCase()).isEqualTo(CommandResult.OutcomeCase.ACCEPTED);
            assertThat(commit.getRejected().getCode()).isEqualTo(RejectCode.UNKNOWN_RESERVATION);
            assertThat(fsm.outcome(new RequestId("commit/7"), EnumSet.of(Command.BodyCase.CLAIM))).contains(claimed);
            assertThat(fsm.outcome(new RequestId("commit/7"), EnumSet.of(Command.BodyCase.COMMIT))).contains(commit);
        }
    }

    @Nested
    class EvictionByCount {
        @Test
        void aRequestIsRememberedUntilMaxEntriesNewerRequestsWereRecorded() {
            EntryStamp three = stamp(T0, 3, RETENTION);
            apply(Entries.one(syncCommand(0, 100), three));
            CommandResult first = apply(Entries.one(claimCommand("r1", 0, 10, 10), three));
            apply(Entries.one(claimCommand("r2", 0, 20, 10), three));
            apply(Entries.one(Commands.sync(chain(ChannelId.of(5), 0, 1, GROUP), new RequestId("s5")), three));

            // r1 has two newer requests: still answered from the table
            assertThat(apply(Entries.one(claimCommand("r1", 0, 10, 10), three))).isEqualTo(first);

            apply(Entries.one(Commands.sync(chain(ChannelId.of(6), 0, 1, GROUP), new RequestId("s6")), three));

            // three newer requests: r1 is forgotten and evaluated as new
            CommandResult evaluated = apply(Entries.one(claimCommand("r1", 0, 10, 10), three));
            assertThat(Results.claimResult(evaluated)).isInstanceOf(Rejected.class)
                    .extracting(r -> ((Rejected) r).reason()).isEqualTo(RejectReason.ALREADY_CLAIMED);
        }

        @Test
        void theWindowIsTheOneStampedIntoTheEntryBeingApplied() {
            applyAt(T0, syncCommand(0, 100));
            CommandResult first = applyAt(T0, claimCommand("r1", 0, 10, 10));
            for (int i = 0; i < 5; i++) {
                applyAt(T0, Commands.sync(chain(ChannelId.of(100 + i), 0, 1, GROUP), new RequestId("s" + i)));
            }
            assertThat(applyAt(T0, claimCommand("r1", 0, 10, 10))).isEqualTo(first);

            // a leader configured with a smaller window evicts down to it, whatever this node's config says
            CommandResult evaluated = apply(Entries.one(claimCommand("r1", 0, 10, 10), stamp(T0, 2, RETENTION)));

            assertThat(evaluated).isNotEqualTo(first);
            assertThat(Results.claimResult(evaluated)).isInstanceOf(Rejected.class);
        }
    }

    @Nested
    class EvictionByLogTime {
        CommandResult recordAtT0() {
            applyAt(T0, syncCommand(0, 100));
            return applyAt(T0, claimCommand("r1", 0, 10, 10));
        }

        @Test
        void rememberedUntilRetentionHasPassedInLogTime() {
            CommandResult first = recordAtT0();

            CommandResult atRetention = apply(Entries.one(claimCommand("r1", 0, 10, 10), stamp(T0 + 1_000, 100, 1_000)));

            assertThat(atRetention).isEqualTo(first);
        }

        @Test
        void forgottenOneMillisecondAfterRetention() {
            CommandResult first = recordAtT0();

            CommandResult after = apply(Entries.one(claimCommand("r1", 0, 10, 10), stamp(T0 + 1_001, 100, 1_000)));

            assertThat(after).isNotEqualTo(first);
            assertThat(Results.claimResult(after)).isInstanceOf(Rejected.class);
        }

        @Test
        void theRetentionIsTheOneStampedIntoTheEntryNotALocalSetting() {
            CommandResult first = recordAtT0();

            CommandResult longer = apply(Entries.one(claimCommand("r1", 0, 10, 10), stamp(T0 + 1_001, 100, 5_000)));

            assertThat(longer).isEqualTo(first);
        }

        @Test
        void evictionUsesMonotonicLogTimeNotTheRawStampOfTheEntry() {
            CommandResult first = recordAtT0();
            applyAt(T0 + 5_000, Commands.sync(chain(ChannelId.of(5), 0, 1, GROUP), new RequestId("s5")));

            // a leader with a clock 5 s behind: log time stays at T0 + 5 s, so r1 is older than 1 s
            CommandResult behind = apply(Entries.one(claimCommand("r1", 0, 10, 10), stamp(T0, 100, 1_000)));

            assertThat(ledger.logTimeMillis()).isEqualTo(T0 + 5_000);
            assertThat(behind).isNotEqualTo(first);
        }
    }

    @Nested
    class MalformedEntries {
        private byte[] envelope(Command.Builder body) {
            return Command.newBuilder().setFormatVersion(Commands.FORMAT_VERSION).setRequestId("bad-1")
                    .mergeFrom(body.build()).build().toByteArray();
        }

        private List<byte[]> malformedButStamped(long time) {
            ClaimRequest ok = claimRequest("bad-1", 0, 10, 10);
            List<byte[]> commands = new ArrayList<>();
            commands.add(Commands.reserve(ok, 0));
            commands.add(Commands.reserve(ok, -5));
            commands.add(Commands.reserve(ok, Duration.ofHours(1).toMillis() + 1));
            commands.add(envelope(Command.newBuilder().setCommit(ReservationRef.newBuilder().setReservationId(0))));
            commands.add(envelope(Command.newBuilder().setRelease(ReservationRef.newBuilder().setReservationId(-1))));
            commands.add(envelope(Command.newBuilder().setStartSettlements(StartSettlementsCommand.getDefaultInstance())));
            commands.add(Commands.startSettlements(List.of(CH, ChannelId.of(7), CH), new RequestId("bad-1")));
            commands.add(Commands.startSettlements(LongStream.rangeClosed(1, Commands.MAX_SETTLEMENT_CHANNELS + 1)
                    .mapToObj(ChannelId::of).toList(), new RequestId("bad-1")));
            commands.add(envelope(Command.newBuilder().setFinishSettlements(FinishSettlementsCommand.newBuilder()
                    .setChannelId(ByteString.copyFrom(new byte[33])))));
            commands.add(envelope(Command.newBuilder().setFinishSettlements(FinishSettlementsCommand.newBuilder()
                    .setChainNonce(ByteString.copyFrom(new byte[] {0, 1})))));
            commands.add(envelope(Command.newBuilder().setSync(SyncCommand.getDefaultInstance())));
            commands.add(envelope(Command.newBuilder().setReserve(ReserveCommand.newBuilder().setLeaseMillis(1_000))));
            commands.add(Command.newBuilder(decodeUnchecked(Commands.claim(ok)))
                    .setClaim(ProtoMapper.toMsg(ok).toBuilder().setSignature(ByteString.copyFrom(new byte[64])))
                    .build().toByteArray());
            commands.add(Command.newBuilder(decodeUnchecked(Commands.claim(ok))).setRequestId("").build().toByteArray());
            commands.add(Command.newBuilder(decodeUnchecked(Commands.claim(ok))).setRequestId("has space").build()
                    .toByteArray());
            List<byte[]> stamped = new ArrayList<>();
            for (byte[] command : commands) {
                stamped.add(at(time, command));
            }
            return stamped;
        }

        private Command decodeUnchecked(byte[] bytes) {
            return Commands.decode(ByteBuffer.wrap(bytes));
        }

        @Test
        void malformedEntriesAreInvalidAndLeaveTheStateDigestUnchanged() {
            applyAt(T0, syncCommand(0, 100));
            applyAt(T0, Commands.reserve(claimRequest("hold", 0, 10, 10), 2_000));
            StateDigest before = fsm.digest();
            List<byte[]> malformed = malformedButStamped(T0 + 1_000_000);
            malformed.add(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 0x00});
            malformed.add(at(T0 + 1_000_000, Command.newBuilder(decodeUnchecked(syncCommand(0, 100)))
                    .setFormatVersion(Commands.FORMAT_VERSION + 1).build().toByteArray()));
            malformed.add(LogEntry.newBuilder().setFormatVersion(Commands.ENTRY_FORMAT_VERSION + 1)
                    .setStamp(stamp(T0 + 1_000_000, MAX_ENTRIES, RETENTION))
                    .addCommands(ByteString.copyFrom(syncCommand(0, 100))).build().toByteArray());

            for (byte[] entry : malformed) {
                CommandResult result = apply(entry);
                assertThat(result.getOutcomeCase()).isEqualTo(CommandResult.OutcomeCase.INVALID);
                assertThat(fsm.digest().sameStateAs(before)).as("after %s", result.getInvalid()).isTrue();
            }
            assertThat(fsm.invalidEntries()).isEqualTo(malformed.size());
            assertThat(ledger.logTimeMillis()).isEqualTo(T0);
            assertThat(ledger.reservations()).hasSize(1);
        }

        @Test
        void entryWithoutAStampIsInvalidAndItsRequestIdStaysFree() {
            applyAt(T0, syncCommand(0, 100));
            StateDigest before = fsm.digest();
            byte[] claim = claimCommand("r1", 0, 10, 10);

            CommandResult unstamped = apply(LogEntry.newBuilder().setFormatVersion(Commands.ENTRY_FORMAT_VERSION)
                    .addCommands(ByteString.copyFrom(claim)).build().toByteArray());
            CommandResult noWindow = apply(Entries.one(claim, stamp(T0 + 9, 0, RETENTION)));
            CommandResult noRetention = apply(Entries.one(claim, stamp(T0 + 9, MAX_ENTRIES, 0)));

            for (CommandResult result : List.of(unstamped, noWindow, noRetention)) {
                assertThat(result.getInvalid()).contains("stamp");
            }
            assertThat(fsm.digest().sameStateAs(before)).isTrue();
            assertThat(Results.claimResult(applyAt(T0, claim))).isInstanceOf(Accepted.class);
        }

        @Test
        void invalidEntryDoesNotRecordItsRequestId() {
            applyAt(T0, syncCommand(0, 100));
            apply(at(T0, Commands.reserve(claimRequest("r9", 0, 10, 10), 0)));

            CommandResult valid = applyAt(T0, Commands.reserve(claimRequest("r9", 0, 10, 10), 1_000));

            assertThat(Results.reserveResult(valid)).isInstanceOf(Reserved.class);
        }

        @Test
        void applierThrowsForAMalformedEntrySoTheStateMachineCanCountIt() {
            CommandApplier applier = new CommandApplier(new ChannelLedger(GROUP), new DedupTable());
            byte[] unstamped = LogEntry.newBuilder().setFormatVersion(Commands.ENTRY_FORMAT_VERSION)
                    .addCommands(ByteString.copyFrom(claimCommand("r1", 0, 10, 10))).build().toByteArray();

            assertThatThrownBy(() -> applier.apply(ByteBuffer.wrap(unstamped), 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stamp");
            assertThatThrownBy(() -> applier.apply(ByteBuffer.wrap(new byte[] {(byte) 0xff, 0x07}), 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not a log entry");
        }

        @Test
        void aReadIndexRequestFoundInAnEntryIsInvalidAndChangesNothing() {
            ChannelLedger ledger = new ChannelLedger(GROUP);
            List<String> reported = new ArrayList<>();
            CommandApplier applier = new CommandApplier(ledger, new DedupTable(), false,
                    (at, why) -> reported.add(at + ": " + why));

            List<CommandResult> results = applier.apply(ByteBuffer.wrap(at(T0, Commands.readIndex())), 7);

            assertThat(results).singleElement()
                    .satisfies(result -> assertThat(result.getInvalid()).contains("never written to the log"));
            assertThat(reported).hasSize(1);
            assertThat(ledger.logTimeMillis()).as("not even log time moves").isZero();
        }

        @Test
        void applierReportsAMalformedCommandAndAnswersItAsInvalid() {
            List<String> reported = new ArrayList<>();
            CommandApplier applier = new CommandApplier(new ChannelLedger(GROUP), new DedupTable(), false,
                    (at, why) -> reported.add(at + ": " + why));

            List<CommandResult> results = applier.apply(ByteBuffer.wrap(at(T0,
                    Commands.reserve(claimRequest("r1", 0, 10, 10), 0))), 7);

            assertThat(results).singleElement().satisfies(result -> assertThat(result.getInvalid()).contains("lease"));
            assertThat(reported).singleElement()
                    .satisfies(line -> assertThat(line).startsWith("7: ").contains("lease"));
        }
    }

    @Nested
    class DedupTableOrder {
        @Test
        void evictionRemovesOldestFirstAndKeepsLogOrderAndWatermarkAcrossReplace() {
            DedupTable table = new DedupTable();
            for (int i = 0; i < 5; i++) {
                table.record(new RequestId("r" + i), new byte[] {(byte) i}, 100 + i, 10 + i, new byte[32], 10);
            }

            table.evict(104, 3, 1_000);

            assertThat(table.copy()).extracting(m -> m.getRequestId()).containsExactly("r2", "r3", "r4");
            assertThat(table.evictedThrough()).isEqualTo(11);
            DedupTable restored = new DedupTable();
            restored.replaceAll(table.copy(), table.evictedThrough());
            assertThat(restored.copy()).isEqualTo(table.copy());
            assertThat(restored.evictedThrough()).isEqualTo(11);
            restored.evict(203, 3, 100);
            assertThat(restored.copy()).extracting(m -> m.getRequestId()).containsExactly("r3", "r4");
            assertThat(restored.evictedThrough()).isEqualTo(12);
            assertThat(restored.find(10, new RequestId("r2"))).isEmpty();
            assertThat(restored.find(10, new RequestId("r4"))).isPresent();
        }

        @Test
        void evictingAnOutcomeRecordedWithoutAnIndexLeavesTheWatermark() {
            DedupTable table = new DedupTable();
            table.record(new RequestId("old"), new byte[] {1}, 100, 0, new byte[32], 10);
            table.record(new RequestId("new"), new byte[] {2}, 101, 8, new byte[32], 10);
            table.record(new RequestId("newer"), new byte[] {3}, 102, 9, new byte[32], 10);

            table.evict(101, 2, 1_000);
            long afterUnindexed = table.evictedThrough();
            table.evict(101, 1, 1_000);

            assertThat(afterUnindexed).isZero();
            assertThat(table.copy()).extracting(m -> m.getRequestId()).containsExactly("newer");
            assertThat(table.evictedThrough()).isEqualTo(8);
        }
    }
}
