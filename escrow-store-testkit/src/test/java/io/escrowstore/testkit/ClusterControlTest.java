package io.escrowstore.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.escrowstore.Member;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster's own controls: where its data lives, what a crash does to the links, who leads. */
class ClusterControlTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void nodeSettingsApplyAfterTheTestkitDefaultsAndEachOtherInTheOrderGiven() {
        try (EscrowCluster cluster = EscrowCluster.builder().nodes(2).dataRoot(dir)
                .requestTimeout(Duration.ofSeconds(2))
                .nodeSettings(b -> b.maxInFlight(100).requestTimeout(Duration.ofSeconds(3)))
                .nodeSettings(b -> b.maxInFlight(200))
                .build()) {
            for (int i = 0; i < 2; i++) {
                assertThat(cluster.config(i).electionTimeout()).as("testkit default").isEqualTo(Duration.ofMillis(300));
                assertThat(cluster.config(i).snapshotInterval()).as("testkit default").isZero();
                assertThat(cluster.config(i).requestTimeout()).as("the later setting").isEqualTo(Duration.ofSeconds(3));
                assertThat(cluster.config(i).maxInFlight()).as("the later setting").isEqualTo(200);
            }
        }
    }

    @Test
    void dataRootHoldsTheNodesDataAndCloseDeletesOnlyTheClustersDirectory() throws IOException {
        Path root = dir.resolve("clusters");
        Path nodeData;
        try (EscrowCluster cluster = EscrowCluster.builder().nodes(1).dataRoot(root).start()) {
            cluster.awaitLeader();
            nodeData = cluster.config(0).dataDir();

            assertThat(nodeData).startsWith(root);
            assertThat(nodeData.resolve("log")).isDirectory();
        }

        assertThat(nodeData).doesNotExist();
        assertThat(root).isDirectory();
        try (Stream<Path> left = Files.list(root)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void crashOfAnIsolatedNodeRestartsItStillIsolated() {
        try (EscrowCluster cluster = EscrowCluster.builder().start()) {
            int follower = cluster.follower();
            cluster.network().isolate(follower);
            String isolated = cluster.network().describe();

            cluster.crash(follower);
            cluster.restart(follower);

            assertThat(cluster.network().describe()).isEqualTo(isolated).contains(follower + "→");
            cluster.network().rejoin(follower);
            assertThat(cluster.network().healthy()).isTrue();
            cluster.awaitConvergence();
        }
    }

    @Test
    void crashOfAHealthyNodeLeavesItsLinksHealthy() {
        try (EscrowCluster cluster = EscrowCluster.builder().start()) {
            int follower = cluster.follower();

            cluster.crash(follower);

            assertThat(cluster.network().healthy()).isTrue();
        }
    }

    @Test
    void leaderIsTheNodeTheMajorityFollowsNotAnIsolatedOldLeader() {
        // node 0 waits 10 s before it gives up leading alone; the others elect within about 0.6 s
        AtomicInteger opened = new AtomicInteger();
        try (EscrowCluster cluster = EscrowCluster.builder()
                .nodeSettings(b -> {
                    if (opened.getAndIncrement() == 0) {
                        b.electionTimeout(Duration.ofSeconds(10));
                    }
                })
                .start()) {
            Member slowToStepDown = cluster.config(0).self();
            cluster.node(cluster.awaitLeader()).admin().transferLeadership(slowToStepDown);
            Await.until(WAIT, () -> "node 0 leads", () -> cluster.leader().orElse(-1) == 0);

            cluster.network().isolate(0);
            Await.until(WAIT, () -> "a majority behind another node", () -> cluster.leader().orElse(0) != 0);

            assertThat(cluster.node(0).status().isLeader()).as("the old leader still believes it leads").isTrue();
            assertThat(cluster.leader()).get().isNotEqualTo(0);
            cluster.network().heal();
        }
    }
}
