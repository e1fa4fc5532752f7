package io.escrowstore.testkit;

import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.ReadConsistency;
import io.escrowstore.raft.RaftPaymentStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Reads one node without pause, both ways the store offers, until closed: linearizable reads,
 * recorded in the history so the checkers judge them, and {@code LOCAL} reads, each of which must
 * find every given channel (the node held them all when the reads began, and channels are never
 * removed), whatever the node is doing meanwhile, installing a snapshot included.
 */
final class FollowerReads implements AutoCloseable {
    private static final int MAX_EXAMPLES = 10;
    /** Linearizable readers, one call at a time: a cut-off node fails them at the deadline. */
    private static final int LINEARIZABLE_READERS = 4;
    /** Spacing of LOCAL reads, so the loop leaves CPU to the nodes it reads. */
    private static final long LOCAL_READ_SPACING_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    private final EscrowCluster cluster;
    private final History history;
    private final int node;
    private final List<ChannelId> channels;
    private final List<Thread> threads = new ArrayList<>();
    private final LongAdder linearizableReads = new LongAdder();
    private final LongAdder linearizableAnswered = new LongAdder();
    private final LongAdder localReads = new LongAdder();
    private final LongAdder localMissing = new LongAdder();
    private final Queue<String> missingExamples = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;

    private FollowerReads(EscrowCluster cluster, History history, int node, List<ChannelId> channels) {
        this.cluster = cluster;
        this.history = history;
        this.node = node;
        this.channels = List.copyOf(channels);
    }

    /** Starts reading {@code channels} on {@code node}; every one must exist there already. */
    static FollowerReads start(EscrowCluster cluster, History history, int node, List<ChannelId> channels, long seed) {
        FollowerReads reads = new FollowerReads(cluster, history, node, channels);
        for (int i = 0; i < LINEARIZABLE_READERS; i++) {
            reads.spawn("linearizable-reads-" + node + "-" + i, reads::linearizableLoop, new Random(seed + i));
        }
        reads.spawn("local-reads-" + node, reads::localLoop, new Random(seed - 1));
        return reads;
    }

    private void spawn(String name, Consumer<Random> loop, Random random) {
        Thread thread = new Thread(() -> loop.accept(random), name);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    private void linearizableLoop(Random random) {
        RaftPaymentStore store = cluster.node(node);
        while (running) {
            ChannelId id = channels.get(random.nextInt(channels.size()));
            History.Invocation call = history.invokeRead(Thread.currentThread().getName(), node, id);
            linearizableReads.increment();
            // every call ends by its request deadline, so waiting for it cannot hang
            store.channelAsync(id, ReadConsistency.LINEARIZABLE).handle((state, error) -> {
                if (error != null) {
                    call.failed(error);
                } else {
                    call.read(state);
                    linearizableAnswered.increment();
                }
                return null;
            }).join();
        }
    }

    private void localLoop(Random random) {
        RaftPaymentStore store = cluster.node(node);
        while (running) {
            ChannelId id = channels.get(random.nextInt(channels.size()));
            Optional<ChannelState> state = store.channel(id, ReadConsistency.LOCAL);
            localReads.increment();
            if (state.isEmpty()) {
                localMissing.increment();
                if (missingExamples.size() < MAX_EXAMPLES) {
                    missingExamples.add(id + " after " + localReads.sum() + " local reads");
                }
            }
            LockSupport.parkNanos(LOCAL_READ_SPACING_NANOS);
        }
    }

    long linearizableReads() {
        return linearizableReads.sum();
    }

    /** Linearizable reads that got an answer (others failed, e.g. while the node was cut off). */
    long linearizableAnswered() {
        return linearizableAnswered.sum();
    }

    long localReads() {
        return localReads.sum();
    }

    /** LOCAL reads that found a channel missing (expected: none). */
    long localMissing() {
        return localMissing.sum();
    }

    /** The first few LOCAL reads that found a channel missing. */
    List<String> missingExamples() {
        return List.copyOf(missingExamples);
    }

    /** Stops reading and waits for the call in flight to end. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.join();
        }
    }
}
