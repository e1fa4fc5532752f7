package io.escrowstore.testkit;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RELIABILITY suite 2: random halves, one-way cuts, and on 5 nodes the majority ring and the bridge. */
class PartitionSuiteTest {
    @RegisterExtension
    final FaultSuiteExtension suite = new FaultSuiteExtension("2 partitions");

    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = {3, 5})
    void randomHalvesAndOneWayCutsLoseNothingAndAcceptNothingTwice(int nodes) {
        SuiteRun run = suite.start(nodes, 2_000 + nodes);
        run.awaitAccepted(50);
        for (int round = 0; round < 2; round++) {
            Set<Integer> minority = run.network().splitHalves(run.random);
            run.awaitAccepted(60);
            Await.until(SuiteRun.PROGRESS_TIMEOUT, () -> "a leader outside the minority " + minority,
                    () -> run.cluster.running().stream().anyMatch(node -> !minority.contains(node)
                            && run.cluster.node(node).status().isLeader()));
            run.network().heal();
            run.awaitAccepted(30);
        }
        int leader = run.cluster.awaitLeader();
        int follower = run.cluster.follower();
        run.network().cut(leader, follower);
        run.awaitAccepted(60);
        run.network().heal();
        run.network().cut(follower, leader);
        run.awaitAccepted(60);
        run.network().heal();
        run.awaitAccepted(30);
    }

    @Test
    void majorityRingAndBridgeOnFiveNodesKeepServingSafely() {
        SuiteRun run = suite.start(5, 2_105);
        run.awaitAccepted(50);
        run.network().majorityRing(run.random);
        run.awaitAccepted(60);
        run.network().heal();
        run.awaitAccepted(30);
        run.network().bridge(run.random);
        run.awaitAccepted(60);
        run.network().heal();
        run.awaitAccepted(30);
    }
}
