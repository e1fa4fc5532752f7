package io.escrowstore.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RELIABILITY suite 3: crash and restart a follower, the leader, a majority; rolling restart of every node. */
class CrashRestartSuiteTest {
    @RegisterExtension
    final FaultSuiteExtension suite = new FaultSuiteExtension("3 kill + restart");

    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = {3, 5})
    void crashedFollowerAndLeaderAndARollingRestartLoseNoAcknowledgedClaim(int nodes) {
        SuiteRun run = suite.start(nodes, 3_000 + nodes);
        run.awaitAccepted(50);
        int follower = run.cluster.follower();
        run.crash(follower);
        run.awaitAccepted(50);
        run.cluster.restart(follower);
        run.awaitAccepted(30);

        int leader = run.cluster.awaitLeader();
        run.crash(leader);
        run.cluster.awaitNewLeader(leader);
        run.awaitAccepted(50);
        run.cluster.restart(leader);
        run.awaitAccepted(30);

        for (int node = 0; node < nodes; node++) {
            run.stop(node);
            run.awaitAccepted(20);
            run.cluster.restart(node);
        }
        run.awaitAccepted(30);
    }

    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = {3, 5})
    void storeWithoutAMajorityRefusesEverythingThenRecovers(int nodes) {
        SuiteRun run = suite.start(nodes, 3_100 + nodes);
        run.awaitAccepted(50);
        int leader = run.cluster.awaitLeader();
        run.crash(leader);
        for (int node = 0; run.cluster.running().size() > nodes / 2; node++) {
            if (node != leader) {
                run.crash(node);
            }
        }
        List<Integer> survivors = run.cluster.running();
        for (int node : survivors) {
            Awaiting.noLeaderKnownTo(run.cluster.node(node));
        }
        long lost = System.nanoTime();
        run.awaitCompletedClaims(20);
        for (int node : survivors) {
            Await.until(SuiteRun.PROGRESS_TIMEOUT, () -> "answers from node " + node + " without a majority",
                    () -> !run.within(node, lost, System.nanoTime()).isEmpty());
        }
        long restored = System.nanoTime();
        run.cluster.restartAll();

        for (int node : survivors) {
            List<History.Operation> refused = run.within(node, lost, restored);
            assertThat(refused).as("calls on node %d without a majority", node).isNotEmpty();
            assertThat(refused).as("none accepted or read without a majority")
                    .noneMatch(op -> op.outcome() == History.Outcome.ACCEPTED || op.outcome() == History.Outcome.READ);
        }
        run.awaitAccepted(50);
    }
}
