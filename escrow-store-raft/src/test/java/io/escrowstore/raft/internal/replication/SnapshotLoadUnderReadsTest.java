package io.escrowstore.raft.internal.replication;

import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.ADDR;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.GROUP;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.MEMBERS;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.sig;
import static org.assertj.core.api.Assertions.assertThat;

import com.alipay.sofa.jraft.entity.LocalFileMetaOutter.LocalFileMeta;
import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.RequestId;
import io.escrowstore.ReservationId;
import io.escrowstore.Settlement;
import io.escrowstore.raft.internal.replication.PaymentStateMachineTest.DirSnapshot;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import io.escrowstore.raft.internal.ledger.ChannelLedger;
import io.escrowstore.raft.internal.ledger.Reservation;

/**
 * Loads large snapshots into a state machine while other threads read it the ways the store does:
 * a {@code LOCAL} read of one channel, a linearizable read (wait for an applied index, then read),
 * and the locked reads of settlements, unclaimed channels and reservation counts. Every generation
 * of the state holds every channel, so a read that finds a channel missing, or answers from two
 * generations at once, saw a half-loaded state.
 */
class SnapshotLoadUnderReadsTest {
    private static final int CHANNELS = 200_000;
    private static final int LOADS = 4;
    /** Every this many channels has an authorized amount, so unclaimed() is a small list. */
    private static final int UNCLAIMED_EVERY = 200;
    private static final int SETTLEMENTS = 1_000;
    private static final int RESERVATIONS = 100;
    private static final long LOG_TIME = 1_700_000_000_000L;
    private static final int MAX_REPORTED = 20;
    /** Spacing of the locked reads (each scans every channel), so they leave CPU to the loads. */
    private static final long LOCKED_READ_SPACING_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    @TempDir
    Path dir;

    private final ChannelLedger ledger = new ChannelLedger(GROUP);
    private final PaymentStateMachine fsm = new PaymentStateMachine(ledger, Runnable::run, "loading-node", MEMBERS);
    private final AtomicBoolean loading = new AtomicBoolean();
    private final AtomicBoolean done = new AtomicBoolean();
    private final LongAdder reads = new LongAdder();
    private final LongAdder readsDuringLoads = new LongAdder();
    private final Queue<String> violations = new ConcurrentLinkedQueue<>();

    @Test
    @Timeout(120)
    void readersSeeTheWholeOldOrTheWholeNewStateWhileLargeSnapshotsLoad() throws Exception {
        List<DirSnapshot> snapshots = new ArrayList<>();
        for (int generation = 1; generation <= LOADS + 1; generation++) {
            snapshots.add(write(generation));
        }
        assertThat(fsm.onSnapshotLoad(snapshots.get(0).reader(index(1)))).isTrue();

        List<Thread> readers = List.of(
                reader("local-channel-reader", this::localChannelRead),
                reader("linearizable-channel-reader", this::linearizableChannelRead),
                reader("locked-reader", this::lockedReads));
        readers.forEach(Thread::start);
        try {
            for (int generation = 2; generation <= LOADS + 1; generation++) {
                loading.set(true);
                boolean loaded = fsm.onSnapshotLoad(snapshots.get(generation - 1).reader(index(generation)));
                loading.set(false);
                assertThat(loaded).as("load of generation %d", generation).isTrue();
            }
        } finally {
            done.set(true);
            for (Thread reader : readers) {
                reader.join();
            }
        }

        assertThat(violations).as("torn reads (first %d of them)", MAX_REPORTED).isEmpty();
        assertThat(readsDuringLoads.sum()).as("reads made while a snapshot was loading").isPositive();
        assertThat(fsm.appliedIndex()).isEqualTo(index(LOADS + 1));
        assertThat(fsm.channelCount()).isEqualTo(CHANNELS);
    }

    /** A LOCAL read: the channel is there, of one generation, never older than this reader saw. */
    private void localChannelRead(long[] lastSeen) {
        ChannelId id = randomChannel();
        Optional<ChannelState> read = fsm.channel(id);
        if (read.isEmpty()) {
            violation("LOCAL read found " + id + " missing");
            return;
        }
        long revision = read.get().revision();
        if (revision < lastSeen[0]) {
            violation("LOCAL read of " + id + " went back from revision " + lastSeen[0] + " to " + revision);
        }
        checkGeneration(read.get());
        lastSeen[0] = revision;
    }

    /** A linearizable read: once index i is applied, the answer reflects a state at i or later. */
    private void linearizableChannelRead(long[] unused) {
        long applied = fsm.appliedIndex();
        ChannelId id = randomChannel();
        Optional<ChannelState> read = fsm.channel(id);
        if (read.isEmpty()) {
            violation("read after index " + applied + " found " + id + " missing");
            return;
        }
        if (read.get().revision() < applied) {
            violation("read after index " + applied + " answered " + id + " at revision " + read.get().revision());
        }
        checkGeneration(read.get());
    }

