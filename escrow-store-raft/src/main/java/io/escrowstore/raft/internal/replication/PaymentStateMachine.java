package io.escrowstore.raft.internal.replication;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Iterator;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.core.StateMachineAdapter;
import com.alipay.sofa.jraft.entity.LeaderChangeContext;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.entity.RaftOutter.SnapshotMeta;
import com.alipay.sofa.jraft.error.RaftError;
import com.alipay.sofa.jraft.error.RaftException;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotReader;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotWriter;
import com.google.protobuf.InvalidProtocolBufferException;
import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.Member;
import io.escrowstore.RequestId;
import io.escrowstore.Settlement;
import io.escrowstore.raft.proto.EscrowProto.Command;
import io.escrowstore.raft.proto.EscrowProto.CommandResult;
import io.escrowstore.raft.proto.EscrowProto.DedupMsg;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.escrowstore.raft.StateDigest;
import io.escrowstore.raft.internal.ledger.ChannelLedger;
import io.escrowstore.raft.internal.ledger.ChannelView;
import io.escrowstore.raft.internal.ledger.CommandApplier;
import io.escrowstore.raft.internal.ledger.Commands;
import io.escrowstore.raft.internal.ledger.DedupTable;
import io.escrowstore.raft.internal.ledger.Digests;
import io.escrowstore.raft.internal.ledger.Results;
import io.escrowstore.raft.internal.support.RateLimitedLog;
import io.escrowstore.raft.internal.support.StoreStats;

/**
 * The Raft state machine: applies committed commands to the {@link ChannelLedger} in log order,
 * hands each result to the closure of the proposing call (if this node proposed it), and saves and
 * loads snapshots. Runs on jraft's single FSM thread; never throws out of a callback.
 */
