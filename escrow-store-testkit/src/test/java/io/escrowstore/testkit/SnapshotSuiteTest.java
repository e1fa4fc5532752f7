package io.escrowstore.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RELIABILITY suite 6: a follower cut off until every other node compacted its log past it, so it
 * must install a snapshot; frequent automatic snapshots with crashes; full-cluster restarts from
 * snapshot + log.
 */
class SnapshotSuiteTest {
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