    /** Reads of many channels: every part of one generation, at or after the applied index. */
    private void lockedReads(long[] unused) {
        long applied = fsm.appliedIndex();
        List<Settlement> settlements = fsm.settlements();
        long generation = settlements.isEmpty() ? -1 : settlements.get(0).amount().longValueExact();
        if (settlements.size() != SETTLEMENTS + generation
                || settlements.stream().anyMatch(s -> s.amount().longValueExact() != generation)) {
            violation("settlements mix generations: " + settlements.size() + " starting with generation " + generation);
        } else if (index(generation) < applied) {
            violation("settlements after index " + applied + " are of generation " + generation);
        }
        long[] counts = fsm.reservationAndSettlementCounts();
        if (counts[0] - RESERVATIONS != counts[2] - SETTLEMENTS || counts[1] != 0) {
            violation("reservation and settlement counts mix generations: " + List.of(counts[0], counts[1], counts[2]));
        }
        List<ChannelState> unclaimed = fsm.unclaimed();
        if (unclaimed.size() != CHANNELS / UNCLAIMED_EVERY
                || unclaimed.stream().map(ChannelState::revision).distinct().count() != 1) {
            violation("unclaimed channels mix generations or miss some: " + unclaimed.size());
        }
        LockSupport.parkNanos(LOCKED_READ_SPACING_NANOS);
    }

    private void checkGeneration(ChannelState state) {
        long generation = state.revision() / 1_000;
        boolean authorized = (state.channelId().value().longValueExact() - 1) % UNCLAIMED_EVERY == 0;
        BigInteger expected = authorized ? BigInteger.valueOf(generation) : BigInteger.ZERO;
        if (!state.authorizedAmount().equals(expected)) {
            violation(state.channelId() + " at revision " + state.revision() + " has another generation's amount "
                    + state.authorizedAmount());
        }
    }

    private Thread reader(String name, Consumer<long[]> read) {
        Thread thread = new Thread(() -> {
            long[] lastSeen = {0};
            while (!done.get()) {
                boolean duringLoad = loading.get();
                read.accept(lastSeen);
                reads.increment();
                if (duringLoad && loading.get()) {
                    readsDuringLoads.increment();
                }
            }
        }, name);
        thread.setDaemon(true);
        return thread;
    }

    private void violation(String what) {
        if (violations.size() < MAX_REPORTED) {
            violations.add(what);
        }
    }

    private static ChannelId randomChannel() {
        return ChannelId.of(1 + ThreadLocalRandom.current().nextInt(CHANNELS));
    }

    private static long index(long generation) {
        return 1_000 * generation;
    }

    /**
     * Generation {@code g} at index {@code 1000 g}: every channel at that revision, every
     * {@value #UNCLAIMED_EVERY}th with {@code g} authorized; {@code 1000 + g} settlements of amount
     * {@code g}; {@code 100 + g} live reservations.
     */
    private DirSnapshot write(int generation) throws IOException {
        long index = index(generation);
        List<ChannelState> channels = new ArrayList<>(CHANNELS);
        for (int i = 0; i < CHANNELS; i++) {
            boolean authorized = i % UNCLAIMED_EVERY == 0;
            channels.add(new ChannelState(ChannelId.of(i + 1), BigInteger.ZERO, ADDR, ADDR, ADDR, GROUP,
                    BigInteger.valueOf(1_000_000), BigInteger.valueOf(1_000),
                    authorized ? BigInteger.valueOf(generation) : BigInteger.ZERO,
                    authorized ? Optional.of(sig(generation)) : Optional.empty(), index));
        }
        List<Settlement> settlements = new ArrayList<>();
        for (int i = 0; i < SETTLEMENTS + generation; i++) {
            settlements.add(new Settlement(ChannelId.of(i + 1), BigInteger.ZERO, BigInteger.valueOf(generation),
                    sig(generation)));
        }
        List<Reservation> reservations = new ArrayList<>();
        for (int i = 0; i < RESERVATIONS + generation; i++) {
            reservations.add(new Reservation(new ReservationId(i + 1), ChannelId.of(CHANNELS - i),
                    new RequestId("hold-" + i), BigInteger.ZERO, BigInteger.TEN, sig(10), BigInteger.TEN,
                    LOG_TIME + 3_600_000, 3_600_000));
        }
        Path path = Files.createDirectories(dir.resolve("generation-" + generation));
        SnapshotFile.write(path.resolve(SnapshotFile.NAME),
                new SnapshotFile.Content(index, LOG_TIME, channels, reservations, settlements, List.of()));
        DirSnapshot snapshot = new DirSnapshot(path);
        snapshot.files.put(SnapshotFile.NAME, LocalFileMeta.getDefaultInstance());
        return snapshot;
    }
}