public final class PaymentStateMachine extends StateMachineAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(PaymentStateMachine.class);

    private final ChannelLedger ledger;
    private final DedupTable dedup = new DedupTable();
    private final CommandApplier applier;
    private final Executor snapshotWriter;
    private final String name;
    /**
     * Makes (ledger, dedup table, appliedIndex) consistent for every reader but one of a single
     * channel, which takes no lock (the ledger swaps a loaded snapshot in with one write).
     */
    private final ReadWriteLock applyLock = new ReentrantReadWriteLock();
    private final AtomicLong invalidEntries = new AtomicLong();
    private final RateLimitedLog invalidWarnings = new RateLimitedLog(LOG, 10, TimeUnit.SECONDS);
    private volatile long appliedIndex;
    private volatile long leaderTerm = -1;
    private final AppliedIndexWaiters appliedWaiters = new AppliedIndexWaiters();
    private volatile Runnable whenLeading = () -> { };
    private volatile LongConsumer appliedLogTime = logTime -> { };
    private volatile Consumer<RaftException> whenFailed = this::logFailure;
    private volatile long knownTerm;
    private final MembershipView membership;
    private final SnapshotPolicy snapshotPolicy;
    private final StoreStats stats;
    private volatile boolean failed;
    private volatile String snapshotLoadFailure;

    /** @param initialMembers the group's members until the node knows its configuration */
    public PaymentStateMachine(ChannelLedger ledger, Executor snapshotWriter, String name, List<Member> initialMembers) {
        this(ledger, snapshotWriter, name, new MembershipView(initialMembers), new StoreStats(),
                new SnapshotPolicy(0, Runnable::run, new StoreStats(), name));
    }

    public PaymentStateMachine(ChannelLedger ledger, Executor snapshotWriter, String name, MembershipView membership,
            StoreStats stats, SnapshotPolicy snapshotPolicy) {
        this(ledger, snapshotWriter, name, membership, stats, snapshotPolicy, false, false);
    }

    /**
     * @param unsafeSkipDedup TEST ONLY, breaks safety; see {@link io.escrowstore.raft.internal.testing.UnsafeSwitches#skipRequestDedup()}
     * @param unsafeEngineFloor TEST ONLY, breaks safety; see {@link io.escrowstore.raft.internal.testing.UnsafeSwitches#engineFloor()}
     */
    public PaymentStateMachine(ChannelLedger ledger, Executor snapshotWriter, String name, MembershipView membership,
            StoreStats stats, SnapshotPolicy snapshotPolicy, boolean unsafeSkipDedup, boolean unsafeEngineFloor) {
        this.membership = membership;
        this.ledger = ledger;
        this.applier = new CommandApplier(ledger, dedup, unsafeSkipDedup, unsafeEngineFloor, this::malformed);
        this.snapshotWriter = snapshotWriter;
        this.name = name;
        this.stats = stats;
        this.snapshotPolicy = snapshotPolicy;
    }

    @Override
    public void onApply(Iterator iterator) {
        applyLock.writeLock().lock();
        try {
            while (iterator.hasNext()) {
                long index = iterator.getIndex();
                Applied applied;
                try {
                    applied = apply(iterator.getData(), index);
                } catch (RuntimeException | Error e) {
                    LOG.error("{}: applying entry {} failed unexpectedly; stopping this node rather than diverge",
                            name, index, e);
                    iterator.setErrorAndRollback(1, new Status(RaftError.ESTATEMACHINE, "apply failed: %s", e));
                    return;
                }
                appliedIndex = index;
                Closure done = iterator.done();
                if (done instanceof CommandClosure closure) {
                    if (applied.malformed() != null) {
                        closure.completeAll(applied.malformed());
                    } else {
                        closure.complete(applied.results());
                    }
                } else if (done != null) {
                    done.run(Status.OK());
                }
                iterator.next();
            }
        } finally {
            applyLock.writeLock().unlock();
        }
        appliedLogTime.accept(ledger.logTimeMillis());
        snapshotPolicy.applied(appliedIndex);
        appliedWaiters.applied(appliedIndex);
    }

    /**
     * Applies one entry: a result per command, or, if the entry itself cannot be decoded, a no-op.
     * Only decoding may answer "invalid": once a command ran, its effects stay, so an exception
     * from applying propagates and stops the node rather than deny effects that happened.
     */
    private Applied apply(ByteBuffer data, long index) {
        Commands.Entry entry;
        try {
            entry = Commands.decodeEntry(data);
        } catch (IllegalArgumentException e) {
            malformed(index, e.getMessage());
            return new Applied(List.of(), Results.invalid(e.getMessage()));
        }
        return new Applied(applier.apply(entry, index), null);
    }

    /**
     * What one entry gave: {@code results}, one per command in entry order; or, for an entry that
     * could not be decoded, {@code malformed}, the answer to every command proposed in it.
     */
    private record Applied(List<CommandResult> results, CommandResult malformed) {
    }

    private void malformed(long index, String why) {
        long count = invalidEntries.incrementAndGet();
        invalidWarnings.warn("invalid-entry", "{}: entry {} holds an invalid command, applied as a no-op ({} so far): {}",
                name, index, count, why);
    }

    @Override
    public void onSnapshotSave(SnapshotWriter writer, Closure done) {
        long captured = System.nanoTime();
        // jraft's snapshot meta counts configuration entries (one per new leader term) that never reach
        // onApply, so it can be ahead of appliedIndex; record the meta's index, which onSnapshotLoad checks.
        SnapshotMeta meta = writer.getCurrentMeta();
        long lastIncludedIndex = meta != null ? Math.max(meta.getLastIncludedIndex(), appliedIndex) : appliedIndex;
        SnapshotFile.Content content;
        // captured on the FSM thread, which also applies entries and loads snapshots: nothing
        // changes meanwhile
        try {
            content = new SnapshotFile.Content(lastIncludedIndex, ledger.logTimeMillis(), ledger.copy(),
                    ledger.reservations(), ledger.settlements(), dedup.copy(), dedup.evictedThrough());
        } catch (RuntimeException | Error e) {
            // jraft waits for done forever (every later snapshot is refused as busy): always answer it
            LOG.error("{}: capturing the state for a snapshot at index {} failed", name, lastIncludedIndex, e);
            done.run(new Status(RaftError.EIO, "snapshot capture failed: %s", e));
            return;
        }
        Runnable write = () -> {
            long started = System.nanoTime();
            try {
                SnapshotFile.write(Path.of(writer.getPath(), SnapshotFile.NAME), content);
                if (!writer.addFile(SnapshotFile.NAME)) {
                    done.run(new Status(RaftError.EIO, "could not register snapshot file"));
                    return;
                }
                LOG.info("{}: snapshot at index {} with {} channels written in {} ms", name,
                        content.lastIncludedIndex(), content.channels().size(), (System.nanoTime() - started) / 1_000_000);
                stats.snapshotSaved(System.nanoTime() - captured);
                snapshotPolicy.snapshotAt(content.lastIncludedIndex());
                done.run(Status.OK());
            } catch (IOException | RuntimeException | Error e) {
                LOG.error("{}: writing snapshot at index {} failed", name, content.lastIncludedIndex(), e);
                done.run(new Status(RaftError.EIO, "snapshot write failed: %s", e));
            }
        };
        try {
            snapshotWriter.execute(write);
        } catch (RejectedExecutionException e) {
            done.run(new Status(RaftError.ESHUTDOWN, "node is shutting down; snapshot not written"));
        }
    }

    @Override
    public boolean onSnapshotLoad(SnapshotReader reader) {
        if (isLeader()) {
            LOG.error("{}: refusing to load a snapshot while leader", name);
            return false;
        }
        Path file = Path.of(reader.getPath(), SnapshotFile.NAME);
        if (reader.getFileMeta(SnapshotFile.NAME) == null) {
            return refuseSnapshot(file + " is missing from the snapshot in " + reader.getPath()
                    + "; refusing to start from an incomplete snapshot", null);
        }
        long metaIndex = reader.load().getLastIncludedIndex();
        long started = System.nanoTime();
        try {
            SnapshotFile.Content content = SnapshotFile.read(file);
            if (content.lastIncludedIndex() != metaIndex) {
                return refuseSnapshot("snapshot " + file + " says index " + content.lastIncludedIndex()
                        + " but its Raft metadata says " + metaIndex, null);
            }
            // built aside while readers still see the old state; swapped in under the lock below
            ChannelLedger.Prepared loaded = ledger.prepare(content.channels(), content.reservations(),
                    content.settlements(), content.logTimeMillis());
            applyLock.writeLock().lock();
            try {
                ledger.install(loaded);
                dedup.replaceAll(content.dedup(), content.dedupEvictedThrough());
                appliedIndex = metaIndex;
            } finally {
                applyLock.writeLock().unlock();
            }
            appliedLogTime.accept(content.logTimeMillis());
            LOG.info("{}: loaded snapshot at index {} with {} channels", name, metaIndex, content.channels().size());
            stats.snapshotLoaded(System.nanoTime() - started);
            snapshotPolicy.snapshotAt(metaIndex);
            appliedWaiters.applied(metaIndex);
            snapshotLoadFailure = null;
            return true;
        } catch (IOException | RuntimeException e) {
            return refuseSnapshot(e.getMessage(), e);
        }
    }

    /**
     * Refuses a snapshot: jraft then stops the node (at start: it does not start), rather than run
     * with an empty or partial state. The reason names the file, for the error the caller gets.
     */
    private boolean refuseSnapshot(String reason, Exception cause) {
        snapshotLoadFailure = reason;
        LOG.error("{}: cannot load snapshot, this node refuses to run from it: {}", name, reason, cause);
        return false;
    }

    @Override
    public void onLeaderStart(long term) {
        knownTerm = term;
        leaderTerm = term;
        stats.leaderChanged();
        LOG.info("{}: leading term {}", name, term);
        whenLeading.run();
    }

    /**
     * Runs {@code action} on the FSM thread each time this node starts leading, once it has applied
     * every earlier term's entries; the action must only hand work off.
     */
    public void whenLeading(Runnable action) {
        whenLeading = action;
    }

    /** Tells {@code observer} the log time on the FSM thread after each applied batch and loaded snapshot. */
    public void whenApplied(LongConsumer observer) {
        appliedLogTime = observer;
    }

    @Override
    public void onLeaderStop(Status status) {
        leaderTerm = -1;
        LOG.info("{}: stopped leading: {}", name, status);
    }

    @Override
    public void onStartFollowing(LeaderChangeContext ctx) {
        knownTerm = Math.max(knownTerm, ctx.getTerm());
        stats.leaderChanged();
        LOG.info("{}: following {} in term {}", name, ctx.getLeaderId(), ctx.getTerm());
    }

    @Override
    public void onConfigurationCommitted(Configuration conf) {
        membership.committed(conf);
        LOG.info("{}: committed configuration {}", name, conf);
    }

    @Override
    public void onError(RaftException e) {
        failed = true;
        whenFailed.accept(e);
    }

    /**
     * Replaces what happens when jraft reports an error, once per node (by default: an ERROR log);
     * runs on the FSM thread and must only record or hand work off.
     */
    public void whenFailed(Consumer<RaftException> action) {
        whenFailed = action;
    }

    private void logFailure(RaftException e) {
        LOG.error("{}: the Raft node failed and stopped serving: {}", name, e.getStatus(), e);
    }

    /** The term this node leads, or -1; set only once the node has applied all earlier terms' entries. */
    public long leaderTerm() {
        return leaderTerm;
    }

    public boolean isLeader() {
        return leaderTerm > 0;
    }

    public long knownTerm() {
        return knownTerm;
    }

    public long appliedIndex() {
        return appliedIndex;
    }

    /**
     * Actions waiting for this node to apply a log index; they run on the FSM thread, so they must
     * only hand work off.
     */
    public AppliedIndexWaiters appliedIndexWaiters() {
        return appliedWaiters;
    }

    public List<Member> members() {
        return membership.members();
    }

    public MembershipView membership() {
        return membership;
    }

    /** Why the last snapshot was refused (naming its file), or null. */
    public String snapshotLoadFailure() {
        return snapshotLoadFailure;
    }

    public long lastSnapshotIndex() {
        return snapshotPolicy.lastSnapshotIndex();
    }

    public int channelCount() {
        return ledger.size();
    }

    /** Live and expired-but-remembered reservations, and pending settlements, at the current log time. */
    public long[] reservationAndSettlementCounts() {
        return underReadLock(() -> new long[] {ledger.liveReservations(), ledger.expiredReservations(),
            ledger.pendingSettlements()});
    }

    boolean failed() {
        return failed;
    }

    public long invalidEntries() {
        return invalidEntries.get();
    }

    public Optional<ChannelState> channel(ChannelId channelId) {
        return ledger.get(channelId);
    }

    public StateDigest digest() {
        return underReadLock(() -> {
            MessageDigest sha = Digests.sha256();
            ledger.digestInto(sha);
            dedup.digestInto(sha);
            return new StateDigest(appliedIndex, ledger.size(), sha.digest());
        });
    }

    public List<ChannelState> unclaimed() {
        return underReadLock(ledger::unclaimed);
    }

    public List<Settlement> settlements() {
        return underReadLock(ledger::settlements);
    }

    /** A page of channels ordered by id after {@code after}: see {@link ChannelLedger#page}. */
    public List<ChannelState> channelPage(Optional<ChannelId> after, int limit) {
        return underReadLock(() -> ledger.page(after, limit));
    }

    /** {@code channelId} with its live reservation and pending settlement, read at one applied index. */
    public Optional<ChannelView> channelView(ChannelId channelId) {
        return underReadLock(() -> ledger.get(channelId).map(state -> new ChannelView(state,
                ledger.liveReservation(channelId), ledger.settlement(channelId))));
    }

    /** The recorded outcome of {@code requestId} as a request of one of {@code kinds}, if any. */
    public Optional<CommandResult> outcome(RequestId requestId, Set<Command.BodyCase> kinds) {
        Optional<DedupMsg> recorded = underReadLock(() -> kinds.stream()
                .map(kind -> dedup.find(kind.getNumber(), requestId))
                .flatMap(Optional::stream)
                .findFirst());
        return recorded.map(r -> {
            try {
                return CommandResult.parseFrom(r.getResult());
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("recorded outcome of " + requestId + " is unreadable", e);
            }
        });
    }

    private <T> T underReadLock(Supplier<T> read) {
        applyLock.readLock().lock();
        try {
            return read.get();
        } finally {
            applyLock.readLock().unlock();
        }
    }
}
