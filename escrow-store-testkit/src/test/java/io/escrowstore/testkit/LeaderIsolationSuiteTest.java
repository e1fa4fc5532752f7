package io.escrowstore.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RELIABILITY suite 1: the old leader, cut off, keeps receiving claims. */
class LeaderIsolationSuiteTest {
    @RegisterExtension
    final FaultSuiteExtension suite = new FaultSuiteExtension("1 leader isolation");

    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = {3, 5})
    void isolatedLeaderKeepsReceivingClaimsButAcceptsNoneAndNothingIsLost(int nodes) {
        SuiteRun run = suite.start(nodes, 1_000 + nodes);
        run.awaitAccepted(100);
        for (int round = 0; round < 2; round++) {
            int leader = run.cluster.awaitLeader();
            run.network().isolate(leader);
            long isolated = System.nanoTime();
            run.cluster.awaitNewLeader(leader);
            run.awaitAccepted(100);
            Await.until(SuiteRun.PROGRESS_TIMEOUT, () -> "answers from the isolated node " + leader,
                    () -> !run.within(leader, isolated, System.nanoTime()).isEmpty());
            long healed = System.nanoTime();
            run.network().heal();

            List<History.Operation> sentToOldLeader = run.within(leader, isolated, healed);
            assertThat(sentToOldLeader).as("claims and reads the isolated leader received").isNotEmpty();
            assertThat(sentToOldLeader).as("none sent after the cut was accepted or read while cut off")
                    .noneMatch(op -> op.outcome() == History.Outcome.ACCEPTED || op.outcome() == History.Outcome.READ);
            run.awaitAccepted(50);
        }
    }
}
