package io.escrowstore.raft.internal.replication;

import static org.assertj.core.api.Assertions.assertThat;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.entity.EnumOutter.ErrorType;
import com.alipay.sofa.jraft.entity.LeaderChangeContext;
import com.alipay.sofa.jraft.entity.LocalFileMetaOutter.LocalFileMeta;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.entity.RaftOutter.SnapshotMeta;
import com.alipay.sofa.jraft.error.RaftError;
import com.alipay.sofa.jraft.error.RaftException;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotReader;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotWriter;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.escrowstore.Accepted;
import io.escrowstore.Address;
import io.escrowstore.ChainChannel;
import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.ClaimRequest;
import io.escrowstore.ClaimResult;
import io.escrowstore.GroupId;
import io.escrowstore.Member;
import io.escrowstore.Payment;
import io.escrowstore.RejectReason;
import io.escrowstore.Rejected;
import io.escrowstore.RequestId;
import io.escrowstore.ReservationId;
import io.escrowstore.Signature;
import io.escrowstore.Synced;
import io.escrowstore.raft.proto.EscrowProto.ClaimCommand;
import io.escrowstore.raft.proto.EscrowProto.Command;
import io.escrowstore.raft.proto.EscrowProto.CommandResult;
import io.escrowstore.raft.proto.EscrowProto.EntryStamp;
import io.escrowstore.raft.proto.EscrowProto.LogEntry;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.escrowstore.raft.StateDigest;
import io.escrowstore.raft.internal.ledger.ChannelLedger;
import io.escrowstore.raft.internal.ledger.Commands;
import io.escrowstore.raft.internal.ledger.ProtoMapper;
import io.escrowstore.raft.internal.ledger.Results;

/** Drives the state machine through jraft's callbacks with hand-written iterators and snapshot stores. */
public class PaymentStateMachineTest {
    public static final GroupId GROUP = new GroupId(filled(GroupId.LENGTH, 0x11));
    static final GroupId OTHER_GROUP = new GroupId(filled(GroupId.LENGTH, 0x22));
    public static final Address ADDR = new Address(filled(Address.LENGTH, 1));
    public static final ChannelId CH = ChannelId.of(42);
    public static final Executor DIRECT = Runnable::run;
    public static final List<Member> MEMBERS = List.of(new Member("10.0.0.9", 7000));

    private final ChannelLedger ledger = new ChannelLedger(GROUP);
    private final PaymentStateMachine fsm = new PaymentStateMachine(ledger, DIRECT, "test-node", MEMBERS);

    static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    public static Signature sig(long amount) {
        byte[] bytes = filled(Signature.LENGTH, 0x33);
        bytes[0] = (byte) amount;
        return new Signature(bytes);
    }

    public static ChainChannel chain(ChannelId id, long nonce, long value, GroupId group) {
        return new ChainChannel(id, BigInteger.valueOf(nonce), ADDR, ADDR, ADDR, group, BigInteger.valueOf(value),
                BigInteger.valueOf(1_000));
    }

    /** Log time of the entries these tests build, unless a test stamps its own. */
    public static final long T0 = 1_700_000_000_000L;
    public static final EntryStamp STAMP = stamp(T0);

    /** The stamp a leader with the default deduplication window puts on an entry proposed at {@code time}. */
    public static EntryStamp stamp(long time) {
        return EntryStamp.newBuilder().setLeaderTimeMillis(time).setDedupMaxEntries(200_000)
                .setDedupRetentionMillis(600_000).build();
    }

    /** {@code command} alone in an entry, as the leader appends it to the log. */
    public static byte[] stamped(byte[] command) {
        return Entries.one(command, STAMP);
    }

    /** A request id naming the chain view, so equal views synced by different nodes share it. */
    public static RequestId syncId(ChainChannel chain) {
        return new RequestId("sync/" + chain.channelId().value() + "/" + chain.nonce() + "/" + chain.value() + "/"
                + chain.groupId().bytes()[0]);
    }

    /** A sync entry as a replica proposes it. */
    static byte[] encodeSync(ChainChannel chain) {
        return stamped(Commands.sync(chain, syncId(chain)));
    }

    static ByteBuffer sync(long nonce, long value) {
        return ByteBuffer.wrap(encodeSync(chain(CH, nonce, value, GROUP)));
    }

    public static ClaimRequest claimRequest(String requestId, long nonce, long amount, long price) {
        return ClaimRequest.of(new Payment(CH, BigInteger.valueOf(nonce), BigInteger.valueOf(amount), sig(amount)),
                BigInteger.valueOf(price), new RequestId(requestId));
    }

    static ByteBuffer claim(String requestId, long nonce, long amount, long price) {
        return ByteBuffer.wrap(stamped(Commands.claim(claimRequest(requestId, nonce, amount, price))));
    }

