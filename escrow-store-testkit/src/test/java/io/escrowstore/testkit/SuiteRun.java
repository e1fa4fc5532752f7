package io.escrowstore.testkit;

import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.SyncResult;
import io.escrowstore.Synced;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.LongStream;

/**
 * One fault-suite run: a cluster, 16 open channels, double-spend traffic with reads from 8
 * simulated clients recorded in a history, and the faults the test injects. Waits are bounded
 * polls on the load's progress, never sleeps.
 */
final class SuiteRun implements AutoCloseable {
    static final long PRICE = 10;
    static final Duration PROGRESS_TIMEOUT = Duration.ofSeconds(60);
    private static final long DEPOSIT = 1_000_000_000L;
    private static final int CHANNELS = 16;

    final String suite;
    final int nodes;
    final long seed;
    final Random random;
    final EscrowCluster cluster;
    final History history = new History();
    private final Map<ChannelId, ChannelState> initial = new HashMap<>();
    private final DoubleSpendLoad load;
    private final AtomicLong nodeFaults = new AtomicLong();
    private final long startedNanos = System.nanoTime();
    private final List<AutoCloseable> extraLoads = new ArrayList<>();
    private final List<AutoCloseable> closedAfterCluster = new ArrayList<>();

    SuiteRun(String suite, int nodes, long seed, UnaryOperator<EscrowCluster.Builder> settings) {
        this.suite = suite;
        this.nodes = nodes;
        this.seed = seed;
        this.random = new Random(seed);
        this.cluster = settings.apply(EscrowCluster.builder().nodes(nodes).seed(seed)
                .requestTimeout(Duration.ofSeconds(2))).start();
        try {
            cluster.awaitLeader();
            List<Long> channels = LongStream.rangeClosed(1, CHANNELS).boxed().toList();
            for (long id : channels) {
                SyncResult opened = cluster.anyNode().syncFromChain(TestChannels.opened(cluster.groupId(), id, DEPOSIT));
                initial.put(ChannelId.of(id), ((Synced) opened).state());
            }
            this.load = DoubleSpendLoad.builder(cluster, history).channels(channels).clients(8).price(PRICE).seed(seed)
                    .readShare(0.25).start();
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    Network network() {
        return cluster.network();
    }

    /** Opens channel {@code id}, outside the load's channels, for a test's own recorded traffic. */
    ChannelId openChannel(long id) {
        SyncResult opened = cluster.anyNode().syncFromChain(TestChannels.opened(cluster.groupId(), id, DEPOSIT));
        ChannelId channel = ChannelId.of(id);
        initial.put(channel, ((Synced) opened).state());
        return channel;
    }

    /** The state channel {@code id} was opened with. */
    ChannelState initial(ChannelId id) {
        return initial.get(id);
    }

    /** Runs {@code extra} alongside the load; it is closed before verification, like the load. */
    <T extends AutoCloseable> T attach(T extra) {
        extraLoads.add(extra);
        return extra;
    }

    private void closeExtraLoads() {
        for (AutoCloseable extra : extraLoads) {
            try {
                extra.close();
            } catch (Exception e) {
                throw new IllegalStateException("could not stop " + extra, e);
            }
        }
    }

    /** Closes {@code resources} (e.g. the nodes' executors) once the cluster is closed. */
    void closeAfterCluster(List<? extends AutoCloseable> resources) {
        closedAfterCluster.addAll(resources);
    }

    /** Counts a fault injected outside the link table and the node operations (e.g. a stalled executor). */
    void countFault() {
        nodeFaults.incrementAndGet();
    }

    /** Crashes node {@code i} (links cut first, then stopped). */
    void crash(int i) {
        cluster.crash(i);
        nodeFaults.incrementAndGet();
    }

    /** Stops node {@code i} gracefully. */
    void stop(int i) {
        cluster.stop(i);
        nodeFaults.incrementAndGet();
    }

    /** Makes node {@code i}'s disk fail as {@code fault} says; counted as one fault. */
    void failDisk(int i, Consumer<DiskFaults> fault) {
        fault.accept(cluster.disk(i));
        nodeFaults.incrementAndGet();
    }

    /** Takes a snapshot on node {@code i} and waits for it, at most {@link #PROGRESS_TIMEOUT}. */
    void snapshot(int i) {
        try {
            cluster.node(i).snapshot().get(PROGRESS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while node " + i + " took a snapshot", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("node " + i + " took no snapshot within " + PROGRESS_TIMEOUT.toSeconds() + " s", e);
        }
    }

    /** Fault injections so far: link faults, node crashes and stops, and those counted by {@link #countFault()}. */
    long faults() {
        return network().faultsInjected() + nodeFaults.get();
    }

    /** Waits until {@code more} further claims were accepted. */
    void awaitAccepted(long more) {
        long target = load.accepted() + more;
        Await.until(PROGRESS_TIMEOUT, () -> target + " accepted claims (now " + load.accepted() + ", links "
                + network().describe() + ", running " + cluster.running() + ")", () -> load.accepted() >= target);
    }

    /** Waits until {@code more} further claims completed, with any outcome: a fault window measured in traffic. */
    void awaitCompletedClaims(long more) {
        long target = completedClaims() + more;
        Await.until(PROGRESS_TIMEOUT, () -> target + " completed claims (now " + completedClaims() + ")",
                () -> completedClaims() >= target);
    }

    private long completedClaims() {
        return load.accepted() + load.rejected() + load.indeterminate() + load.failed();
    }

    /** Operations on {@code node} invoked at or after {@code fromNanos} that completed by {@code toNanos}. */
    List<History.Operation> within(int node, long fromNanos, long toNanos) {
        List<History.Operation> ops = new ArrayList<>();
        for (History.Operation op : history.operations()) {
            if (op.node() == node && op.invokedNanos() >= fromNanos && op.completedNanos() <= toNanos) {
                ops.add(op);
            }
        }
        return ops;
    }

    /** Store calls that outlived their deadline (expected 0). */
    long overdueCalls() {
        return load.overdue();
    }

    /** Stops the load, heals, restarts, converges and runs both checkers. */
    SuiteTable.Row finish() {
        return finish(LinearizabilityChecker.forGroup(cluster.groupId()));
    }

    /** {@link #finish()} with {@code checker}, e.g. one with a smaller budget. */
    SuiteTable.Row finish(LinearizabilityChecker checker) {
        closeExtraLoads();
        load.close();
        Verification.Report report = Verification.afterHealing(cluster, history, initial, checker);
        Map<History.Outcome, Long> claims = history.outcomes(History.Kind.CLAIM);
        Map<History.Outcome, Long> reads = history.outcomes(History.Kind.READ);
        return new SuiteTable.Row(suite, nodes, seed, (System.nanoTime() - startedNanos) / 1_000_000, history.size(),
                claims.get(History.Outcome.ACCEPTED), claims.get(History.Outcome.REJECTED),
                claims.get(History.Outcome.INDETERMINATE), claims.get(History.Outcome.FAILED),
                reads.get(History.Outcome.READ), faults(), network().messagesLost(), network().messagesDelayed(),
                report);
    }

    @Override
    public void close() {
        try {
            closeExtraLoads();
            load.close();
        } finally {
            try {
                cluster.close();
            } finally {
                for (AutoCloseable resource : closedAfterCluster) {
                    try {
                        resource.close();
                    } catch (Exception e) {
                        throw new IllegalStateException("could not close " + resource, e);
                    }
                }
            }
        }
    }
}
