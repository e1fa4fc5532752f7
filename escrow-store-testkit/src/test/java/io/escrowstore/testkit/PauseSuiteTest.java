package io.escrowstore.testkit;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RELIABILITY suite 4: a node paused (every link blackholed) for longer than the election timeout,
 * then resumed: first the leader, then a follower. "Longer than the election timeout" is observed,
 * not slept: the pause lasts until the paused node itself has given up its leader.
 */
class PauseSuiteTest {
    @RegisterExtension
    final FaultSuiteExtension suite = new FaultSuiteExtension("4 pause");

    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = {3, 5})
    void pausedLeaderAndPausedFollowerRejoinWithoutLosingOrDoublingClaims(int nodes) {
        SuiteRun run = suite.start(nodes, 4_000 + nodes);
        run.awaitAccepted(50);
        int leader = run.cluster.awaitLeader();
        run.network().isolate(leader);
        run.cluster.awaitNewLeader(leader);
        Awaiting.noLeaderKnownTo(run.cluster.node(leader));
        run.awaitAccepted(30);
        run.network().heal();
        run.awaitAccepted(50);

        int follower = run.cluster.follower();
        run.network().isolate(follower);
        Awaiting.noLeaderKnownTo(run.cluster.node(follower));
        run.awaitAccepted(30);
        run.network().heal();
        run.awaitAccepted(50);
    }
}
