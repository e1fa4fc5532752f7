package io.escrowstore.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.escrowstore.ChannelId;
import io.escrowstore.EscrowStoreException;
import io.escrowstore.Synced;
import io.escrowstore.raft.RaftPaymentStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RELIABILITY suite 6: a follower cut off until every other node compacted its log past it, so it
 * must install a snapshot; frequent automatic snapshots with crashes; full-cluster restarts from
 * snapshot + log.
 */
class SnapshotSuiteTest {
    private static final long BULK_FIRST_ID = 1_000_000;
    private static final int BULK_CHANNELS = 50_000;
    private static final int BULK_WINDOW = 512;
    private static final long BULK_DEPOSIT = 1_000;

    @RegisterExtension
    final FaultSuiteExtension suite = new FaultSuiteExtension("6 snapshots");

    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = {3, 5})
    void followerBehindACompactedLogCatchesUpByInstallingASnapshot(int nodes) {
        SuiteRun run = suite.start(nodes, 6_000 + nodes);
        run.awaitAccepted(50);
        int follower = run.cluster.follower();
        run.network().isolate(follower);
        run.awaitAccepted(60);
        long behind = run.cluster.node(follower).status().lastAppliedIndex();
        // jraft keeps the log back to the previous snapshot, so two snapshots compact past the follower
        for (int round = 0; round < 2; round++) {
            for (int node : run.cluster.running()) {
                if (node != follower) {
                    run.snapshot(node);
                }
            }
            run.awaitAccepted(40);
        }
        assertThat(snapshotIndex(run, follower)).as("the cut-off follower took no snapshot itself").isZero();
        run.network().heal();
        Await.until(Duration.ofSeconds(30), () -> "node " + follower + " to install a snapshot past index " + behind,
                () -> snapshotIndex(run, follower) > behind);
        run.awaitAccepted(30);

        for (int node = 0; node < nodes; node++) {
            run.stop(node);
        }
        run.cluster.restartAll();
        run.awaitAccepted(50);
    }

    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = {3, 5})
    void frequentSnapshotsWithCrashesAndAFullRestartKeepEveryAcknowledgedClaim(int nodes) {
        SuiteRun run = suite.start(nodes, 6_100 + nodes, builder -> builder.snapshotInterval(Duration.ofSeconds(1)));
        run.awaitAccepted(50);
        Await.until(Duration.ofSeconds(30), () -> "an automatic snapshot on every node",
                () -> run.cluster.running().stream().allMatch(node -> snapshotIndex(run, node) > 0));
        int follower = run.cluster.follower();
        run.crash(follower);
        run.awaitAccepted(50);
        run.cluster.restart(follower);
        int leader = run.cluster.awaitLeader();
        run.crash(leader);
        run.awaitAccepted(50);
        run.cluster.restart(leader);
        run.awaitAccepted(30);
        for (int node = 0; node < nodes; node++) {
            run.crash(node);
        }
        run.cluster.restartAll();
        run.awaitAccepted(50);
    }

    /**
     * A follower that held a large state is cut off until the others compacted past it, then
     * installs their snapshot over slow links while it is read without pause: linearizable reads
     * (checked with the rest of the history) and LOCAL reads, none of which may find missing a
     * channel the follower held all along.
     */
    @Test
    void followerInstallingALargeSnapshotOverSlowLinksAnswersEveryReadFromAWholeState() throws Exception {
        SuiteRun run = suite.start(3, 6_203);
        openBulkChannels(run.cluster, BULK_FIRST_ID, BULK_CHANNELS);
        List<ChannelId> readChannels = new ArrayList<>();
        LongStream.rangeClosed(1, 16).forEach(id -> readChannels.add(ChannelId.of(id)));
        for (long id = BULK_FIRST_ID; id < BULK_FIRST_ID + BULK_CHANNELS; id += BULK_CHANNELS / 32) {
            readChannels.add(recordOpened(run, id));
        }
        int follower = run.cluster.follower();
        int leader = run.cluster.awaitLeader();
        long caughtUp = run.cluster.node(leader).status().lastAppliedIndex();
        Await.until(Duration.ofSeconds(30), () -> "node " + follower + " to apply index " + caughtUp,
                () -> run.cluster.node(follower).status().lastAppliedIndex() >= caughtUp);
        FollowerReads reads = run.attach(FollowerReads.start(run.cluster, run.history, follower, readChannels,
                run.seed));
        run.awaitAccepted(20);

        run.network().isolate(follower);
        run.awaitAccepted(60);
        long behind = run.cluster.node(follower).status().lastAppliedIndex();
        for (int round = 0; round < 2; round++) {
            for (int node : run.cluster.running()) {
                if (node != follower) {
                    run.snapshot(node);
                }
            }
            run.awaitAccepted(40);
        }
        assertThat(snapshotIndex(run, follower)).as("the cut-off follower took no snapshot itself").isZero();
        run.network().heal();
        run.network().slowLinks(Duration.ofMillis(20), Duration.ofMillis(10));
        long answeredBeforeInstall = reads.linearizableAnswered();
        Await.until(Duration.ofSeconds(60), () -> "node " + follower + " to install a snapshot past index " + behind,
                () -> snapshotIndex(run, follower) > behind);
        Await.until(SuiteRun.PROGRESS_TIMEOUT, () -> "20 more linearizable reads answered by node " + follower,
                () -> reads.linearizableAnswered() >= answeredBeforeInstall + 20);
        run.awaitAccepted(30);

        assertThat(run.cluster.node(follower).status().lastAppliedIndex()).isGreaterThan(behind);
        assertThat(reads.localMissing()).as("LOCAL reads on node %d that found a channel missing, e.g. %s", follower,
                reads.missingExamples()).isZero();
        System.out.printf("snapshot install under reads: %d channels, %d linearizable reads (%d answered), "
                + "%d LOCAL reads, 1 install on node %d%n", BULK_CHANNELS + 16, reads.linearizableReads(),
                reads.linearizableAnswered(), reads.localReads(), follower);
    }

    /**
     * Records the state of already opened channel {@code id} as the run's initial one; retried
     * (a sync of the same chain view changes nothing) while a loaded machine has no leader.
     */
    private static ChannelId recordOpened(SuiteRun run, long id) {
        long deadline = System.nanoTime() + SuiteRun.PROGRESS_TIMEOUT.toNanos();
        while (true) {
            try {
                return run.openChannel(id);
            } catch (EscrowStoreException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("channel " + id + " could not be read back", e);
                }
            }
        }
    }

    /** Opens channels {@code first .. first + count - 1}, many at once, retrying failed ones. */
    private static void openBulkChannels(EscrowCluster cluster, long first, int count) {
        List<Long> pending = LongStream.range(first, first + count).boxed().toList();
        long deadline = System.nanoTime() + SuiteRun.PROGRESS_TIMEOUT.toNanos();
        while (!pending.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(pending.size() + " channels still not opened");
            }
            RaftPaymentStore store = cluster.node(cluster.awaitLeader());
            Semaphore window = new Semaphore(BULK_WINDOW);
            List<Long> failed = Collections.synchronizedList(new ArrayList<>());
            for (long id : pending) {
                window.acquireUninterruptibly();
                store.syncFromChainAsync(TestChannels.opened(cluster.groupId(), id, BULK_DEPOSIT))
                        .whenComplete((synced, error) -> {
                            if (error != null || !(synced instanceof Synced)) {
                                failed.add(id);
                            }
                            window.release();
                        });
            }
            window.acquireUninterruptibly(BULK_WINDOW);
            pending = List.copyOf(failed);
        }
    }

    /** The index of node {@code i}'s newest snapshot on disk, 0 if none. */
    private static long snapshotIndex(SuiteRun run, int i) {
        Path dir = run.cluster.config(i).dataDir().resolve("snapshot");
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).filter(name -> name.matches("snapshot_\\d+"))
                    .mapToLong(name -> Long.parseLong(name.substring("snapshot_".length()))).max().orElse(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