    public static ByteBuffer garbage() {
        return ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 0x00});
    }

    /** One log entry as jraft's iterator presents it. */
    public record Entry(ByteBuffer data, Closure done) {
        public static Entry of(ByteBuffer data) {
            return new Entry(data, null);
        }

        /** An entry this node proposed: applying it completes {@code pending}'s answers. */
        public static Entry of(ByteBuffer data, PendingEntry pending) {
            return new Entry(data, pending.closure);
        }
    }

    /** A jraft iterator over a fixed batch of entries with consecutive indexes. */
    public static final class ListIterator implements com.alipay.sofa.jraft.Iterator {
        private final List<Entry> entries;
        private final long firstIndex;
        private int position;
        private Long rollbackTail;
        private Status rollbackStatus;
        /** Entries whose data cannot be read: getData throws for them (an engine-level failure). */
        private final Set<Integer> unreadable;

        public ListIterator(long firstIndex, List<Entry> entries, Set<Integer> unreadable) {
            this.firstIndex = firstIndex;
            this.entries = entries;
            this.unreadable = unreadable;
        }

        public ListIterator(long firstIndex, List<Entry> entries) {
            this(firstIndex, entries, Set.of());
        }

        @Override
        public boolean hasNext() {
            return rollbackStatus == null && position < entries.size();
        }

        @Override
        public ByteBuffer next() {
            if (position >= entries.size()) {
                throw new NoSuchElementException();
            }
            position++;
            return position < entries.size() ? entries.get(position).data() : null;
        }

        @Override
        public ByteBuffer getData() {
            if (unreadable.contains(position)) {
                throw new IllegalStateException("disk read failed for entry " + getIndex());
            }
            return entries.get(position).data();
        }

        @Override
        public long getIndex() {
            return firstIndex + position;
        }

        @Override
        public long getTerm() {
            return 1;
        }

        @Override
        public Closure done() {
            return entries.get(position).done();
        }

        @Override
        public void setAutoCommitPerLog(boolean status) {
        }

        @Override
        public boolean commit() {
            return false;
        }

        @Override
        public void commitAndSnapshotSync(Closure done) {
        }

        @Override
        public void setErrorAndRollback(long ntail, Status st) {
            rollbackTail = ntail;
            rollbackStatus = st;
        }

        public int consumed() {
            return position;
        }
    }

    /** An executor that runs nothing until told to, so tests can see what ran on it. */
    static final class QueueExecutor implements Executor {
        final Queue<Runnable> tasks = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        void runAll() {
            while (!tasks.isEmpty()) {
                tasks.poll().run();
            }
        }
    }

    private void apply(long firstIndex, Entry... entries) {
        ListIterator it = new ListIterator(firstIndex, List.of(entries));
        fsm.onApply(it);
        assertThat(it.rollbackStatus).as("no rollback").isNull();
        assertThat(it.consumed()).isEqualTo(entries.length);
    }

    @Nested
    class Apply {
        @Test
        void invalidEntryBecomesNoOpAndLaterEntriesOfTheBatchStillApply() {
            PendingEntry first = PendingEntry.of(DIRECT);
            PendingEntry bad = PendingEntry.of(DIRECT);
            PendingEntry last = PendingEntry.of(DIRECT);

            apply(1, Entry.of(sync(0, 100), first), Entry.of(garbage(), bad), Entry.of(claim("r1", 0, 10, 10), last));

            assertThat(Results.syncResult(first.result())).isInstanceOf(Synced.class);
            assertThat(bad.result().getOutcomeCase()).isEqualTo(CommandResult.OutcomeCase.INVALID);
            assertThat(bad.result().getInvalid()).isNotBlank();
            assertThat(Results.claimResult(last.result())).isInstanceOf(Accepted.class);
            assertThat(fsm.invalidEntries()).isEqualTo(1);
            assertThat(fsm.appliedIndex()).isEqualTo(3);
            assertThat(fsm.channel(CH).orElseThrow().authorizedAmount()).isEqualTo(BigInteger.TEN);
            assertThat(fsm.channel(CH).orElseThrow().revision()).isEqualTo(3);
        }

        @Test
        void invalidEntryChangesNoState() {
            apply(1, Entry.of(sync(0, 100)));
            StateDigest before = fsm.digest();

            PendingEntry bad = PendingEntry.of(DIRECT);
            apply(2, Entry.of(garbage(), bad));

            assertThat(bad.result().hasInvalid()).isTrue();
            assertThat(fsm.digest().sameStateAs(before)).isTrue();
            assertThat(fsm.digest().appliedIndex()).isEqualTo(2);
        }

        @Test
        void everyKindOfInvalidEntryIsCountedAndAnsweredAsInvalid() {
            // a claim whose chain view names another channel: well-formed protobuf, invalid value
            ClaimCommand mismatchedClaim = ProtoMapper.toMsg(ClaimRequest.of(
                    new Payment(CH, BigInteger.ZERO, BigInteger.ONE, sig(1)), BigInteger.ONE, new RequestId("x")))
                    .toBuilder()
                    .setChainView(ProtoMapper.toMsg(chain(ChannelId.of(7), 0, 10, GROUP)))
                    .build();
            byte[] mismatched = stamped(Command.newBuilder().setFormatVersion(Commands.FORMAT_VERSION)
                    .setRequestId("x").setClaim(mismatchedClaim).build().toByteArray());
            byte[] unstamped = LogEntry.newBuilder().setFormatVersion(Commands.ENTRY_FORMAT_VERSION)
                    .addCommands(ByteString.copyFrom(Commands.claim(claimRequest("y", 0, 1, 1)))).build().toByteArray();
            Command sync = Commands.decode(ByteBuffer.wrap(Commands.sync(chain(CH, 0, 100, GROUP), new RequestId("s"))));
            byte[] newerVersion = stamped(sync.toBuilder().setFormatVersion(Commands.FORMAT_VERSION + 1).build()
                    .toByteArray());
            List<ByteBuffer> invalid = List.of(garbage(),
                    ByteBuffer.wrap(new byte[Commands.MAX_COMMAND_BYTES + 1]), ByteBuffer.wrap(mismatched),
                    ByteBuffer.wrap(newerVersion), ByteBuffer.wrap(unstamped));
            List<PendingEntry> pending = new ArrayList<>();
            List<Entry> entries = new ArrayList<>();
            for (ByteBuffer data : invalid) {
                PendingEntry entry = PendingEntry.of(DIRECT);
                pending.add(entry);
                entries.add(Entry.of(data, entry));
            }

            apply(10, entries.toArray(Entry[]::new));

            assertThat(fsm.invalidEntries()).isEqualTo(invalid.size());
            assertThat(fsm.appliedIndex()).isEqualTo(10 + invalid.size() - 1);
            for (PendingEntry entry : pending) {
                assertThat(entry.result().hasInvalid()).isTrue();
            }
            assertThat(ledger.size()).isZero();
        }

        @Test
        void eachCommandSeesTheEffectsOfEarlierCommandsInTheSameBatch() {
            PendingEntry synced = PendingEntry.of(DIRECT);
            PendingEntry firstClaim = PendingEntry.of(DIRECT);
            PendingEntry secondClaim = PendingEntry.of(DIRECT);

            apply(5, Entry.of(sync(0, 100), synced), Entry.of(claim("replica-a/1", 0, 10, 10), firstClaim),
                    Entry.of(claim("replica-b/1", 0, 10, 10), secondClaim));

            Accepted accepted = (Accepted) Results.claimResult(firstClaim.result());
            assertThat(accepted.state().revision()).isEqualTo(6);
            assertThat(Results.claimResult(secondClaim.result()))
                    .isEqualTo(new Rejected(RejectReason.ALREADY_CLAIMED, Optional.of(accepted.state())));
        }

        @Test
        void appliedIndexAdvancesAcrossBatchesAndEntriesWithoutClosures() {
            assertThat(fsm.appliedIndex()).isZero();

            apply(1, Entry.of(sync(0, 100)), Entry.of(claim("a", 0, 10, 10)));
            assertThat(fsm.appliedIndex()).isEqualTo(2);

            apply(3, Entry.of(claim("b", 0, 20, 10)));
            assertThat(fsm.appliedIndex()).isEqualTo(3);
            assertThat(fsm.digest().appliedIndex()).isEqualTo(3);
            assertThat(fsm.digest().channels()).isEqualTo(1);
            assertThat(fsm.channel(CH).orElseThrow().authorizedAmount()).isEqualTo(BigInteger.valueOf(20));
        }

        @Test
        void anEntryOfNoBytesIsANoOpThatIsNeitherCountedNorAdvancesLogTime() {
            apply(1, Entry.of(sync(0, 100)));
            StateDigest before = fsm.digest();
            List<Status> statuses = new ArrayList<>();

            apply(2, new Entry(ByteBuffer.allocate(0), statuses::add), Entry.of(null));

            assertThat(statuses).hasSize(1);
            assertThat(statuses.get(0).isOk()).isTrue();
            assertThat(fsm.invalidEntries()).isZero();
            assertThat(fsm.digest().sameStateAs(before)).isTrue();
            assertThat(fsm.digest().appliedIndex()).isEqualTo(3);
        }

        @Test
        void emptyBatchChangesNothing() {
            apply(1, Entry.of(sync(0, 100)));

            fsm.onApply(new ListIterator(2, List.of()));

            assertThat(fsm.appliedIndex()).isEqualTo(1);
        }

        @Test
        void leaderAndFollowerReachTheSameStateDigest() {
            PaymentStateMachine follower = new PaymentStateMachine(new ChannelLedger(GROUP), DIRECT, "follower", MEMBERS);
            List<ByteBuffer> log = List.of(sync(0, 100), claim("a", 0, 10, 10), garbage(), claim("b", 0, 10, 10),
                    claim("c", 0, 20, 10), ByteBuffer.wrap(encodeSync(chain(CH, 0, 1, OTHER_GROUP))),
                    sync(1, 90), claim("d", 1, 5, 5));
            List<Entry> leaderEntries = new ArrayList<>();
            List<Entry> followerEntries = new ArrayList<>();
            for (ByteBuffer data : log) {
                leaderEntries.add(Entry.of(data.duplicate(), PendingEntry.of(DIRECT)));
                followerEntries.add(Entry.of(data.duplicate()));
            }

            // the leader applies in two batches, the follower in one
            fsm.onApply(new ListIterator(1, leaderEntries.subList(0, 3)));
            fsm.onApply(new ListIterator(4, leaderEntries.subList(3, log.size())));
            follower.onApply(new ListIterator(1, followerEntries));

            assertThat(fsm.digest()).isEqualTo(follower.digest());
            assertThat(fsm.digest().appliedIndex()).isEqualTo(log.size());
            assertThat(follower.invalidEntries()).isEqualTo(1);
            assertThat(fsm.channel(CH).orElseThrow().nonce()).isEqualTo(BigInteger.ONE);
            assertThat(fsm.channel(CH).orElseThrow().authorizedAmount()).isEqualTo(BigInteger.valueOf(5));
        }

        @Test
        void otherClosuresAreRunWithOk() {
            List<Status> statuses = new ArrayList<>();
            Closure plain = statuses::add;

            apply(1, new Entry(sync(0, 100), plain));

            assertThat(statuses).hasSize(1);
            assertThat(statuses.get(0).isOk()).isTrue();
        }

        @Test
        void resultIsHandedOverOnlyAfterTheEntryIsApplied() {
            long[] seenIndex = new long[1];
            Optional<?>[] seenChannel = new Optional<?>[1];
            Executor probe = task -> {
                seenIndex[0] = fsm.appliedIndex();
                seenChannel[0] = fsm.channel(CH);
                task.run();
            };

            apply(1, Entry.of(sync(0, 100), PendingEntry.of(probe)));

            assertThat(seenIndex[0]).isEqualTo(1);
            assertThat(seenChannel[0]).isPresent();
        }

        @Test
        void unexpectedFailureRollsBackAndStopsWithoutApplyingLaterEntries() {
            PendingEntry first = PendingEntry.of(DIRECT);
            PendingEntry broken = PendingEntry.of(DIRECT);
            PendingEntry after = PendingEntry.of(DIRECT);
            ListIterator it = new ListIterator(1,
                    List.of(Entry.of(sync(0, 100), first), Entry.of(claim("a", 0, 10, 10), broken),
                            Entry.of(claim("b", 0, 10, 10), after)),
                    Set.of(1));

            fsm.onApply(it);

            assertThat(first.result().hasSynced()).isTrue();
            assertThat(it.rollbackStatus).isNotNull();
            assertThat(it.rollbackStatus.getRaftError()).isEqualTo(RaftError.ESTATEMACHINE);
            assertThat(it.rollbackTail).isEqualTo(1L);
            assertThat(it.consumed()).isEqualTo(1);
            assertThat(fsm.appliedIndex()).isEqualTo(1);
            assertThat(fsm.invalidEntries()).isZero();
            assertThat(broken.answer()).isNotDone();
            assertThat(after.answer()).isNotDone();
            assertThat(fsm.channel(CH).orElseThrow().authorizedAmount()).isZero();
        }

        @Test
        void aCommandFailingAfterTheLedgerChangedStopsTheNodeAndIsNeverAnsweredInvalid() {
            ChannelLedger failing = new ClaimThenFailLedger();
            PaymentStateMachine node = new PaymentStateMachine(failing, DIRECT, "failing-node", MEMBERS);
            PendingEntry first = PendingEntry.of(DIRECT);
            PendingEntry broken = PendingEntry.of(DIRECT, 2);
            PendingEntry after = PendingEntry.of(DIRECT);
            ChainChannel other = chain(ChannelId.of(7), 0, 50, GROUP);
            ByteBuffer syncThenClaim = ByteBuffer.wrap(Entries.of(STAMP, Commands.sync(other, syncId(other)),
                    Commands.claim(claimRequest("a", 0, 10, 10))));
            ListIterator it = new ListIterator(1, List.of(Entry.of(sync(0, 100), first),
                    Entry.of(syncThenClaim, broken), Entry.of(claim("b", 0, 20, 10), after)));

            node.onApply(it);

            assertThat(broken.answers).as("no answer, least of all 'invalid'").noneMatch(CompletableFuture::isDone);
            assertThat(it.rollbackStatus).as("node stopped").isNotNull();
            assertThat(it.rollbackStatus.getRaftError()).isEqualTo(RaftError.ESTATEMACHINE);
            assertThat(it.rollbackTail).isEqualTo(1L);
            assertThat(first.result().hasSynced()).isTrue();
            assertThat(failing.get(ChannelId.of(7))).as("the entry's first command changed the ledger").isPresent();
            assertThat(failing.get(CH).orElseThrow().authorizedAmount()).as("so did its second, then it threw")
                    .isEqualTo(BigInteger.TEN);
            assertThat(after.answer()).isNotDone();
            assertThat(node.invalidEntries()).isZero();
            assertThat(node.appliedIndex()).isEqualTo(1);
        }

        @Test
        void anEntryThatCannotBeDecodedIsStillAnsweredInvalidAndTheNodeGoesOn() {
            PaymentStateMachine node = new PaymentStateMachine(new ClaimThenFailLedger(), DIRECT, "failing-node",
                    MEMBERS);
            PendingEntry bad = PendingEntry.of(DIRECT, 2);
            PendingEntry next = PendingEntry.of(DIRECT);
            ListIterator it = new ListIterator(1, List.of(Entry.of(garbage(), bad), Entry.of(sync(0, 100), next)));

            node.onApply(it);

            assertThat(it.rollbackStatus).isNull();
            assertThat(bad.results()).allSatisfy(result -> assertThat(result.hasInvalid()).isTrue());
            assertThat(next.result().hasSynced()).isTrue();
            assertThat(node.invalidEntries()).isEqualTo(1);
            assertThat(node.appliedIndex()).isEqualTo(2);
        }
    }

    /** A ledger whose claims change the channel and then throw, as a bug in an operation would. */
    static final class ClaimThenFailLedger extends ChannelLedger {
        ClaimThenFailLedger() {
            super(GROUP);
        }

        @Override
        public ClaimResult claim(ClaimRequest request, long index) {
            super.claim(request, index);
            throw new IllegalArgumentException("failed after the claim changed the channel");
        }
    }

    @Nested
    class Lifecycle {
        @Test
        void leadershipAndTermsAreTracked() {
            assertThat(fsm.isLeader()).isFalse();
            assertThat(fsm.leaderTerm()).isEqualTo(-1);

            fsm.onLeaderStart(3);
            assertThat(fsm.isLeader()).isTrue();
            assertThat(fsm.leaderTerm()).isEqualTo(3);
            assertThat(fsm.knownTerm()).isEqualTo(3);

            fsm.onLeaderStop(new Status(RaftError.EPERM, "stepped down"));
            assertThat(fsm.isLeader()).isFalse();
            assertThat(fsm.leaderTerm()).isEqualTo(-1);

            fsm.onStartFollowing(new LeaderChangeContext(PeerId.parsePeer("10.0.0.2:7000"), 5, Status.OK()));
            assertThat(fsm.knownTerm()).isEqualTo(5);
            fsm.onStartFollowing(new LeaderChangeContext(PeerId.parsePeer("10.0.0.2:7000"), 4, Status.OK()));
            assertThat(fsm.knownTerm()).isEqualTo(5);
            assertThat(fsm.isLeader()).isFalse();
        }

        @Test
        void theLeadingHookRunsEachTimeTheNodeStartsLeadingAfterItsTermIsSet() {
            List<Long> termsSeen = new ArrayList<>();
            fsm.whenLeading(() -> termsSeen.add(fsm.leaderTerm()));

            fsm.onLeaderStart(3);
            fsm.onLeaderStop(new Status(RaftError.EPERM, "stepped down"));
            fsm.onStartFollowing(new LeaderChangeContext(PeerId.parsePeer("10.0.0.2:7000"), 4, Status.OK()));
            fsm.onLeaderStart(5);

            assertThat(termsSeen).containsExactly(3L, 5L);
        }

        @Test
        void waitersForAnAppliedIndexRunWhenAnEntryOrASnapshotReachesIt() {
            List<String> ran = new ArrayList<>();
            assertThat(fsm.appliedIndexWaiters().waitFor(0, () -> ran.add("0"))).as("index 0 is applied from the start").isFalse();
            assertThat(fsm.appliedIndexWaiters().waitFor(1, () -> ran.add("1"))).isTrue();
            assertThat(fsm.appliedIndexWaiters().waitFor(3, () -> ran.add("3"))).isTrue();

            fsm.onApply(new ListIterator(1, List.of(new Entry(ByteBuffer.allocate(0), null))));
            assertThat(ran).containsExactly("1");
            fsm.onApply(new ListIterator(3, List.of(new Entry(ByteBuffer.allocate(0), null))));
            assertThat(ran).as("index 2 was a configuration entry, never seen").containsExactly("1", "3");
        }

        @Test
        void membersAreTheInitialOnesUntilAConfigurationIsCommitted() {
            assertThat(fsm.members()).isEqualTo(MEMBERS);
        }

        @Test
        void committedConfigurationBecomesTheMemberList() {
            fsm.onConfigurationCommitted(new Configuration(List.of(PeerId.parsePeer("10.0.0.1:7000"),
                    PeerId.parsePeer("10.0.0.2:7001"), PeerId.parsePeer("10.0.0.3:7002"))));

            assertThat(fsm.members()).containsExactly(new Member("10.0.0.1", 7000), new Member("10.0.0.2", 7001),
                    new Member("10.0.0.3", 7002));
        }

        @Test
        void errorMarksTheNodeFailed() {
            assertThat(fsm.failed()).isFalse();

            fsm.onError(new RaftException(ErrorType.ERROR_TYPE_STATE_MACHINE, RaftError.ESTATEMACHINE, "boom"));

            assertThat(fsm.failed()).isTrue();
        }
    }

    /** A snapshot directory as jraft's local snapshot storage would present it. */
    static final class DirSnapshot {
        final Path path;
        final Map<String, Message> files = new HashMap<>();

        DirSnapshot(Path path) {
            this.path = path;
        }

        SnapshotWriter writer(boolean acceptFiles) {
            return writer(acceptFiles, null);
        }

        /** A writer whose current meta (set by jraft before onSnapshotSave) says {@code metaIndex}. */
        SnapshotWriter writer(boolean acceptFiles, Long metaIndex) {
            return new SnapshotWriter() {
                @Override
                public SnapshotMeta getCurrentMeta() {
                    return metaIndex == null ? null
                            : SnapshotMeta.newBuilder().setLastIncludedIndex(metaIndex).setLastIncludedTerm(1).build();
                }

                @Override
                public boolean saveMeta(SnapshotMeta meta) {
                    return true;
                }

                @Override
                public boolean addFile(String fileName, Message fileMeta) {
                    if (acceptFiles) {
                        files.put(fileName, fileMeta == null ? LocalFileMeta.getDefaultInstance() : fileMeta);
                    }
                    return acceptFiles;
                }

                @Override
                public boolean removeFile(String fileName) {
                    return files.remove(fileName) != null;
                }

                @Override
                public void close(boolean keepDataOnError) {
                }

                @Override
                public void close() {
                }

                @Override
                public boolean init(Void opts) {
                    return true;
                }

                @Override
                public void shutdown() {
                }

                @Override
                public String getPath() {
                    return path.toString();
                }

                @Override
                public Set<String> listFiles() {
                    return files.keySet();
                }

                @Override
                public Message getFileMeta(String fileName) {
                    return files.get(fileName);
                }
            };
        }

        SnapshotReader reader(long metaIndex) {
            return new SnapshotReader() {
                @Override
                public SnapshotMeta load() {
                    return SnapshotMeta.newBuilder().setLastIncludedIndex(metaIndex).setLastIncludedTerm(1).build();
                }

                @Override
                public String generateURIForCopy() {
                    return "local://" + path;
                }

                @Override
                public void close() {
                }

                @Override
                public boolean init(Void opts) {
                    return true;
                }

                @Override
                public void shutdown() {
                }

                @Override
                public String getPath() {
                    return path.toString();
                }

                @Override
                public Set<String> listFiles() {
                    return files.keySet();
                }

                @Override
                public Message getFileMeta(String fileName) {
                    return files.get(fileName);
                }
            };
        }
    }

    @Nested
    class Snapshots {
        @TempDir
        Path dir;

        private final List<Status> saved = new ArrayList<>();

        private DirSnapshot saveAt(long lastIndex) {
            apply(1, Entry.of(sync(0, 100)), Entry.of(claim("a", 0, 10, 10)));
            for (long i = 3; i <= lastIndex; i++) {
                apply(i, Entry.of(ByteBuffer.wrap(encodeSync(chain(ChannelId.of(i), 0, i, GROUP)))));
            }
            DirSnapshot snapshot = new DirSnapshot(dir);
            fsm.onSnapshotSave(snapshot.writer(true), saved::add);
            assertThat(saved).hasSize(1);
            assertThat(saved.get(0).isOk()).as("%s", saved.get(0)).isTrue();
            return snapshot;
        }

        @Test
        void savedSnapshotLoadsIntoAFreshNodeWithTheSameState() {
            DirSnapshot snapshot = saveAt(20);
            PaymentStateMachine fresh = new PaymentStateMachine(new ChannelLedger(GROUP), DIRECT, "fresh", MEMBERS);

            assertThat(fresh.onSnapshotLoad(snapshot.reader(20))).isTrue();

            assertThat(fresh.digest()).isEqualTo(fsm.digest());
            assertThat(fresh.appliedIndex()).isEqualTo(20);
            assertThat(fresh.channel(CH)).isEqualTo(fsm.channel(CH));
            assertThat(snapshot.files).containsKey(SnapshotFile.NAME);
        }

        @Test
        void snapshotTakenAfterConfigurationEntriesLoadsAtTheRaftMetaIndex() {
            // data entries 1..3, then jraft applies configuration entries 4 and 5 (a new leader's term start)
            // without calling onApply; its snapshot meta then says 5
            apply(1, Entry.of(sync(0, 100)), Entry.of(claim("a", 0, 10, 10)), Entry.of(claim("b", 0, 20, 10)));
            DirSnapshot snapshot = new DirSnapshot(dir);
            fsm.onSnapshotSave(snapshot.writer(true, 5L), saved::add);
            assertThat(saved).singleElement().satisfies(status -> assertThat(status.isOk()).isTrue());
            PaymentStateMachine fresh = new PaymentStateMachine(new ChannelLedger(GROUP), DIRECT, "fresh", MEMBERS);

            assertThat(fresh.onSnapshotLoad(snapshot.reader(5))).isTrue();

            assertThat(fresh.appliedIndex()).isEqualTo(5);
            assertThat(fresh.digest().sameStateAs(fsm.digest())).isTrue();
            assertThat(fresh.channel(CH).orElseThrow().authorizedAmount()).isEqualTo(BigInteger.valueOf(20));
        }

        @Test
        void snapshotWithMetaEqualToAppliedIndexLoads() {
            apply(1, Entry.of(sync(0, 100)), Entry.of(claim("a", 0, 10, 10)));
            DirSnapshot snapshot = new DirSnapshot(dir);
            fsm.onSnapshotSave(snapshot.writer(true, 2L), saved::add);
            PaymentStateMachine fresh = new PaymentStateMachine(new ChannelLedger(GROUP), DIRECT, "fresh", MEMBERS);

            assertThat(fresh.onSnapshotLoad(snapshot.reader(2))).isTrue();
            assertThat(fresh.digest()).isEqualTo(fsm.digest());
        }

        @Test
        void loadReplacesTheWholeTable() {
            DirSnapshot snapshot = saveAt(4);
            ChannelLedger otherLedger = new ChannelLedger(GROUP);
            PaymentStateMachine other = new PaymentStateMachine(otherLedger, DIRECT, "other", MEMBERS);
            other.onApply(new ListIterator(1, List.of(Entry.of(ByteBuffer.wrap(
                    encodeSync(chain(ChannelId.of(999), 0, 1, GROUP)))))));

            assertThat(other.onSnapshotLoad(snapshot.reader(4))).isTrue();

            assertThat(other.channel(ChannelId.of(999))).isEmpty();
            assertThat(other.digest()).isEqualTo(fsm.digest());
        }

        @Test
        void snapshotWriteIsRunOnTheSnapshotExecutor() {
            QueueExecutor executor = new QueueExecutor();
            PaymentStateMachine async = new PaymentStateMachine(new ChannelLedger(GROUP), executor, "async", MEMBERS);
            async.onApply(new ListIterator(1, List.of(Entry.of(sync(0, 100)))));
            DirSnapshot snapshot = new DirSnapshot(dir);

            async.onSnapshotSave(snapshot.writer(true), saved::add);

            assertThat(saved).isEmpty();
            assertThat(Files.exists(dir.resolve(SnapshotFile.NAME))).isFalse();
            executor.runAll();
            assertThat(saved).hasSize(1);
            assertThat(saved.get(0).isOk()).isTrue();
            assertThat(Files.exists(dir.resolve(SnapshotFile.NAME))).isTrue();
        }

        @Test
        void snapshotContentIsTakenWhenSaveIsCalledNotWhenItIsWritten() throws IOException {
            QueueExecutor executor = new QueueExecutor();
            PaymentStateMachine async = new PaymentStateMachine(new ChannelLedger(GROUP), executor, "async", MEMBERS);
            async.onApply(new ListIterator(1, List.of(Entry.of(sync(0, 100)))));
            DirSnapshot snapshot = new DirSnapshot(dir);
            async.onSnapshotSave(snapshot.writer(true), saved::add);

            async.onApply(new ListIterator(2, List.of(Entry.of(claim("late", 0, 10, 10)))));
            executor.runAll();

            SnapshotFile.Content content = SnapshotFile.read(dir.resolve(SnapshotFile.NAME));
            assertThat(content.lastIncludedIndex()).isEqualTo(1);
            assertThat(content.channels()).singleElement()
                    .satisfies(state -> assertThat(state.authorizedAmount()).isZero());
        }

        @Test
        void failureToRegisterTheFileFailsTheSave() {
            apply(1, Entry.of(sync(0, 100)));

            fsm.onSnapshotSave(new DirSnapshot(dir).writer(false), saved::add);

            assertThat(saved).singleElement().satisfies(status -> {
                assertThat(status.isOk()).isFalse();
                assertThat(status.getRaftError()).isEqualTo(RaftError.EIO);
            });
        }

        @Test
        void writeFailureFailsTheSave() {
            apply(1, Entry.of(sync(0, 100)));

            fsm.onSnapshotSave(new DirSnapshot(dir.resolve("missing-dir")).writer(true), saved::add);

            assertThat(saved).singleElement().satisfies(status -> assertThat(status.isOk()).isFalse());
        }

        @Test
        void loadIsRefusedWhileLeader() {
            DirSnapshot snapshot = saveAt(3);
            PaymentStateMachine leader = new PaymentStateMachine(new ChannelLedger(GROUP), DIRECT, "leader", MEMBERS);
            leader.onLeaderStart(2);

            assertThat(leader.onSnapshotLoad(snapshot.reader(3))).isFalse();
            assertThat(leader.appliedIndex()).isZero();
        }

        @Test
        void loadIsRefusedWhenTheFileIsNotInTheSnapshotMeta() {
            DirSnapshot snapshot = saveAt(3);
            snapshot.files.clear();
            PaymentStateMachine fresh = new PaymentStateMachine(new ChannelLedger(GROUP), DIRECT, "fresh", MEMBERS);

            assertThat(fresh.onSnapshotLoad(snapshot.reader(3))).isFalse();
            assertThat(fresh.appliedIndex()).isZero();
        }

        @Test
        void loadIsRefusedWhenTheFileIndexDisagreesWithRaftMetadata() {
            DirSnapshot snapshot = saveAt(3);
            ChannelLedger freshLedger = new ChannelLedger(GROUP);
            PaymentStateMachine fresh = new PaymentStateMachine(freshLedger, DIRECT, "fresh", MEMBERS);

            assertThat(fresh.onSnapshotLoad(snapshot.reader(4))).isFalse();
            assertThat(freshLedger.size()).isZero();
            assertThat(fresh.appliedIndex()).isZero();
        }

        @Test
        void corruptedFileIsRefusedAndTheStateIsKept() throws IOException {
            DirSnapshot snapshot = saveAt(3);
            Path file = dir.resolve(SnapshotFile.NAME);
            byte[] bytes = Files.readAllBytes(file);
            bytes[bytes.length / 2] ^= 0x04;
            Files.write(file, bytes);
            ChannelLedger freshLedger = new ChannelLedger(GROUP);
            PaymentStateMachine fresh = new PaymentStateMachine(freshLedger, DIRECT, "fresh", MEMBERS);
            fresh.onApply(new ListIterator(1, List.of(Entry.of(sync(0, 55)))));
            StateDigest before = fresh.digest();

            assertThat(fresh.onSnapshotLoad(snapshot.reader(3))).isFalse();

            assertThat(fresh.digest()).isEqualTo(before);
        }

        @Test
        void appliedIndexAfterLoadContinuesFromTheSnapshot() {
            DirSnapshot snapshot = saveAt(3);
            PaymentStateMachine fresh = new PaymentStateMachine(new ChannelLedger(GROUP), DIRECT, "fresh", MEMBERS);
            assertThat(fresh.onSnapshotLoad(snapshot.reader(3))).isTrue();
            PendingEntry next = PendingEntry.of(DIRECT);

            fresh.onApply(new ListIterator(4, List.of(Entry.of(claim("b", 0, 20, 10), next))));

            assertThat(Results.claimResult(next.result())).isInstanceOf(Accepted.class);
            assertThat(fresh.appliedIndex()).isEqualTo(4);
            ChannelState state = fresh.channel(CH).orElseThrow();
            assertThat(state.revision()).isEqualTo(4);
            assertThat(state.authorizedAmount()).isEqualTo(BigInteger.valueOf(20));
        }
    }

    /** Commands of the whole payment lifecycle, each in an entry stamped at increasing log times from {@code T0}. */
    static final class Log {
        final List<byte[]> commands = new ArrayList<>();
        final List<EntryStamp> stamps = new ArrayList<>();
        long time = T0;

        Log add(byte[] command) {
            commands.add(command);
            stamps.add(stamp(time));
            return this;
        }

        Log later(long millis) {
            time += millis;
            return this;
        }

        /** One entry per command. */
        List<byte[]> entries() {
            return IntStream.range(0, commands.size()).mapToObj(i -> Entries.one(commands.get(i), stamps.get(i)))
                    .toList();
        }
    }

    static final ChannelId HELD = ChannelId.of(2);
    static final ChannelId SETTLED = ChannelId.of(3);
    static final Duration LEASE = Duration.ofSeconds(60);

    public static ClaimRequest claimOn(ChannelId id, String requestId, long nonce, long amount, long price) {
        return ClaimRequest.of(new Payment(id, BigInteger.valueOf(nonce), BigInteger.valueOf(amount), sig(amount)),
                BigInteger.valueOf(price), new RequestId(requestId));
    }

    /**
     * Channel 42 with a claim, channel 2 with a live reservation (index 5, 60 s lease from T0 + 2 s),
     * channel 3 with a pending settlement, a rejected claim, and log time T0 + 4 s.
     */
    static Log lifecycle() {
        return new Log()
                .add(Commands.sync(chain(CH, 0, 100, GROUP), new RequestId("sync-42")))
                .add(Commands.sync(chain(HELD, 0, 100, GROUP), new RequestId("sync-2")))
                .add(Commands.sync(chain(SETTLED, 0, 100, GROUP), new RequestId("sync-3")))
                .later(1_000).add(Commands.claim(claimOn(CH, "claim-42", 0, 10, 10)))
                .later(1_000).add(Commands.reserve(claimOn(HELD, "hold-2", 0, 10, 10), LEASE.toMillis()))
                .add(Commands.claim(claimOn(SETTLED, "claim-3", 0, 30, 30)))
                .later(1_000).add(Commands.startSettlements(List.of(SETTLED), new RequestId("settle-3")))
                .later(1_000).add(Commands.claim(claimOn(CH, "claim-42-replay", 0, 10, 10)));
    }

    /** Applies single-command {@code entries} from {@code firstIndex} as their proposer and returns their results. */
    private List<CommandResult> applyLog(PaymentStateMachine target, long firstIndex, List<byte[]> entries) {
        List<PendingEntry> pending = entries.stream().map(bytes -> PendingEntry.of(DIRECT)).toList();
        ListIterator it = new ListIterator(firstIndex, IntStream.range(0, entries.size())
                .mapToObj(i -> Entry.of(ByteBuffer.wrap(entries.get(i)), pending.get(i))).toList());
        target.onApply(it);
        assertThat(it.consumed()).isEqualTo(entries.size());
        return pending.stream().map(PendingEntry::result).toList();
    }

    private CommandResult applyOne(PaymentStateMachine target, long index, byte[] command, long time) {
        return applyLog(target, index, List.of(Entries.one(command, stamp(time)))).get(0);
    }

    @Nested
    class LifecycleSnapshots {
        @TempDir
        Path dir;

        private final List<Status> saved = new ArrayList<>();
        private List<CommandResult> original;
        private PaymentStateMachine fresh;

        private DirSnapshot saveLifecycle() {
            original = applyLog(fsm, 1, lifecycle().entries());
            DirSnapshot snapshot = new DirSnapshot(dir);
            fsm.onSnapshotSave(snapshot.writer(true), saved::add);
            assertThat(saved).singleElement().satisfies(status -> assertThat(status.isOk()).isTrue());
            fresh = new PaymentStateMachine(new ChannelLedger(GROUP), DIRECT, "fresh", MEMBERS);
            assertThat(fresh.onSnapshotLoad(snapshot.reader(8))).isTrue();
            return snapshot;
        }

        @Test
        void snapshotHoldsChannelsReservationsSettlementsOutcomesAndLogTime() throws IOException {
            saveLifecycle();

            SnapshotFile.Content content = SnapshotFile.read(dir.resolve(SnapshotFile.NAME));

            assertThat(content.lastIncludedIndex()).isEqualTo(8);
            assertThat(content.logTimeMillis()).isEqualTo(T0 + 4_000);
            assertThat(content.channels()).hasSize(3);
            assertThat(content.reservations()).singleElement().satisfies(r -> {
                assertThat(r.id()).isEqualTo(new ReservationId(5));
                assertThat(r.owner()).isEqualTo(new RequestId("hold-2"));
                assertThat(r.expiresAtMillis()).isEqualTo(T0 + 2_000 + LEASE.toMillis());
            });
            assertThat(content.settlements()).singleElement()
                    .satisfies(x -> assertThat(x.channelId()).isEqualTo(SETTLED));
            assertThat(content.dedup()).extracting(d -> d.getRequestId()).containsExactly("sync-42", "sync-2",
                    "sync-3", "claim-42", "hold-2", "claim-3", "settle-3", "claim-42-replay");
        }

        @Test
        void loadedStateIsTheSavedState() {
            saveLifecycle();

            assertThat(fresh.digest()).isEqualTo(fsm.digest());
            assertThat(fresh.settlements()).isEqualTo(fsm.settlements()).hasSize(1);
            assertThat(fresh.unclaimed()).isEqualTo(fsm.unclaimed()).hasSize(1);
            assertThat(fresh.appliedIndex()).isEqualTo(8);
        }

        @Test
        void afterLoadAResubmittedRequestIdGetsItsOriginalAnswer() {
            saveLifecycle();

            CommandResult again = applyOne(fresh, 9, Commands.claim(claimOn(CH, "claim-42", 0, 10, 10)), T0 + 5_000);
            CommandResult settleAgain = applyOne(fresh, 10,
                    Commands.startSettlements(List.of(SETTLED), new RequestId("settle-3")), T0 + 5_000);

            assertThat(again.toByteArray()).isEqualTo(original.get(3).toByteArray());
            assertThat(settleAgain).isEqualTo(original.get(6));
            assertThat(fresh.channel(SETTLED).orElseThrow().nonce()).isEqualTo(BigInteger.ONE);
        }

        @Test
        void afterLoadALiveReservationStillBlocksAndCanBeCommitted() {
            saveLifecycle();
            ChannelState held = fresh.channel(HELD).orElseThrow();

            CommandResult other = applyOne(fresh, 9, Commands.claim(claimOn(HELD, "other", 0, 10, 10)), T0 + 5_000);
            CommandResult commit = applyOne(fresh, 10, Commands.commit(new ReservationId(5)), T0 + 6_000);

            assertThat(Results.claimResult(other)).isEqualTo(new Rejected(RejectReason.CHANNEL_BUSY, Optional.of(held)));
            Accepted accepted = (Accepted) Results.claimResult(commit);
            assertThat(accepted.state().authorizedAmount()).isEqualTo(BigInteger.TEN);
            assertThat(accepted.state().revision()).isEqualTo(10);
        }

        @Test
        void afterLoadTheLeaseStillEndsInLogTime() {
            saveLifecycle();
            long expiresAt = T0 + 2_000 + LEASE.toMillis();

            CommandResult stillBusy = applyOne(fresh, 9, Commands.claim(claimOn(HELD, "early", 0, 10, 10)), expiresAt - 1);
            CommandResult free = applyOne(fresh, 10, Commands.claim(claimOn(HELD, "late", 0, 10, 10)), expiresAt);
            CommandResult expiredCommit = applyOne(fresh, 11, Commands.commit(new ReservationId(5)), expiresAt + 1);

            assertThat(((Rejected) Results.claimResult(stillBusy)).reason()).isEqualTo(RejectReason.CHANNEL_BUSY);
            assertThat(Results.claimResult(free)).isInstanceOf(Accepted.class);
            assertThat(((Rejected) Results.claimResult(expiredCommit)).reason())
                    .isEqualTo(RejectReason.RESERVATION_EXPIRED);
        }

        @Test
        void savedAndLoadedNodesStayIdenticalOnTheSameLaterEntries() {
            saveLifecycle();
            Log more = new Log().later(70_000)
                    .add(Commands.commit(new ReservationId(5)))
                    .add(Commands.claim(claimOn(HELD, "after", 0, 10, 10)))
                    .add(Commands.finishSettlements(SETTLED, BigInteger.ONE, new RequestId("finish-3")))
                    .add(Commands.startSettlements(List.of(CH, HELD, SETTLED), new RequestId("settle-all")));

            List<CommandResult> onOriginal = applyLog(fsm, 9, more.entries());
            List<CommandResult> onLoaded = applyLog(fresh, 9, more.entries());

            assertThat(onLoaded).isEqualTo(onOriginal);
            assertThat(fresh.digest()).isEqualTo(fsm.digest());
            assertThat(fresh.settlements()).hasSize(2);
        }
    }

    @Nested
    class DigestAgreement {
        @Test
        void twoNodesFedTheSameLifecycleEntriesHaveEqualDigests() {
            PaymentStateMachine other = new PaymentStateMachine(new ChannelLedger(GROUP), DIRECT, "other", MEMBERS);
            List<byte[]> entries = lifecycle().entries();
            List<byte[]> copies = lifecycle().entries();

            applyLog(fsm, 1, entries.subList(0, 5));
            applyLog(fsm, 6, entries.subList(5, entries.size()));
            applyLog(other, 1, copies);

            assertThat(other.digest()).isEqualTo(fsm.digest());
        }

        @Test
        void logTimeAndRecordedOutcomesArePartOfTheDigest() {
            applyLog(fsm, 1, lifecycle().entries());
            StateDigest base = fsm.digest();

            Log oneMillisecondLater = lifecycle();
            oneMillisecondLater.stamps.set(oneMillisecondLater.stamps.size() - 1, stamp(T0 + 4_001));
            PaymentStateMachine laterClock = new PaymentStateMachine(new ChannelLedger(GROUP), DIRECT, "b", MEMBERS);
            applyLog(laterClock, 1, oneMillisecondLater.entries());

            Log renamed = lifecycle();
            renamed.commands.set(0, Commands.sync(chain(CH, 0, 100, GROUP), new RequestId("sync-x")));
            PaymentStateMachine otherId = new PaymentStateMachine(new ChannelLedger(GROUP), DIRECT, "c", MEMBERS);
            applyLog(otherId, 1, renamed.entries());

            assertThat(laterClock.channel(CH)).isEqualTo(fsm.channel(CH));
            assertThat(laterClock.digest().sameStateAs(base)).as("log time is state").isFalse();
            assertThat(otherId.channel(CH)).isEqualTo(fsm.channel(CH));
            assertThat(otherId.digest().sameStateAs(base)).as("recorded outcomes are state").isFalse();
        }
    }

    @Nested
    class RecordedOutcomes {
        private static final Set<Command.BodyCase> CLAIM_KINDS = EnumSet.of(Command.BodyCase.CLAIM,
                Command.BodyCase.COMMIT);

        @Test
        void outcomeIsReturnedOnlyForRequestsOfTheAskedKinds() {
            List<CommandResult> results = applyLog(fsm, 1, lifecycle().entries());

            assertThat(fsm.outcome(new RequestId("claim-42"), CLAIM_KINDS)).contains(results.get(3));
            assertThat(fsm.outcome(new RequestId("claim-42-replay"), CLAIM_KINDS)).contains(results.get(7));
            assertThat(fsm.outcome(new RequestId("sync-42"), CLAIM_KINDS)).isEmpty();
            assertThat(fsm.outcome(new RequestId("sync-42"), EnumSet.of(Command.BodyCase.SYNC))).contains(results.get(0));
            assertThat(fsm.outcome(new RequestId("hold-2"), CLAIM_KINDS)).isEmpty();
            assertThat(fsm.outcome(new RequestId("hold-2"), EnumSet.of(Command.BodyCase.RESERVE)))
                    .contains(results.get(4));
            assertThat(fsm.outcome(new RequestId("settle-3"), EnumSet.allOf(Command.BodyCase.class)))
                    .contains(results.get(6));
            assertThat(fsm.outcome(new RequestId("never-sent"), EnumSet.allOf(Command.BodyCase.class))).isEmpty();
        }

        @Test
        void commitOutcomeIsFoundUnderTheReservationsCommitRequestId() {
            applyLog(fsm, 1, lifecycle().entries());
            CommandResult committed = applyOne(fsm, 9, Commands.commit(new ReservationId(5)), T0 + 5_000);

            assertThat(fsm.outcome(new ReservationId(5).commitRequestId(), CLAIM_KINDS)).contains(committed);
            assertThat(fsm.outcome(new ReservationId(5).releaseRequestId(), CLAIM_KINDS)).isEmpty();
            assertThat(Results.claimResult(fsm.outcome(new ReservationId(5).commitRequestId(), CLAIM_KINDS)
                    .orElseThrow())).isInstanceOf(Accepted.class);
        }

        @Test
        void outcomeIsGoneOnceEvictedFromTheWindow() {
            applyLog(fsm, 1, lifecycle().entries());
            RequestId id = new RequestId("claim-42");

            applyOne(fsm, 9, Commands.sync(chain(ChannelId.of(50), 0, 1, GROUP), new RequestId("much-later")),
                    T0 + 4_000 + 600_001);

            assertThat(fsm.outcome(id, CLAIM_KINDS)).isEmpty();
            assertThat(fsm.outcome(new RequestId("much-later"), EnumSet.of(Command.BodyCase.SYNC))).isPresent();
        }

        @Test
        void invalidEntriesRecordNoOutcome() {
            applyLog(fsm, 1, lifecycle().entries());

            applyOne(fsm, 9, Commands.reserve(claimOn(HELD, "bad-lease", 0, 10, 10), 0), T0 + 5_000);

            assertThat(fsm.outcome(new RequestId("bad-lease"), EnumSet.allOf(Command.BodyCase.class))).isEmpty();
        }
    }
}
